import { UNLABELED } from '../../shared/domain/classes';
import type { MaskRect } from '../../shared/mask/maskRect';
import type { PredictionSummary } from '../../shared/review/predictions';
import { TILE, type LabelMaskDocument } from './maskDocument';

/** A stored prediction of the open image, decoded: class values and confidence (0..255) per pixel. */
export interface ImagePrediction {
  summary: PredictionSummary;
  values: Uint8Array;
  confidence: Uint8Array;
}

/** What the prediction layer shows: the predicted classes, their confidence as a heat-map, or where they differ from the label. */
export const PREDICTION_VIEWS = ['prediction', 'confidence', 'errors'] as const;
export type PredictionView = (typeof PREDICTION_VIEWS)[number];

/** Which predicted pixels an accept takes. */
export interface AcceptFilter {
  /** `unlabeled`: only pixels the label leaves unlabeled; `all`: every pixel (labels are overwritten). */
  scope: 'all' | 'unlabeled';
  /** Pixels predicted at least this confident (0..255 as stored). */
  minConfidence: number;
  /** Only pixels predicted as this class value; null: every class. */
  classValue: number | null;
  /** Only pixels where region[i] ≠ 0 (a lasso), within `regionBounds`. */
  region?: Uint8Array | null;
  regionBounds?: MaskRect;
}

/** Whether the filter takes pixel i, ignoring the label (the live preview shows this). */
function offered(p: ImagePrediction, f: AcceptFilter, i: number): boolean {
  return p.confidence[i] >= f.minConfidence && (f.classValue === null || p.values[i] === f.classValue);
}

/**
 * Writes the filtered prediction into the label as part of the document's current edit (the caller
 * commits it as one history entry). Works tile by tile so only tiles that change are backed up;
 * returns the number of pixels written.
 */
export function acceptInto(doc: LabelMaskDocument, p: ImagePrediction, f: AcceptFilter): number {
  const { width, height, values } = doc;
  const b = f.regionBounds ?? { x0: 0, y0: 0, x1: width, y1: height };
  const region = f.region ?? null;
  const unlabeledOnly = f.scope === 'unlabeled';
  const pred = p.values;
  let written = 0;
  for (let ty = Math.floor(b.y0 / TILE) * TILE; ty < b.y1; ty += TILE) {
    for (let tx = Math.floor(b.x0 / TILE) * TILE; tx < b.x1; tx += TILE) {
      const rect = { x0: Math.max(tx, b.x0), y0: Math.max(ty, b.y0), x1: Math.min(tx + TILE, b.x1), y1: Math.min(ty + TILE, b.y1) };
      let prepared = false;
      for (let y = rect.y0; y < rect.y1; y++) {
        for (let i = y * width + rect.x0, end = y * width + rect.x1; i < end; i++) {
          const v = pred[i];
          const current = values[i];
          if (v === current || (unlabeledOnly && current !== UNLABELED)) continue;
          if (region && !region[i]) continue;
          if (!offered(p, f, i)) continue;
          if (!prepared) {
            doc.prepare(rect);
            prepared = true;
          }
          values[i] = v;
          written++;
        }
      }
    }
  }
  if (written) doc.changed(b);
  return written;
}

/**
 * The buffer the prediction layer draws (255 = transparent): the predicted class where the accept
 * filter would take it (a live preview of the threshold and class), the confidence itself, or 1
 * where a labeled pixel's prediction differs from its label.
 */
export function fillPredictionView(out: Uint8Array, p: ImagePrediction, view: PredictionView, label: Uint8Array, f: AcceptFilter, rect?: MaskRect, width?: number): void {
  const spans = rect && width ? rowSpans(rect, width) : [[0, out.length]];
  for (const [start, end] of spans) {
    for (let i = start; i < end; i++) {
      if (view === 'confidence') out[i] = Math.min(254, p.confidence[i]);
      else if (view === 'errors') out[i] = label[i] !== UNLABELED && label[i] !== p.values[i] ? 1 : UNLABELED;
      else out[i] = offered(p, f, i) ? p.values[i] : UNLABELED;
    }
  }
}

function rowSpans(r: MaskRect, width: number): number[][] {
  const spans: number[][] = [];
  for (let y = r.y0; y < r.y1; y++) spans.push([y * width + r.x0, y * width + r.x1]);
  return spans;
}

/** Pixels per predicted class value (index 255 stays 0). */
export function predictedCounts(p: ImagePrediction): Float64Array {
  const h = new Uint32Array(256);
  for (let i = 0; i < p.values.length; i++) h[p.values[i]]++;
  return Float64Array.from(h);
}

/** Packs RGBA as LabelView's colour tables do (little-endian ImageData). */
function pack(r: number, g: number, b: number, a: number): number {
  return ((a << 24) | (b << 16) | (g << 8) | r) >>> 0;
}

/** Confidence 0..254 as a heat-map: red (unsure) through yellow to green (sure); 255 transparent. */
export const CONFIDENCE_LUT: Uint32Array = (() => {
  const lut = new Uint32Array(256);
  for (let v = 0; v < 255; v++) {
    const t = v / 254;
    lut[v] = t < 0.5 ? pack(230, Math.round(60 + 380 * t), 40, 255) : pack(Math.round(230 - 400 * (t - 0.5)), 230, 60, 255);
  }
  return lut;
})();

/** Errors view: value 1 (prediction ≠ label) in magenta, everything else transparent. */
export const ERROR_LUT: Uint32Array = (() => {
  const lut = new Uint32Array(256);
  lut[1] = pack(255, 0, 200, 255);
  return lut;
})();

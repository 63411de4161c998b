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
  const keepLabeled = f.scope === 'unlabeled';
  const { minConfidence, classValue } = f;
  const filtered = minConfidence > 0 || classValue !== null || region !== null;
  const pred = p.values;
  const conf = p.confidence;
  if (!filtered && canUseWords(values, pred, width, b)) return acceptWords(doc, pred, keepLabeled, b);
  let written = 0;
  for (const rect of tilesOf(b)) {
    let prepared = false;
    for (let y = rect.y0; y < rect.y1; y++) {
      const end = y * width + rect.x1;
      for (let i = y * width + rect.x0; i < end; i++) {
        const v = pred[i];
        const current = values[i];
        if (v === current || (keepLabeled && current !== UNLABELED)) continue;
        // Each filter is tested only when it is set.
        if (filtered && ((region !== null && region[i] === 0) || conf[i] < minConfidence || (classValue !== null && v !== classValue))) continue;
        if (!prepared) {
          doc.prepare(rect);
          prepared = true;
        }
        values[i] = v;
        written++;
      }
    }
  }
  if (written) doc.changed(b);
  return written;
}

/** The pieces of `b` cut along the document's backup tiles (each is backed up once, when first written). */
function* tilesOf(b: MaskRect): Generator<MaskRect> {
  for (let ty = Math.floor(b.y0 / TILE) * TILE; ty < b.y1; ty += TILE) {
    for (let tx = Math.floor(b.x0 / TILE) * TILE; tx < b.x1; tx += TILE) {
      yield { x0: Math.max(tx, b.x0), y0: Math.max(ty, b.y0), x1: Math.min(tx + TILE, b.x1), y1: Math.min(ty + TILE, b.y1) };
    }
  }
}

/** Whole-image accepts without filters run four pixels at a time where rows and buffers align on 4 bytes. */
function canUseWords(values: Uint8Array, pred: Uint8Array, width: number, b: MaskRect): boolean {
  return width % 4 === 0 && b.x0 % 4 === 0 && b.x1 % 4 === 0 && values.byteOffset % 4 === 0 && pred.byteOffset % 4 === 0;
}

/** Bytes of a 32-bit word that are 0xFF, as their high bits (0: none); exact per byte (no borrow between bytes). */
function ffBytes(word: number): number {
  const inverted = ~word >>> 0;
  const nonZero = (((inverted & 0x7f7f7f7f) + 0x7f7f7f7f) | inverted) & 0x80808080;
  return (~nonZero & 0x80808080) >>> 0;
}

/** Bytes that differ between two words (0..4). */
function differingBytes(a: number, b: number): number {
  const x = (a ^ b) >>> 0;
  return (x & 0xff ? 1 : 0) + (x & 0xff00 ? 1 : 0) + (x & 0xff0000 ? 1 : 0) + (x & 0xff000000 ? 1 : 0);
}

/**
 * acceptInto's unfiltered case, a word (four pixels) at a time: a word of four unlabeled pixels
 * takes the predicted word whole, a word with none is skipped whole, a mixed one goes byte by byte.
 */
function acceptWords(doc: LabelMaskDocument, pred: Uint8Array, keepLabeled: boolean, b: MaskRect): number {
  const { width, values } = doc;
  const v32 = new Uint32Array(values.buffer, values.byteOffset, values.length >> 2);
  const p32 = new Uint32Array(pred.buffer, pred.byteOffset, pred.length >> 2);
  let written = 0;
  for (const rect of tilesOf(b)) {
    let prepared = false;
    for (let y = rect.y0; y < rect.y1; y++) {
      const end = (y * width + rect.x1) >> 2;
      for (let w = (y * width + rect.x0) >> 2; w < end; w++) {
        const current = v32[w];
        const next = p32[w];
        if (current === next) continue;
        let result = next;
        if (keepLabeled && current !== 0xffffffff) {
          const ff = ffBytes(current);
          if (ff === 0) continue;
          // Mixed: predicted bytes where the label is 255, the label's bytes elsewhere.
          const mask = (ff >>> 7) * 0xff;
          result = ((next & mask) | (current & ~mask)) >>> 0;
          if (result === current) continue;
        }
        if (!prepared) {
          doc.prepare(rect);
          prepared = true;
        }
        written += differingBytes(current, result);
        v32[w] = result;
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

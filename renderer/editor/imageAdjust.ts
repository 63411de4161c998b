/**
 * Brightness, contrast and gamma of the editor's image layer: display only. The image file, the
 * labels, training and prediction input never see it; it is a 256-entry lookup table applied to a
 * copy of the photo once per change (never per pointer move).
 */
export interface ImageAdjust {
  /** Added to every level, in percent of full scale: -100…100. */
  brightness: number;
  /** Stretch around mid-grey, in percent: -100 (flat grey) … 100 (three times steeper). */
  contrast: number;
  /** Output = input^(1/gamma): above 1 lifts the shadows of dark frames. 0.2…5. */
  gamma: number;
}

export const IMAGE_ADJUST_DEFAULTS: Readonly<ImageAdjust> = { brightness: 0, contrast: 0, gamma: 1 };

/** The sliders' ranges and steps, one place for the panel and the validation. */
export const IMAGE_ADJUST_RANGES: Readonly<Record<keyof ImageAdjust, { min: number; max: number; step: number }>> = {
  brightness: { min: -100, max: 100, step: 1 },
  contrast: { min: -100, max: 100, step: 1 },
  gamma: { min: 0.2, max: 5, step: 0.05 },
};

/** The gamma one press of the keys `O` / Shift+O moves to (`direction` +1 or -1), within its range. */
export function stepGamma(gamma: number, direction: 1 | -1): number {
  const { min, max } = IMAGE_ADJUST_RANGES.gamma;
  return Math.min(max, Math.max(min, Math.round((gamma + direction * 0.25) * 100) / 100));
}

export function isIdentityAdjust(a: ImageAdjust): boolean {
  return a.brightness === 0 && a.contrast === 0 && a.gamma === 1;
}

/** The 256-entry table that maps a channel level to its displayed level (the same for R, G and B). */
export function adjustLut(a: ImageAdjust): Uint8Array {
  const lut = new Uint8Array(256);
  const slope = a.contrast < 0 ? 1 + a.contrast / 100 : 1 + (2 * a.contrast) / 100;
  for (let i = 0; i < 256; i++) {
    let v = Math.pow(i / 255, 1 / a.gamma);
    v = (v - 0.5) * slope + 0.5 + a.brightness / 100;
    lut[i] = Math.round(Math.min(1, Math.max(0, v)) * 255);
  }
  return lut;
}

/** Writes `source` through `lut` into `target` (RGBA; alpha is copied unchanged). */
export function applyLut(source: Uint8ClampedArray, target: Uint8ClampedArray, lut: Uint8Array): void {
  for (let i = 0; i < source.length; i += 4) {
    target[i] = lut[source[i]];
    target[i + 1] = lut[source[i + 1]];
    target[i + 2] = lut[source[i + 2]];
    target[i + 3] = source[i + 3];
  }
}

/** A stored value made safe: each field that is missing, not a number, or out of range takes its default. */
export function parseImageAdjust(value: unknown): ImageAdjust {
  const out = { ...IMAGE_ADJUST_DEFAULTS };
  if (!value || typeof value !== 'object') return out;
  const stored = value as Record<string, unknown>;
  for (const key of Object.keys(IMAGE_ADJUST_RANGES) as (keyof ImageAdjust)[]) {
    const v = stored[key];
    const { min, max } = IMAGE_ADJUST_RANGES[key];
    if (typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max) out[key] = v;
  }
  return out;
}

const storageKey = (projectKey: string) => `fcnStudio.imageAdjust:${projectKey}`;

/** The project's remembered display adjustment (defaults when none or unreadable). */
export function readImageAdjust(projectKey: string): ImageAdjust {
  try {
    return parseImageAdjust(JSON.parse(localStorage.getItem(storageKey(projectKey)) ?? 'null'));
  } catch {
    return { ...IMAGE_ADJUST_DEFAULTS };
  }
}

export function saveImageAdjust(projectKey: string, a: ImageAdjust): void {
  try {
    if (isIdentityAdjust(a)) localStorage.removeItem(storageKey(projectKey));
    else localStorage.setItem(storageKey(projectKey), JSON.stringify(a));
  } catch {
    // Storage full or disabled: the adjustment still applies, it is just not remembered.
  }
}

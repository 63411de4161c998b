/** The seeded generator shared with the data pipeline: initial weights are identical on every backend and every run. */
export { mulberry32 } from '../../../../shared/random';

/** Normal(0, std) samples (Box–Muller). */
export function normalArray(size: number, std: number, random: () => number): Float32Array {
  const out = new Float32Array(size);
  for (let i = 0; i < size; i += 2) {
    const u = 1 - random();
    const v = random();
    const r = Math.sqrt(-2 * Math.log(u)) * std;
    out[i] = r * Math.cos(2 * Math.PI * v);
    if (i + 1 < size) out[i + 1] = r * Math.sin(2 * Math.PI * v);
  }
  return out;
}

/** A per-name seed, so adding a layer does not change the others' weights. */
export function hashSeed(seed: number, name: string): number {
  let h = (seed ^ 0x811c9dc5) >>> 0;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619) >>> 0;
  return h;
}

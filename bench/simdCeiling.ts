/**
 * What one thread of wasm SIMD can do on this CPU: register tiles of R rows × 4·V columns
 * (R·V f32x4 accumulators), each step loading V vectors and R splats from L1 and doing R·V
 * multiply-adds, as our GEMM and convolution tiles do. Unfused (f32x4.mul then f32x4.add) and fused
 * (relaxed SIMD's f32x4.relaxed_madd, one FMA where the CPU has it). GFLOP/s with 2 FLOPs a
 * multiply-add, best of 2 passes.
 *
 *   npx tsx bench/simdCeiling.ts
 *
 * Measured 2026-12-03 (Xeon, 2 vCPUs): unfused 36–41 GFLOP/s a thread for every shape; fused
 * 43–52, best at 6 × 8 and 3 × 12. (Our kernels use 4 × 8: in their real loops 6 × 8 spilled.)
 */
import { setFlagsFromString } from 'node:v8';

import wabtInit from 'wabt';

setFlagsFromString('--experimental-wasm-relaxed-simd');
const wabt = await wabtInit();
const SHAPES: [number, number][] = [[4, 2], [5, 2], [6, 2], [3, 3], [4, 3], [2, 4], [3, 4], [8, 1], [12, 1]];

function tile(rows: number, vectors: number, fused: boolean): string {
  const accs = Array.from({ length: rows }, (_, r) => Array.from({ length: vectors }, (_, v) => `$c${r}_${v}`)).flat();
  const body: string[] = [];
  for (let v = 0; v < vectors; v++) body.push(`(local.set $b${v} (v128.load offset=${v * 16} (local.get $pb)))`);
  for (let r = 0; r < rows; r++) {
    body.push(`(local.set $av (v128.load32_splat offset=${r * 4} (local.get $pa)))`);
    for (let v = 0; v < vectors; v++) {
      const [a, b, c] = ['(local.get $av)', `(local.get $b${v})`, `(local.get $c${r}_${v})`];
      body.push(`(local.set $c${r}_${v} ${fused ? `(f32x4.relaxed_madd ${a} ${b} ${c})` : `(f32x4.add ${c} (f32x4.mul ${a} ${b}))`})`);
    }
  }
  const sum = accs.map((c) => `(local.get ${c})`).reduce((a, b) => `(f32x4.add ${a} ${b})`);
  return `(func (export "t${rows}x${vectors}") (param $a i32) (param $b i32) (param $k i32) (param $reps i32) (result f32)
    (local $pa i32) (local $pb i32) (local $end i32) (local $av v128)
    ${Array.from({ length: vectors }, (_, v) => `(local $b${v} v128)`).join(' ')} ${accs.map((c) => `(local ${c} v128)`).join(' ')}
    (block $repsDone (loop $rep (br_if $repsDone (i32.eqz (local.get $reps)))
      (local.set $pa (local.get $a)) (local.set $pb (local.get $b))
      (local.set $end (i32.add (local.get $b) (i32.mul (local.get $k) (i32.const ${vectors * 16}))))
      (block $done (loop $step (br_if $done (i32.ge_u (local.get $pb) (local.get $end)))
        ${body.join('\n        ')}
        (local.set $pa (i32.add (local.get $pa) (i32.const ${rows * 4})))
        (local.set $pb (i32.add (local.get $pb) (i32.const ${vectors * 16})))
        (br $step)))
      (local.set $reps (i32.sub (local.get $reps) (i32.const 1))) (br $rep)))
    (f32x4.extract_lane 0 ${sum}))`;
}

const K = 512;
for (const fused of [false, true]) {
  const wat = `(module (memory 16) ${SHAPES.map(([r, v]) => tile(r, v, fused)).join('\n')})`;
  const module = wabt.parseWat('ceiling.wat', wat, { simd: true, relaxed_simd: fused });
  const { exports } = new WebAssembly.Instance(new WebAssembly.Module(module.toBinary({}).buffer as Uint8Array<ArrayBuffer>));
  const cells: string[] = [];
  for (const [rows, vectors] of SHAPES) {
    const run = exports[`t${rows}x${vectors}`] as (a: number, b: number, k: number, reps: number) => number;
    run(0, 65536, K, 100);
    let best = 0;
    for (let pass = 0; pass < 2; pass++) {
      const reps = 20000;
      const t0 = performance.now();
      run(0, 65536, K, reps);
      best = Math.max(best, (2 * rows * vectors * 4 * K * reps) / ((performance.now() - t0) * 1e6));
    }
    cells.push(`${rows}×${vectors * 4} ${best.toFixed(1)}`);
  }
  console.log(`${fused ? 'fused (relaxed_madd)' : 'mul + add'}: ${cells.join(' · ')} GFLOP/s, one thread`);
}

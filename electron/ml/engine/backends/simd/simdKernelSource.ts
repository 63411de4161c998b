/**
 * The WebAssembly text of our SIMD kernels. They run on tfjs-backend-wasm's own heap (the module
 * imports the backend's memory), so they read and write tensors in place, as our JS kernels do,
 * but with 128-bit vectors: V8 runs plain JS loops over Float32Arrays about 4–8× slower.
 *
 * Generated rather than written out because the filter-gradient micro-kernels are one pattern in
 * twelve tile shapes. `npm run build:simd` compiles this text (wabt) into simdKernelBinary.ts; a
 * test checks the committed binary is this text's.
 *
 * Pointers and strides are byte offsets into the heap.
 */

const f32 = (v: number) => `(f32.const ${v})`;
const splat = (v: number) => `(f32x4.splat ${f32(v)})`;

/**
 * e^x for four lanes (Cephes' expf: x = n·ln2 + r, |r| ≤ ln2/2, a degree-5 polynomial for e^r,
 * 2^n built in the exponent bits). Relative error ~2e-7 over the clamped range [−87.3, 88].
 */
const EXP4 = `
  (func $exp4 (param $x v128) (result v128)
    (local $n v128) (local $r v128) (local $y v128)
    (local.set $x (f32x4.min (f32x4.max (local.get $x) ${splat(-87.33654)}) ${splat(88.0)}))
    (local.set $n (f32x4.floor (f32x4.add (f32x4.mul (local.get $x) ${splat(1.4426950408889634)}) ${splat(0.5)})))
    (local.set $r (f32x4.sub (f32x4.sub (local.get $x) (f32x4.mul (local.get $n) ${splat(0.693359375)}))
                             (f32x4.mul (local.get $n) ${splat(-2.12194440e-4)})))
    (local.set $y ${splat(1.9875691500e-4)})
    ${[1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1]
      .map((c) => `(local.set $y (f32x4.add (f32x4.mul (local.get $y) (local.get $r)) ${splat(c)}))`)
      .join('\n    ')}
    (local.set $y (f32x4.add (f32x4.add (f32x4.mul (local.get $y) (f32x4.mul (local.get $r) (local.get $r))) (local.get $r)) ${splat(1)}))
    (f32x4.mul (local.get $y)
      (i32x4.shl (i32x4.add (i32x4.trunc_sat_f32x4_s (local.get $n)) (i32x4.splat (i32.const 127))) (i32.const 23))))
`;

/**
 * Softmax cross-entropy, forward and gradient, one pixel row of C logits at a time (the row stays
 * in L1 between the passes). For each pixel p with label y ≠ 255:
 *   g[p, k] = w_y·scale · (softmax_k − [k = y]),  z[p] = Σ_k e^(x_k − max),  t[p] = x_y − max,
 * so the caller's loss is scale · Σ_p w_y·(ln z[p] − t[p]). Pixels labelled 255 get a zero row.
 * Labels must already be checked to be < C or 255.
 */
const SOFTMAX_CE = `
  (func (export "softmax_ce")
    (param $x i32) (param $labels i32) (param $w i32) (param $g i32) (param $pixels i32) (param $classes i32)
    (param $scale f32) (param $z i32) (param $t i32)
    (local $p i32) (local $row i32) (local $grow i32) (local $label i32) (local $k i32) (local $vecEnd i32)
    (local $m f32) (local $vm v128) (local $sum f32) (local $vs v128) (local $e v128) (local $wl f32) (local $s f32)
    (local.set $vecEnd (i32.and (local.get $classes) (i32.const -4)))
    (block $done (loop $pixel
      (br_if $done (i32.ge_u (local.get $p) (local.get $pixels)))
      (local.set $row (i32.add (local.get $x) (i32.shl (i32.mul (local.get $p) (local.get $classes)) (i32.const 2))))
      (local.set $grow (i32.add (local.get $g) (i32.shl (i32.mul (local.get $p) (local.get $classes)) (i32.const 2))))
      (local.set $label (i32.load (i32.add (local.get $labels) (i32.shl (local.get $p) (i32.const 2)))))
      (if (i32.eq (local.get $label) (i32.const 255))
        (then
          (memory.fill (local.get $grow) (i32.const 0) (i32.shl (local.get $classes) (i32.const 2)))
          (local.set $p (i32.add (local.get $p) (i32.const 1)))
          (br $pixel)))
      ;; max over the row
      (local.set $m (f32.load (local.get $row)))
      (local.set $vm (f32x4.splat (local.get $m)))
      (local.set $k (i32.const 0))
      (block $b (loop $l
        (br_if $b (i32.ge_u (local.get $k) (local.get $vecEnd)))
        (local.set $vm (f32x4.max (local.get $vm) (v128.load align=4 (i32.add (local.get $row) (i32.shl (local.get $k) (i32.const 2))))))
        (local.set $k (i32.add (local.get $k) (i32.const 4)))
        (br $l)))
      (local.set $m (f32.max (f32.max (f32x4.extract_lane 0 (local.get $vm)) (f32x4.extract_lane 1 (local.get $vm)))
                             (f32.max (f32x4.extract_lane 2 (local.get $vm)) (f32x4.extract_lane 3 (local.get $vm)))))
      (block $b (loop $l
        (br_if $b (i32.ge_u (local.get $k) (local.get $classes)))
        (local.set $m (f32.max (local.get $m) (f32.load (i32.add (local.get $row) (i32.shl (local.get $k) (i32.const 2))))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $l)))
      ;; e^(x − max) into the gradient row, and its sum
      (local.set $vm (f32x4.splat (local.get $m)))
      (local.set $vs (v128.const f32x4 0 0 0 0))
      (local.set $k (i32.const 0))
      (block $b (loop $l
        (br_if $b (i32.ge_u (local.get $k) (local.get $vecEnd)))
        (local.set $e (call $exp4 (f32x4.sub (v128.load align=4 (i32.add (local.get $row) (i32.shl (local.get $k) (i32.const 2)))) (local.get $vm))))
        (v128.store align=4 (i32.add (local.get $grow) (i32.shl (local.get $k) (i32.const 2))) (local.get $e))
        (local.set $vs (f32x4.add (local.get $vs) (local.get $e)))
        (local.set $k (i32.add (local.get $k) (i32.const 4)))
        (br $l)))
      (local.set $sum (f32.add (f32.add (f32x4.extract_lane 0 (local.get $vs)) (f32x4.extract_lane 1 (local.get $vs)))
                               (f32.add (f32x4.extract_lane 2 (local.get $vs)) (f32x4.extract_lane 3 (local.get $vs)))))
      (block $b (loop $l
        (br_if $b (i32.ge_u (local.get $k) (local.get $classes)))
        (local.set $e (call $exp4 (f32x4.splat (f32.sub (f32.load (i32.add (local.get $row) (i32.shl (local.get $k) (i32.const 2)))) (local.get $m)))))
        (f32.store (i32.add (local.get $grow) (i32.shl (local.get $k) (i32.const 2))) (f32x4.extract_lane 0 (local.get $e)))
        (local.set $sum (f32.add (local.get $sum) (f32x4.extract_lane 0 (local.get $e))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $l)))
      ;; scale to w_y·scale·softmax, then subtract w_y·scale at the label
      (local.set $wl (f32.mul (f32.load (i32.add (local.get $w) (i32.shl (local.get $label) (i32.const 2)))) (local.get $scale)))
      (local.set $s (f32.div (local.get $wl) (local.get $sum)))
      (local.set $vs (f32x4.splat (local.get $s)))
      (local.set $k (i32.const 0))
      (block $b (loop $l
        (br_if $b (i32.ge_u (local.get $k) (local.get $vecEnd)))
        (v128.store align=4 (i32.add (local.get $grow) (i32.shl (local.get $k) (i32.const 2)))
          (f32x4.mul (v128.load align=4 (i32.add (local.get $grow) (i32.shl (local.get $k) (i32.const 2)))) (local.get $vs)))
        (local.set $k (i32.add (local.get $k) (i32.const 4)))
        (br $l)))
      (block $b (loop $l
        (br_if $b (i32.ge_u (local.get $k) (local.get $classes)))
        (f32.store (i32.add (local.get $grow) (i32.shl (local.get $k) (i32.const 2)))
          (f32.mul (f32.load (i32.add (local.get $grow) (i32.shl (local.get $k) (i32.const 2)))) (local.get $s)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $l)))
      (f32.store (i32.add (local.get $grow) (i32.shl (local.get $label) (i32.const 2)))
        (f32.sub (f32.load (i32.add (local.get $grow) (i32.shl (local.get $label) (i32.const 2)))) (local.get $wl)))
      (f32.store (i32.add (local.get $z) (i32.shl (local.get $p) (i32.const 2))) (local.get $sum))
      (f32.store (i32.add (local.get $t) (i32.shl (local.get $p) (i32.const 2)))
        (f32.sub (f32.load (i32.add (local.get $row) (i32.shl (local.get $label) (i32.const 2)))) (local.get $m)))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (br $pixel)))
  )
`;

/** Row counts and column widths of the filter-gradient micro-kernels (columns 1 = scalar). */
export const GEMM_ROWS = [1, 2, 3, 4] as const;
export const GEMM_COLS = [8, 4, 1] as const;

/**
 * One tile of a "tall" product out[R, C] += Σ_k a[k, r] · b[k, c] over a run of `rows` × `len`
 * positions k, where a is read with a stride of aStep bytes per position (and aRow per row) and b
 * likewise — the filter gradient's Σ_p x[p + tap, ci] · dy[p, co], with x and dy in NHWC. The tile's
 * R×C accumulators live in registers for the whole run (R ≤ 4 rows of a, C ∈ {8, 4} columns of b as
 * one or two vectors, or C = 1 in scalar lanes); they are loaded from and stored back to out.
 */
function gemmTile(rows: number, cols: number): string {
  const vectors = cols === 1 ? 0 : cols / 4;
  const accs: string[] = [];
  for (let r = 0; r < rows; r++) for (let v = 0; v < Math.max(1, vectors); v++) accs.push(`$c${r}_${v}`);
  const type = cols === 1 ? 'f32' : 'v128';
  const load = (addr: string) => (cols === 1 ? `(f32.load ${addr})` : `(v128.load align=4 ${addr})`);
  const store = (addr: string, value: string) => (cols === 1 ? `(f32.store ${addr} ${value})` : `(v128.store align=4 ${addr} ${value})`);
  const outAddr = (r: number, v: number) => `(i32.add (local.get $out) (i32.add (i32.mul (i32.const ${r}) (local.get $ldo)) (i32.const ${v * 16})))`;
  const lines: string[] = [];
  for (let r = 0; r < rows; r++) for (let v = 0; v < Math.max(1, vectors); v++) lines.push(`(local.set $c${r}_${v} ${load(outAddr(r, v))})`);
  const body: string[] = [];
  for (let v = 0; v < Math.max(1, vectors); v++) body.push(`(local.set $b${v} ${load(`(i32.add (local.get $pb) (i32.const ${v * 16}))`)})`);
  for (let r = 0; r < rows; r++) {
    const aValue = cols === 1 ? `(f32.load offset=${r * 4} (local.get $pa))` : `(v128.load32_splat offset=${r * 4} (local.get $pa))`;
    body.push(`(local.set $av ${aValue})`);
    for (let v = 0; v < Math.max(1, vectors); v++) {
      body.push(
        cols === 1
          ? `(local.set $c${r}_${v} (f32.add (local.get $c${r}_${v}) (f32.mul (local.get $av) (local.get $b${v}))))`
          : `(local.set $c${r}_${v} (f32x4.add (local.get $c${r}_${v}) (f32x4.mul (local.get $av) (local.get $b${v}))))`,
      );
    }
  }
  const stores: string[] = [];
  for (let r = 0; r < rows; r++) for (let v = 0; v < Math.max(1, vectors); v++) stores.push(store(outAddr(r, v), `(local.get $c${r}_${v})`));
  return `
  (func (export "gemm_tile_${rows}x${cols}")
    (param $a i32) (param $b i32) (param $out i32) (param $rows i32) (param $len i32)
    (param $aRow i32) (param $bRow i32) (param $aStep i32) (param $bStep i32) (param $ldo i32)
    (local $pa i32) (local $pb i32) (local $end i32) (local $row i32) (local $av ${type})
    ${Array.from({ length: Math.max(1, vectors) }, (_, v) => `(local $b${v} ${type})`).join(' ')}
    ${accs.map((c) => `(local ${c} ${type})`).join(' ')}
    ${lines.join('\n    ')}
    (block $rowsDone (loop $rowLoop
      (br_if $rowsDone (i32.ge_u (local.get $row) (local.get $rows)))
      (local.set $pa (i32.add (local.get $a) (i32.mul (local.get $row) (local.get $aRow))))
      (local.set $pb (i32.add (local.get $b) (i32.mul (local.get $row) (local.get $bRow))))
      (local.set $end (i32.add (local.get $pb) (i32.mul (local.get $len) (local.get $bStep))))
      (block $posDone (loop $pos
        (br_if $posDone (i32.ge_u (local.get $pb) (local.get $end)))
        ${body.join('\n        ')}
        (local.set $pa (i32.add (local.get $pa) (local.get $aStep)))
        (local.set $pb (i32.add (local.get $pb) (local.get $bStep)))
        (br $pos)))
      (local.set $row (i32.add (local.get $row) (i32.const 1)))
      (br $rowLoop)))
    ${stores.join('\n    ')}
  )`;
}

/** The module's text; `shared` must match the backend's memory (the threaded build's is shared). */
export function simdKernelWat(shared: boolean): string {
  const tiles = GEMM_ROWS.flatMap((r) => GEMM_COLS.map((c) => gemmTile(r, c)));
  return `(module
  (import "env" "memory" (memory 1 65536${shared ? ' shared' : ''}))
  ${EXP4}
  (func (export "exp4_probe") (param $x i32) (param $out i32)
    (v128.store align=4 (local.get $out) (call $exp4 (v128.load align=4 (local.get $x)))))
  ${SOFTMAX_CE}
  ${tiles.join('\n')}
)`;
}

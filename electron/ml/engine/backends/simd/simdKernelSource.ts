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
      ;; The classes past the last group of 4 (11 classes: 3): with at least 4 classes, one exp4 of
      ;; the row's last 4 logits, stored over the last 4 (those before the tail get the values they
      ;; have), then the tail added in order; fewer than 4 classes, one lane at a time.
      (if (i32.and (i32.lt_u (local.get $vecEnd) (local.get $classes)) (i32.ge_u (local.get $classes) (i32.const 4)))
        (then
          (local.set $e (call $exp4 (f32x4.sub (v128.load align=4 (i32.add (local.get $row) (i32.shl (i32.sub (local.get $classes) (i32.const 4)) (i32.const 2)))) (local.get $vm))))
          (v128.store align=4 (i32.add (local.get $grow) (i32.shl (i32.sub (local.get $classes) (i32.const 4)) (i32.const 2))) (local.get $e))
          (block $b (loop $l
            (br_if $b (i32.ge_u (local.get $k) (local.get $classes)))
            (local.set $sum (f32.add (local.get $sum) (f32.load (i32.add (local.get $grow) (i32.shl (local.get $k) (i32.const 2))))))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $l)))))
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

/**
 * c + a·b on four lanes, as the module spells it: relaxed SIMD's multiply-add (one fused
 * multiply-add where the CPU has FMA, about a third more multiply-adds a cycle on this machine than
 * a multiply and an add, measured on register tiles) or, where the engine lacks relaxed SIMD, a
 * multiply then an add. The fused form rounds once instead of twice; the kernels are checked
 * against the cpu backend with the same tolerances either way.
 */
type Madd4 = (a: string, b: string, c: string) => string;
const maddOf = (fused: boolean): Madd4 =>
  fused ? (a, b, c) => `(f32x4.relaxed_madd ${a} ${b} ${c})` : (a, b, c) => `(f32x4.add ${c} (f32x4.mul ${a} ${b}))`;

/** Row counts and column widths of the micro-kernels (columns 1 = scalar). */
const GEMM_ROWS = [1, 2, 3, 4] as const;
const GEMM_COLS = [8, 4, 1] as const;

/**
 * One tile of a "tall" product out[R, C] += Σ_k a[k, r] · b[k, c] over a run of `rows` × `len`
 * positions k, where a is read with a stride of aStep bytes per position (and aRow per row) and b
 * likewise — the filter gradient's Σ_p x[p + tap, ci] · dy[p, co], with x and dy in NHWC. The tile's
 * R×C accumulators live in registers for the whole run (R ≤ 4 rows of a, C ∈ {8, 4} columns of b as
 * one or two vectors, or C = 1 in scalar lanes); they are loaded from and stored back to out.
 */
function gemmTile(rows: number, cols: number, madd: Madd4): string {
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
          : `(local.set $c${r}_${v} ${madd('(local.get $av)', `(local.get $b${v})`, `(local.get $c${r}_${v})`)})`,
      );
    }
  }
  const stores: string[] = [];
  for (let r = 0; r < rows; r++) for (let v = 0; v < Math.max(1, vectors); v++) stores.push(store(outAddr(r, v), `(local.get $c${r}_${v})`));
  return `
  (func $gemm_tile_${rows}x${cols}
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

const get = (name: string) => `(local.get $${name})`;
const i32 = (v: number) => `(i32.const ${v})`;
const add = (a: string, b: string) => `(i32.add ${a} ${b})`;
const mul = (a: string, b: string) => `(i32.mul ${a} ${b})`;
const minS = (a: string, b: string) => `(select ${a} ${b} (i32.lt_s ${a} ${b}))`;
const maxS = (a: string, b: string) => `(select ${a} ${b} (i32.gt_s ${a} ${b}))`;

/**
 * All tiles of one chunk of output positions: [Ci, coFrom..coTo) of the tap in tiles of up to 4
 * rows and 8, 4 or 1 columns, each a micro-kernel call over the chunk.
 */
function chunkTiles(): string {
  const callTile = (rows: number, cols: number) =>
    `(call $gemm_tile_${rows}x${cols} ${add(get('x'), mul(get('c0'), i32(4)))} ${add(get('dy'), mul(get('d0'), i32(4)))}
       ${add(get('out'), mul(add(mul(get('c0'), get('co')), get('d0')), i32(4)))} ${get('rows')} ${get('len')}
       ${get('xRow')} ${get('dyRow')} ${get('xStep')} ${get('dyStep')} ${get('dyStep')})`;
  const dispatch = (cols: number) =>
    GEMM_ROWS.slice()
      .reverse()
      .map((r) => `(if (i32.eq ${get('tr')} ${i32(r)}) (then ${callTile(r, cols)}))`)
      .join('\n          ');
  const columnLoop = (cols: number) => `
        (block $b${cols} (loop $l${cols}
          (br_if $b${cols} (i32.gt_s ${add(get('d0'), i32(cols))} ${get('coTo')}))
          ${dispatch(cols)}
          (local.set $d0 ${add(get('d0'), i32(cols))})
          (br $l${cols})))`;
  return `
  (func $chunk_tiles (param $x i32) (param $dy i32) (param $out i32) (param $rows i32) (param $len i32)
    (param $xRow i32) (param $dyRow i32) (param $xStep i32) (param $dyStep i32) (param $ci i32) (param $co i32)
    (param $coFrom i32) (param $coTo i32)
    (local $c0 i32) (local $d0 i32) (local $tr i32)
    (block $rowsDone (loop $rowTiles
      (br_if $rowsDone (i32.ge_s ${get('c0')} ${get('ci')}))
      (local.set $tr ${minS(i32(4), `(i32.sub ${get('ci')} ${get('c0')})`)})
      (local.set $d0 ${get('coFrom')})
      ${GEMM_COLS.map(columnLoop).join('')}
      (local.set $c0 ${add(get('c0'), i32(4))})
      (br $rowTiles)))
  )`;
}

/** First output index o ≥ 0 whose input o·s + tap − pad is ≥ 0: ceil((pad − tap) / s), at least 0. */
const firstInside = (pad: string, tap: string, s: string) =>
  `(select (i32.div_s (i32.add (i32.sub ${get(pad)} ${get(tap)}) (i32.sub ${get(s)} ${i32(1)})) ${get(s)}) ${i32(0)}
     (i32.gt_s (i32.sub ${get(pad)} ${get(tap)}) ${i32(0)}))`;
/** One past the last output index (< outSize) whose input o·s + tap − pad is < size; 0 if none. */
const endInside = (size: string, pad: string, tap: string, s: string, outSize: string) => {
  const last = `(i32.sub (i32.add ${get(size)} ${get(pad)}) (i32.add ${get(tap)} ${i32(1)}))`;
  return `(select ${minS(get(outSize), `(i32.add (i32.div_s ${last} ${get(s)}) ${i32(1)})`)} ${i32(0)} (i32.ge_s ${last} ${i32(0)}))`;
};

/**
 * Filter gradient dW[i, j, ci, co] += Σ_{n, oh, ow} x[n, oh·sh + i − top, ow·sw + j − left, ci] ·
 * dy[n, oh, ow, co], from NHWC x and dy without padding or copies: for tap (i, j) the output
 * positions whose input lies inside the image form one rectangle [oh0, oh1) × [ow0, ow1) per image,
 * each of whose rows is a contiguous run in x and in dy. Those rows (over all images, numbered
 * q = n·span + row) are split into `parts` equal ranges; this call does range `part` (so two
 * threads can each do one, into separate outputs), in chunks of about chunkPositions positions,
 * for output columns [coFrom, coTo) (so two threads can instead each do some of the columns).
 */
const FILTER_GRAD = `
  (func (export "filter_grad")
    (param $x i32) (param $dy i32) (param $out i32) (param $n i32) (param $h i32) (param $w i32)
    (param $oh i32) (param $ow i32) (param $kh i32) (param $kw i32) (param $ci i32) (param $co i32)
    (param $top i32) (param $left i32) (param $chunkPositions i32) (param $part i32) (param $parts i32)
    (param $coFrom i32) (param $coTo i32) (param $sh i32) (param $sw i32)
    (local $pixel i32) (local $i i32) (local $j i32) (local $oh0 i32) (local $oh1 i32) (local $ow0 i32) (local $ow1 i32)
    (local $len i32) (local $rpc i32) (local $tapOut i32) (local $span i32) (local $q i32) (local $q1 i32)
    (local $b i32) (local $r i32) (local $rows i32) (local $xStep i32) (local $dyStep i32) (local $xRow i32) (local $dyRow i32)
    (local.set $pixel ${mul(get('ci'), i32(4))})
    (local.set $xStep ${mul(get('pixel'), get('sw'))})
    (local.set $dyStep ${mul(get('co'), i32(4))})
    (local.set $xRow ${mul(mul(get('w'), get('pixel')), get('sh'))})
    (local.set $dyRow ${mul(get('ow'), get('dyStep'))})
    (block $iDone (loop $iLoop
      (br_if $iDone (i32.ge_s ${get('i')} ${get('kh')}))
      (local.set $oh0 ${firstInside('top', 'i', 'sh')})
      (local.set $oh1 ${endInside('h', 'top', 'i', 'sh', 'oh')})
      (local.set $j ${i32(0)})
      (if (i32.gt_s ${get('oh1')} ${get('oh0')}) (then
      (block $jDone (loop $jLoop
        (br_if $jDone (i32.ge_s ${get('j')} ${get('kw')}))
        (local.set $ow0 ${firstInside('left', 'j', 'sw')})
        (local.set $ow1 ${endInside('w', 'left', 'j', 'sw', 'ow')})
        (if (i32.gt_s ${get('ow1')} ${get('ow0')}) (then
          (local.set $len (i32.sub ${get('ow1')} ${get('ow0')}))
          (local.set $rpc ${maxS(i32(1), `(i32.div_s ${get('chunkPositions')} ${get('len')})`)})
          (local.set $tapOut ${add(get('out'), mul(mul(add(mul(get('i'), get('kw')), get('j')), mul(get('ci'), get('co'))), i32(4)))})
          (local.set $span (i32.sub ${get('oh1')} ${get('oh0')}))
          (local.set $q (i32.div_s ${mul(mul(get('n'), get('span')), get('part'))} ${get('parts')}))
          (local.set $q1 (i32.div_s ${mul(mul(get('n'), get('span')), add(get('part'), i32(1)))} ${get('parts')}))
          (block $qDone (loop $qLoop
            (br_if $qDone (i32.ge_s ${get('q')} ${get('q1')}))
            (local.set $b (i32.div_s ${get('q')} ${get('span')}))
            (local.set $r (i32.rem_s ${get('q')} ${get('span')}))
            (local.set $rows ${minS(minS(get('rpc'), `(i32.sub ${get('q1')} ${get('q')})`), `(i32.sub ${get('span')} ${get('r')})`)})
            (local.set $r ${add(get('r'), get('oh0'))})
            (call $chunk_tiles
              ${add(get('x'), mul(add(mul(add(mul(get('b'), get('h')), `(i32.sub ${add(mul(get('r'), get('sh')), get('i'))} ${get('top')})`), get('w')), `(i32.sub ${add(mul(get('ow0'), get('sw')), get('j'))} ${get('left')})`), get('pixel')))}
              ${add(get('dy'), mul(add(mul(add(mul(get('b'), get('oh')), get('r')), get('ow')), get('ow0')), get('dyStep')))}
              ${get('tapOut')} ${get('rows')} ${get('len')} ${get('xRow')} ${get('dyRow')} ${get('xStep')} ${get('dyStep')} ${get('ci')} ${get('co')}
              ${get('coFrom')} ${get('coTo')})
            (local.set $q ${add(get('q'), get('rows'))})
            (br $qLoop)))))
        (local.set $j ${add(get('j'), i32(1))})
        (br $jLoop)))))
      (local.set $i ${add(get('i'), i32(1))})
      (br $iLoop)))
  )
`;

/**
 * One tile of a "wide" product out[r, c] += Σ_k a[r, k] · b[k, c] for R ≤ 4 rows of a (aPos bytes
 * apart, k contiguous) and C ∈ {8, 4, 1} columns of b (ldb bytes per k): the input gradient's
 * dx[p, ci] += Σ_co dy[p, co] · Wt[co, ci] for R consecutive output positions p. Output rows are
 * outPos bytes apart (the stride's step through x).
 */
function gemmNnTile(rows: number, cols: number, madd: Madd4): string {
  const vectors = Math.max(1, cols / 4);
  const scalar = cols === 1;
  const type = scalar ? 'f32' : 'v128';
  const load = (addr: string) => (scalar ? `(f32.load ${addr})` : `(v128.load align=4 ${addr})`);
  const store = (addr: string, value: string) => (scalar ? `(f32.store ${addr} ${value})` : `(v128.store align=4 ${addr} ${value})`);
  const outAddr = (r: number, v: number) => add(get('out'), add(mul(i32(r), get('outPos')), i32(v * 16)));
  const range = (n: number) => Array.from({ length: n }, (_, i) => i);
  const locals = [
    ...range(rows).map((r) => `(local $pa${r} i32)`),
    ...range(vectors).map((v) => `(local $b${v} ${type})`),
    ...range(rows).flatMap((r) => range(vectors).map((v) => `(local $c${r}_${v} ${type})`)),
  ];
  const body: string[] = [];
  for (const v of range(vectors)) body.push(`(local.set $b${v} ${load(add(get('pb'), i32(v * 16)))})`);
  for (const r of range(rows)) {
    body.push(`(local.set $av ${scalar ? `(f32.load ${get(`pa${r}`)})` : `(v128.load32_splat ${get(`pa${r}`)})`})`);
    for (const v of range(vectors)) {
      const [a, b, c] = ['(local.get $av)', `(local.get $b${v})`, `(local.get $c${r}_${v})`];
      body.push(`(local.set $c${r}_${v} ${scalar ? `(f32.add ${c} (f32.mul ${a} ${b}))` : madd(a, b, c)})`);
    }
    body.push(`(local.set $pa${r} ${add(get(`pa${r}`), i32(4))})`);
  }
  return `
  (func $gemm_nn_${rows}x${cols} (param $a i32) (param $b i32) (param $out i32) (param $k i32)
    (param $aPos i32) (param $ldb i32) (param $outPos i32)
    (local $pb i32) (local $end i32) (local $av ${type}) ${locals.join(' ')}
    ${range(rows).map((r) => `(local.set $pa${r} ${add(get('a'), mul(i32(r), get('aPos')))})`).join('\n    ')}
    ${range(rows).flatMap((r) => range(vectors).map((v) => `(local.set $c${r}_${v} ${load(outAddr(r, v))})`)).join('\n    ')}
    (local.set $pb ${get('b')})
    (local.set $end ${add(get('b'), mul(get('k'), get('ldb')))})
    (block $done (loop $kLoop
      (br_if $done (i32.ge_u ${get('pb')} ${get('end')}))
      ${body.join('\n      ')}
      (local.set $pb ${add(get('pb'), get('ldb'))})
      (br $kLoop)))
    ${range(rows).flatMap((r) => range(vectors).map((v) => store(outAddr(r, v), `(local.get $c${r}_${v})`))).join('\n    ')}
  )`;
}

/**
 * One output column for R ≤ 4 positions as dot products along k (both operands contiguous):
 * out[r] += Σ_k a[r, k] · w[k], k a multiple of 4 — the input gradient's columns past the last
 * group of 4 (21 classes), where the scalar gemm_nn tile would do one multiply-add per instruction.
 */
function gemmDotTile(rows: number, madd: Madd4): string {
  const range = Array.from({ length: rows }, (_, r) => r);
  const hsum = (v: string) =>
    `(f32.add (f32.add (f32x4.extract_lane 0 ${v}) (f32x4.extract_lane 1 ${v})) (f32.add (f32x4.extract_lane 2 ${v}) (f32x4.extract_lane 3 ${v})))`;
  return `
  (func $gemm_dot_${rows} (param $a i32) (param $w i32) (param $out i32) (param $k i32) (param $aPos i32) (param $outPos i32)
    (local $pw i32) (local $end i32) (local $wv v128) ${range.map((r) => `(local $pa${r} i32) (local $c${r} v128)`).join(' ')}
    ${range.map((r) => `(local.set $pa${r} ${add(get('a'), mul(i32(r), get('aPos')))})`).join('\n    ')}
    (local.set $pw ${get('w')})
    (local.set $end ${add(get('w'), mul(get('k'), i32(4)))})
    (block $done (loop $kLoop
      (br_if $done (i32.ge_u ${get('pw')} ${get('end')}))
      (local.set $wv (v128.load align=4 ${get('pw')}))
      ${range
        .map(
          (r) => `(local.set $c${r} ${madd(`(v128.load align=4 ${get(`pa${r}`)})`, '(local.get $wv)', `(local.get $c${r})`)})
      (local.set $pa${r} ${add(get(`pa${r}`), i32(16))})`,
        )
        .join('\n      ')}
      (local.set $pw ${add(get('pw'), i32(16))})
      (br $kLoop)))
    ${range
      .map((r) => {
        const at = add(get('out'), mul(i32(r), get('outPos')));
        return `(f32.store ${at} (f32.add (f32.load ${at}) ${hsum(`(local.get $c${r})`)}))`;
      })
      .join('\n    ')}
  )`;
}

/**
 * Input gradient dx[n, oh·sh + i − top, ow·sw + j − left, ci] += Σ_co dy[n, oh, ow, co] · W[i, j, ci, co]
 * for every tap (i, j) and output position inside the image, from wt = W transposed per tap to
 * [kh, kw, co, ci] (columns past the last group of 4 read wOrig = W itself); dx must start zeroed. Only columns [ciFrom, ciTo) and images [nFrom, nTo) are
 * done, so two threads can share the work without writing the same dx values.
 */
const INPUT_GRAD = `
  (func (export "input_grad")
    (param $dy i32) (param $wt i32) (param $wOrig i32) (param $dx i32) (param $h i32) (param $w i32)
    (param $oh i32) (param $ow i32) (param $kh i32) (param $kw i32) (param $ci i32) (param $co i32)
    (param $top i32) (param $left i32) (param $sh i32) (param $sw i32)
    (param $ciFrom i32) (param $ciTo i32) (param $nFrom i32) (param $nTo i32)
    (local $i i32) (local $j i32) (local $oh0 i32) (local $oh1 i32) (local $ow0 i32) (local $ow1 i32) (local $len i32)
    (local $b i32) (local $r i32) (local $p0 i32) (local $rows i32) (local $c0 i32) (local $tapB i32)
    (local $dyRow i32) (local $dxRow i32) (local $dyStep i32) (local $dxStep i32) (local $ldb i32) (local $a i32) (local $o i32)
    (local $tapW i32)
    (local.set $dyStep ${mul(get('co'), i32(4))})
    (local.set $ldb ${mul(get('ci'), i32(4))})
    (local.set $dxStep ${mul(get('ldb'), get('sw'))})
    (block $iDone (loop $iLoop
      (br_if $iDone (i32.ge_s ${get('i')} ${get('kh')}))
      (local.set $oh0 ${firstInside('top', 'i', 'sh')})
      (local.set $oh1 ${endInside('h', 'top', 'i', 'sh', 'oh')})
      (local.set $j ${i32(0)})
      (block $jDone (loop $jLoop
        (br_if $jDone (i32.ge_s ${get('j')} ${get('kw')}))
        (local.set $ow0 ${firstInside('left', 'j', 'sw')})
        (local.set $ow1 ${endInside('w', 'left', 'j', 'sw', 'ow')})
        (local.set $len (i32.sub ${get('ow1')} ${get('ow0')}))
        (local.set $tapB ${add(get('wt'), mul(mul(add(mul(get('i'), get('kw')), get('j')), mul(get('co'), get('ci'))), i32(4)))})
        (local.set $tapW ${add(get('wOrig'), mul(mul(add(mul(get('i'), get('kw')), get('j')), mul(get('co'), get('ci'))), i32(4)))})
        (local.set $b ${get('nFrom')})
        (block $bDone (loop $bLoop
          (br_if $bDone (i32.or (i32.ge_s ${get('b')} ${get('nTo')}) (i32.le_s ${get('len')} ${i32(0)})))
          (local.set $r ${get('oh0')})
          (block $rDone (loop $rLoop
            (br_if $rDone (i32.ge_s ${get('r')} ${get('oh1')}))
            (local.set $dyRow ${add(get('dy'), mul(add(mul(add(mul(get('b'), get('oh')), get('r')), get('ow')), get('ow0')), get('dyStep')))})
            (local.set $dxRow ${add(get('dx'), mul(add(mul(add(mul(get('b'), get('h')), `(i32.sub ${add(mul(get('r'), get('sh')), get('i'))} ${get('top')})`), get('w')), `(i32.sub ${add(mul(get('ow0'), get('sw')), get('j'))} ${get('left')})`), get('ldb')))})
            ;; Column tiles outside, positions inside: a tile's columns of Wt (co × 8) stay in L1
            ;; over the row, the row's dy is re-read from L2 per tile.
            (local.set $c0 ${get('ciFrom')})
            ${GEMM_COLS.map(
              (cols) => `
            (block $c${cols}Done (loop $c${cols}Loop
              (br_if $c${cols}Done (i32.gt_s ${add(get('c0'), i32(cols))} ${get('ciTo')}))
              (local.set $p0 ${i32(0)})
              (block $p${cols}Done (loop $p${cols}Loop
                (br_if $p${cols}Done (i32.ge_s ${get('p0')} ${get('len')}))
                (local.set $rows ${minS(i32(4), `(i32.sub ${get('len')} ${get('p0')})`)})
                (local.set $a ${add(get('dyRow'), mul(get('p0'), get('dyStep')))})
                (local.set $o ${add(add(get('dxRow'), mul(get('p0'), get('dxStep'))), mul(get('c0'), i32(4)))})
                ${GEMM_ROWS.map((rows) => {
                  const nn = `(call $gemm_nn_${rows}x${cols} ${get('a')} ${add(get('tapB'), mul(get('c0'), i32(4)))} ${get('o')} ${get('co')} ${get('dyStep')} ${get('ldb')} ${get('dxStep')})`;
                  const dot = `(call $gemm_dot_${rows} ${get('a')} ${add(get('tapW'), mul(mul(get('c0'), get('co')), i32(4)))} ${get('o')} ${get('co')} ${get('dyStep')} ${get('dxStep')})`;
                  const call = cols === 1 ? `(if (i32.and ${get('co')} ${i32(3)}) (then ${nn}) (else ${dot}))` : nn;
                  return `(if (i32.eq ${get('rows')} ${i32(rows)}) (then ${call}))`;
                }).join('\n                ')}
                (local.set $p0 ${add(get('p0'), i32(4))})
                (br $p${cols}Loop)))
              (local.set $c0 ${add(get('c0'), i32(cols))})
              (br $c${cols}Loop)))`,
            ).join('')}
            (local.set $r ${add(get('r'), i32(1))})
            (br $rLoop)))
          (local.set $b ${add(get('b'), i32(1))})
          (br $bLoop)))
        (local.set $j ${add(get('j'), i32(1))})
        (br $jLoop)))
      (local.set $i ${add(get('i'), i32(1))})
      (br $iLoop)))
  )
`;

/** dst[k] += src[k] for `count` floats (a second thread's partial sums into the first's). */
const ADD_INTO = `
  (func (export "add_into") (param $dst i32) (param $src i32) (param $count i32)
    (local $end i32) (local $vecEnd i32)
    (local.set $end ${add(get('dst'), mul(get('count'), i32(4)))})
    (local.set $vecEnd ${add(get('dst'), mul(`(i32.and ${get('count')} ${i32(-4)})`, i32(4)))})
    (block $b (loop $l
      (br_if $b (i32.ge_u ${get('dst')} ${get('vecEnd')}))
      (v128.store align=4 ${get('dst')} (f32x4.add (v128.load align=4 ${get('dst')}) (v128.load align=4 ${get('src')})))
      (local.set $dst ${add(get('dst'), i32(16))})
      (local.set $src ${add(get('src'), i32(16))})
      (br $l)))
    (block $b (loop $l
      (br_if $b (i32.ge_u ${get('dst')} ${get('end')}))
      (f32.store ${get('dst')} (f32.add (f32.load ${get('dst')}) (f32.load ${get('src')})))
      (local.set $dst ${add(get('dst'), i32(4))})
      (local.set $src ${add(get('src'), i32(4))})
      (br $l)))
  )
`;

/**
 * One Adam step over `count` weights: m ← b1·m + a1·g, v ← b2·v + a2·g² (in place), and
 * out ← w − lr1·m / (√(v·inv2) + eps), with a1 = 1 − b1, a2 = 1 − b2, lr1 = lr / (1 − b1^t),
 * inv2 = 1 / (1 − b2^t). Four weights a vector, then one at a time.
 */
const ADAM = (() => {
  const step = (type: 'f32x4' | 'f32', load: string, store: string, width: number) => {
    const c = (name: string) => (type === 'f32' ? get(name) : `(f32x4.splat ${get(name)})`);
    return `
      (local.set $gv (${load} ${get('g')}))
      (local.set $mv (${type}.add (${type}.mul ${c('b1')} (${load} ${get('m')})) (${type}.mul ${c('a1')} ${get('gv')})))
      (local.set $vv (${type}.add (${type}.mul ${c('b2')} (${load} ${get('v')})) (${type}.mul ${c('a2')} (${type}.mul ${get('gv')} ${get('gv')}))))
      (${store} ${get('m')} ${get('mv')})
      (${store} ${get('v')} ${get('vv')})
      (${store} ${get('out')} (${type}.sub (${load} ${get('w')})
        (${type}.div (${type}.mul ${c('lr1')} ${get('mv')}) (${type}.add (${type}.sqrt (${type}.mul ${get('vv')} ${c('inv2')})) ${c('eps')}))))
      ${['w', 'g', 'm', 'v', 'out'].map((p) => `(local.set $${p} ${add(get(p), i32(width))})`).join(' ')}`;
  };
  const loop = (name: string, end: string, body: string) => `
    (block $${name}Done (loop $${name}
      (br_if $${name}Done (i32.ge_u ${get('out')} ${end}))
      ${body}
      (br $${name})))`;
  const vector = step('f32x4', 'v128.load align=4', 'v128.store align=4', 16)
    .replaceAll('(local.set $gv', '(local.set $g4')
    .replaceAll(get('gv'), get('g4'))
    .replaceAll('(local.set $mv', '(local.set $m4')
    .replaceAll(get('mv'), get('m4'))
    .replaceAll('(local.set $vv', '(local.set $v4')
    .replaceAll(get('vv'), get('v4'));
  return `
  (func (export "adam") (param $w i32) (param $g i32) (param $m i32) (param $v i32) (param $out i32) (param $count i32)
    (param $b1 f32) (param $a1 f32) (param $b2 f32) (param $a2 f32) (param $lr1 f32) (param $inv2 f32) (param $eps f32)
    (local $end i32) (local $vecEnd i32) (local $g4 v128) (local $m4 v128) (local $v4 v128) (local $gv f32) (local $mv f32) (local $vv f32)
    (local.set $end ${add(get('out'), mul(get('count'), i32(4)))})
    (local.set $vecEnd ${add(get('out'), mul(`(i32.and ${get('count')} ${i32(-4)})`, i32(4)))})
    ${loop('vec', get('vecEnd'), vector)}
    ${loop('one', get('end'), step('f32', 'f32.load', 'f32.store', 4))}
  )
`;
})();

/**
 * `count` runs of `bytes` bytes each from src to dst, the runs srcStride and dstStride bytes apart:
 * a strided block copy (the upsamplers' phase interleave), each run one memory.copy.
 */
const COPY_RUNS = `
  (func (export "copy_runs") (param $src i32) (param $dst i32) (param $count i32) (param $bytes i32)
    (param $srcStride i32) (param $dstStride i32)
    (block $b (loop $l
      (br_if $b (i32.le_s ${get('count')} ${i32(0)}))
      (memory.copy ${get('dst')} ${get('src')} ${get('bytes')})
      (local.set $src ${add(get('src'), get('srcStride'))})
      (local.set $dst ${add(get('dst'), get('dstStride'))})
      (local.set $count (i32.sub ${get('count')} ${i32(1)}))
      (br $l)))
  )
`;

/**
 * Column sums of a [rows, inner] matrix (a bias gradient: Σ over N·H·W of NHWC), accumulated in
 * float64 (acc: inner doubles, zeroed by the caller) and written as float32 to dst. Four columns
 * at a time as two f64x2 halves while at least four remain, then one at a time.
 */
const SUM_ROWS = `
  (func (export "sum_rows") (param $src i32) (param $rows i32) (param $inner i32) (param $acc i32) (param $dst i32)
    (local $r i32) (local $j i32) (local $p i32) (local $a i32) (local $v v128) (local $vecEnd i32)
    (local.set $vecEnd (i32.and ${get('inner')} ${i32(-4)}))
    (local.set $p ${get('src')})
    (block $rowsDone (loop $rowLoop
      (br_if $rowsDone (i32.ge_u ${get('r')} ${get('rows')}))
      (local.set $j ${i32(0)})
      (local.set $a ${get('acc')})
      (block $b (loop $l
        (br_if $b (i32.ge_u ${get('j')} ${get('vecEnd')}))
        (local.set $v (v128.load align=4 ${get('p')}))
        (v128.store align=8 ${get('a')} (f64x2.add (v128.load align=8 ${get('a')}) (f64x2.promote_low_f32x4 ${get('v')})))
        (v128.store offset=16 align=8 ${get('a')} (f64x2.add (v128.load offset=16 align=8 ${get('a')})
          (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 ${get('v')} ${get('v')}))))
        (local.set $p ${add(get('p'), i32(16))})
        (local.set $a ${add(get('a'), i32(32))})
        (local.set $j ${add(get('j'), i32(4))})
        (br $l)))
      (block $b (loop $l
        (br_if $b (i32.ge_u ${get('j')} ${get('inner')}))
        (f64.store ${get('a')} (f64.add (f64.load ${get('a')}) (f64.promote_f32 (f32.load ${get('p')}))))
        (local.set $p ${add(get('p'), i32(4))})
        (local.set $a ${add(get('a'), i32(8))})
        (local.set $j ${add(get('j'), i32(1))})
        (br $l)))
      (local.set $r ${add(get('r'), i32(1))})
      (br $rowLoop)))
    (local.set $j ${i32(0)})
    (block $b (loop $l
      (br_if $b (i32.ge_u ${get('j')} ${get('inner')}))
      (f32.store ${add(get('dst'), mul(get('j'), i32(4)))} (f32.demote_f64 (f64.load ${add(get('acc'), mul(get('j'), i32(8)))})))
      (local.set $j ${add(get('j'), i32(1))})
      (br $l)))
  )
`;

/**
 * Gradient of a 2×2, stride-2, unpadded max-pool over NHWC with C a multiple of 4: each output's
 * gradient goes to the first maximum of its window in row-major order (the cpu backend's rule),
 * the window's other three inputs get 0. Rows/columns no window covers (odd H or W) are left as
 * they are: the caller zeroes dx first.
 */
const MAXPOOL_GRAD_2X2 = `
  (func (export "maxpool_grad_2x2")
    (param $x i32) (param $g i32) (param $dx i32) (param $n i32) (param $h i32) (param $w i32) (param $c i32)
    (local $oh i32) (local $ow i32) (local $b i32) (local $y i32) (local $xx i32) (local $k i32)
    (local $p00 i32) (local $rowBytes i32) (local $pg i32)
    (local $a v128) (local $bb v128) (local $cc v128) (local $d v128) (local $gv v128)
    (local $s00 v128) (local $s01 v128) (local $s10 v128) (local $taken v128)
    (local.set $oh (i32.shr_u ${get('h')} ${i32(1)}))
    (local.set $ow (i32.shr_u ${get('w')} ${i32(1)}))
    (local.set $rowBytes ${mul(mul(get('w'), get('c')), i32(4))})
    (local.set $pg ${get('g')})
    (block $bDone (loop $bLoop
      (br_if $bDone (i32.ge_u ${get('b')} ${get('n')}))
      (local.set $y ${i32(0)})
      (block $yDone (loop $yLoop
        (br_if $yDone (i32.ge_u ${get('y')} ${get('oh')}))
        (local.set $xx ${i32(0)})
        (block $xDone (loop $xLoop
          (br_if $xDone (i32.ge_u ${get('xx')} ${get('ow')}))
          ;; byte offset of the window's top-left input, relative to x and dx
          (local.set $p00 ${mul(add(mul(add(mul(get('b'), get('h')), mul(get('y'), i32(2))), get('w')), mul(get('xx'), i32(2))), mul(get('c'), i32(4)))})
          (local.set $k ${i32(0)})
          (block $kDone (loop $kLoop
            (br_if $kDone (i32.ge_u ${get('k')} ${get('c')}))
            (local.set $a (v128.load align=4 ${add(get('x'), get('p00'))}))
            (local.set $bb (v128.load align=4 ${add(add(get('x'), get('p00')), mul(get('c'), i32(4)))}))
            (local.set $cc (v128.load align=4 ${add(add(get('x'), get('p00')), get('rowBytes'))}))
            (local.set $d (v128.load align=4 ${add(add(add(get('x'), get('p00')), get('rowBytes')), mul(get('c'), i32(4)))}))
            (local.set $gv (v128.load align=4 ${get('pg')}))
            (local.set $s00 (v128.and (v128.and (f32x4.ge ${get('a')} ${get('bb')}) (f32x4.ge ${get('a')} ${get('cc')})) (f32x4.ge ${get('a')} ${get('d')})))
            (local.set $s01 (v128.andnot (v128.and (f32x4.ge ${get('bb')} ${get('cc')}) (f32x4.ge ${get('bb')} ${get('d')})) ${get('s00')}))
            (local.set $taken (v128.or ${get('s00')} ${get('s01')}))
            (local.set $s10 (v128.andnot (f32x4.ge ${get('cc')} ${get('d')}) ${get('taken')}))
            (local.set $taken (v128.or ${get('taken')} ${get('s10')}))
            (v128.store align=4 ${add(get('dx'), get('p00'))} (v128.and ${get('gv')} ${get('s00')}))
            (v128.store align=4 ${add(add(get('dx'), get('p00')), mul(get('c'), i32(4)))} (v128.and ${get('gv')} ${get('s01')}))
            (v128.store align=4 ${add(add(get('dx'), get('p00')), get('rowBytes'))} (v128.and ${get('gv')} ${get('s10')}))
            (v128.store align=4 ${add(add(add(get('dx'), get('p00')), get('rowBytes')), mul(get('c'), i32(4)))} (v128.andnot ${get('gv')} ${get('taken')}))
            (local.set $p00 ${add(get('p00'), i32(16))})
            (local.set $pg ${add(get('pg'), i32(16))})
            (local.set $k ${add(get('k'), i32(4))})
            (br $kLoop)))
          (local.set $xx ${add(get('xx'), i32(1))})
          (br $xLoop)))
        (local.set $y ${add(get('y'), i32(1))})
        (br $yLoop)))
      (local.set $b ${add(get('b'), i32(1))})
      (br $bLoop)))
  )
`;

/**
 * A clipped ReLU's gradient from its output: out = dy where 0 < y < hi, else 0 (count floats).
 * hi = 6 for ReLU6, +∞ for ReLU.
 */
const RELU_GRAD = `
  (func (export "relu_grad") (param $dy i32) (param $y i32) (param $out i32) (param $count i32) (param $hi f32)
    (local $end i32) (local $vecEnd i32) (local $v v128) (local $f f32) (local $vhi v128)
    (local.set $vhi (f32x4.splat ${get('hi')}))
    (local.set $end ${add(get('out'), mul(get('count'), i32(4)))})
    (local.set $vecEnd ${add(get('out'), mul(`(i32.and ${get('count')} ${i32(-4)})`, i32(4)))})
    (block $b (loop $l
      (br_if $b (i32.ge_u ${get('out')} ${get('vecEnd')}))
      (local.set $v (v128.load align=4 ${get('y')}))
      (v128.store align=4 ${get('out')} (v128.and (v128.load align=4 ${get('dy')})
        (v128.and (f32x4.gt ${get('v')} ${splat(0)}) (f32x4.lt ${get('v')} ${get('vhi')}))))
      (local.set $dy ${add(get('dy'), i32(16))})
      (local.set $y ${add(get('y'), i32(16))})
      (local.set $out ${add(get('out'), i32(16))})
      (br $l)))
    (block $b (loop $l
      (br_if $b (i32.ge_u ${get('out')} ${get('end')}))
      (local.set $f (f32.load ${get('y')}))
      (f32.store ${get('out')} (select (f32.load ${get('dy')}) ${f32(0)} (i32.and (f32.gt ${get('f')} ${f32(0)}) (f32.lt ${get('f')} ${get('hi')}))))
      (local.set $dy ${add(get('dy'), i32(4))})
      (local.set $y ${add(get('y'), i32(4))})
      (local.set $out ${add(get('out'), i32(4))})
      (br $l)))
  )
`;

/**
 * One run of a depthwise gradient (one output row, one tap, channel multiplier 1) over c channels
 * (a multiple of 4) and `count` positions k, reading `strided` at k·inStep floats, g at k·c and
 * `fixed` at the same place every k:
 * - depthwise_filter_run(x, g, acc): acc[ch] += Σ_k x[k·inStep + ch] · g[k·c + ch];
 * - depthwise_input_run(dx, g, w): dx[k·inStep + ch] += g[k·c + ch] · w[ch].
 */
function depthwiseRun(name: string, into: 'fixed' | 'strided', strided: string, fixed: string): string {
  const target = into === 'fixed' ? 'pf' : 'ps';
  const product = into === 'fixed' ? `(f32x4.mul (v128.load align=4 ${get('ps')}) (v128.load align=4 ${get('pg')}))` : `(f32x4.mul (v128.load align=4 ${get('pg')}) (v128.load align=4 ${get('pf')}))`;
  return `
  (func (export "${name}") (param $${strided} i32) (param $g i32) (param $${fixed} i32) (param $count i32) (param $inStep i32) (param $c i32)
    (local $k i32) (local $ch i32) (local $ps i32) (local $pg i32) (local $pf i32) (local $rowBytes i32) (local $inBytes i32)
    (local.set $rowBytes ${mul(get('c'), i32(4))})
    (local.set $inBytes ${mul(get('inStep'), i32(4))})
    (block $kDone (loop $kLoop
      (br_if $kDone (i32.ge_u ${get('k')} ${get('count')}))
      (local.set $ps ${get(strided)})
      (local.set $pg ${get('g')})
      (local.set $pf ${get(fixed)})
      (local.set $ch ${i32(0)})
      (block $cDone (loop $cLoop
        (br_if $cDone (i32.ge_u ${get('ch')} ${get('c')}))
        (v128.store align=4 ${get(target)} (f32x4.add (v128.load align=4 ${get(target)}) ${product}))
        (local.set $ps ${add(get('ps'), i32(16))})
        (local.set $pg ${add(get('pg'), i32(16))})
        (local.set $pf ${add(get('pf'), i32(16))})
        (local.set $ch ${add(get('ch'), i32(4))})
        (br $cLoop)))
      (local.set $${strided} ${add(get(strided), get('inBytes'))})
      (local.set $g ${add(get('g'), get('rowBytes'))})
      (local.set $k ${add(get('k'), i32(1))})
      (br $kLoop)))
  )`;
}

/**
 * Positions per register tile of the direct convolution. 4 × 8 columns = 8 accumulators: 6 × 8
 * (12 accumulators, 15 vector registers in all) measured 20 % slower — V8 keeps one of the 16 as
 * its scratch register, so the tile spills.
 */
const CONV_ROWS = [1, 2, 3, 4] as const;

/**
 * One register tile of a stride-1 convolution: `rows` consecutive output positions of one output
 * row × `cols` output channels (8 or 4 as vectors, 1 as a scalar), summed over `taps` tap rows
 * of the filter, each one contiguous run of k = (tap columns × Ci) values in x (4 bytes apart,
 * positions `pixel` bytes apart) and in W (ldw bytes apart). The sums stay in registers for the
 * whole reduction; they start at the bias (flags bit 0) and pass a ReLU on the way out (bit 1).
 */
function convTile(rows: number, cols: number, madd: Madd4, edge = false): string {
  const vectors = Math.max(1, cols / 4);
  const scalar = cols === 1;
  const type = scalar ? 'f32' : 'v128';
  const range = (n: number) => Array.from({ length: n }, (_, i) => i);
  const load = (addr: string) => (scalar ? `(f32.load ${addr})` : `(v128.load align=4 ${addr})`);
  const store = (addr: string, value: string) => (scalar ? `(f32.store ${addr} ${value})` : `(v128.store align=4 ${addr} ${value})`);
  const zero = scalar ? '(f32.const 0)' : '(v128.const f32x4 0 0 0 0)';
  const relu = (v: string) => (scalar ? `(f32.max ${v} (f32.const 0))` : `(f32x4.max ${v} (v128.const f32x4 0 0 0 0))`);
  const acc = (r: number, v: number) => `$c${r}_${v}`;
  const each = (f: (r: number, v: number) => string) => range(rows).flatMap((r) => range(vectors).map((v) => f(r, v)));
  const body: string[] = [];
  for (const v of range(vectors)) body.push(`(local.set $b${v} ${load(add(get('pb'), i32(v * 16)))})`);
  for (const r of range(rows)) {
    body.push(`(local.set $av ${scalar ? `(f32.load ${get(`pa${r}`)})` : `(v128.load32_splat ${get(`pa${r}`)})`})`);
    for (const v of range(vectors)) {
      const [a, b, c] = ['(local.get $av)', `(local.get $b${v})`, `(local.get ${acc(r, v)})`];
      body.push(`(local.set ${acc(r, v)} ${scalar ? `(f32.add ${c} (f32.mul ${a} ${b}))` : madd(a, b, c)})`);
    }
  }
  for (const r of range(rows)) body.push(`(local.set $pa${r} ${add(get(`pa${r}`), i32(4))})`);
  const kLoop = `
      (block $kDone (loop $kLoop
        (br_if $kDone (i32.ge_u ${get('pb')} ${get('end')}))
        ${body.join('\n        ')}
        (local.set $pb ${add(get('pb'), get('ldw'))})
        (br $kLoop)))`;
  // Interior: each tap row is one run of k = kw·Ci values for every position.
  const interiorTaps = () => `
    (block $tapsDone (loop $tapLoop
      (br_if $tapsDone (i32.ge_s ${get('t')} ${get('taps')}))
      ${range(rows).map((r) => `(local.set $pa${r} ${add(add(get('xa'), mul(get('t'), get('xTapRow'))), mul(i32(r), get('pixel')))})`).join('\n      ')}
      (local.set $pb ${add(get('wa'), mul(get('t'), get('wTapRow')))})
      (local.set $end ${add(get('pb'), mul(get('k'), get('ldw')))})
      ${kLoop}
      (local.set $t ${add(get('t'), i32(1))})
      (br $tapLoop)))`;
  // Edge: tap by tap (runs of k = Ci); a position whose tap column falls outside x reads the zero
  // buffer instead, so the tile keeps all its positions (xa: the tap rows' column 0).
  const edgeTaps = () => `
    (block $tapsDone (loop $tapLoop
      (br_if $tapsDone (i32.ge_s ${get('t')} ${get('taps')}))
      (local.set $j ${i32(0)})
      (block $jDone (loop $jLoop
        (br_if $jDone (i32.ge_s ${get('j')} ${get('kw')}))
        ${range(rows)
          .map(
            (r) => `(local.set $col (i32.sub ${add(add(get('ox'), i32(r)), get('j'))} ${get('left')}))
        (local.set $pa${r} (select ${add(add(get('xa'), mul(get('t'), get('xTapRow'))), mul(get('col'), get('pixel')))} ${get('zero')}
          (i32.lt_u ${get('col')} ${get('w')})))`,
          )
          .join('\n        ')}
        (local.set $pb ${add(add(get('wa'), mul(get('t'), get('wTapRow'))), mul(mul(get('j'), get('k')), get('ldw')))})
        (local.set $end ${add(get('pb'), mul(get('k'), get('ldw')))})
        ${kLoop}
        (local.set $j ${add(get('j'), i32(1))})
        (br $jLoop)))
      (local.set $t ${add(get('t'), i32(1))})
      (br $tapLoop)))`;
  return `
  (func $conv_${edge ? 'edge' : 'tile'}_${rows}x${cols} (param $xa i32) (param $wa i32) (param $bias i32) (param $y i32) (param $taps i32)
    (param $k i32) (param $xTapRow i32) (param $wTapRow i32) (param $pixel i32) (param $ldw i32) (param $flags i32)
    ${edge ? '(param $ox i32) (param $left i32) (param $w i32) (param $kw i32) (param $zero i32) (local $j i32) (local $col i32)' : ''}
    (local $t i32) (local $pb i32) (local $end i32) (local $av ${type})
    ${range(rows).map((r) => `(local $pa${r} i32)`).join(' ')} ${range(vectors).map((v) => `(local $b${v} ${type})`).join(' ')}
    ${each((r, v) => `(local ${acc(r, v)} ${type})`).join(' ')}
    (if (i32.and ${get('flags')} ${i32(1)})
      (then ${each((r, v) => `(local.set ${acc(r, v)} ${load(add(get('bias'), i32(v * 16)))})`).join(' ')})
      (else ${each((r, v) => `(local.set ${acc(r, v)} ${zero})`).join(' ')}))
    ${edge ? edgeTaps() : interiorTaps()}
    (if (i32.and ${get('flags')} ${i32(2)})
      (then ${each((r, v) => `(local.set ${acc(r, v)} ${relu(`(local.get ${acc(r, v)})`)})`).join(' ')}))
    ${each((r, v) => store(add(get('y'), add(mul(i32(r), get('ldw')), i32(v * 16))), `(local.get ${acc(r, v)})`)).join('\n    ')}
  )`;
}

/**
 * Stride-1 convolution y[n, oy, ox, co] = bias[co] + Σ_{i, j, c} x[n, oy + i − top, ox + j − left, c] ·
 * W[i, j, c, co], then a ReLU if flags bit 1 (bias if bit 0), NHWC x and y, W in TF's
 * [kh, kw, Ci, Co] layout as it is (no packing), zero padding never materialised: each output row
 * keeps the tap rows that fall inside x, and goes in tiles of up to 4 positions; a tile with a
 * position whose tap columns leave x reads `zero` (Ci zeros) for those taps (one position at a
 * time instead was 10–20 % slower on 24² and 12² maps). Output rows q = n·oh + oy in [qFrom, qTo)
 * only, so two threads can split the rows.
 * Also the input gradient of a stride-1 convolution: the same sum over dy with the flipped,
 * channel-swapped filter.
 */
function convForward(): string {
  const tileCall = (kind: 'tile' | 'edge', rows: number, cols: number, xa: string, k: string, extra: string) =>
    `(call $conv_${kind}_${rows}x${cols} ${xa} ${add(get('wRow'), mul(get('co0'), i32(4)))} ${add(get('bias'), mul(get('co0'), i32(4)))}
       ${add(add(get('yRow'), mul(get('ox'), get('ldw'))), mul(get('co0'), i32(4)))} ${get('taps')} ${k}
       ${get('xTapRow')} ${get('wTapRow')} ${get('pixel')} ${get('ldw')} ${get('flags')} ${extra})`;
  const columnBlock = (cols: number) => `
      (block $co${cols}Done (loop $co${cols}Loop
        (br_if $co${cols}Done (i32.gt_s ${add(get('co0'), i32(cols))} ${get('co')}))
        ;; tiles of up to ${CONV_ROWS.length} positions from column 0: interior ones (every tap column inside x)
        ;; run each tap row as one run; the others tap by tap, reading zeros where a tap falls outside
        (local.set $ox ${i32(0)})
        (block $tilesDone${cols} (loop $tiles${cols}
          (br_if $tilesDone${cols} (i32.ge_s ${get('ox')} ${get('ow')}))
          (local.set $r ${minS(i32(CONV_ROWS.length), `(i32.sub ${get('ow')} ${get('ox')})`)})
          (if (i32.and (i32.ge_s ${get('ox')} ${get('xl')}) (i32.le_s ${add(get('ox'), get('r'))} ${get('xr')}))
            (then
              ${CONV_ROWS.map(
                (rows) =>
                  `(if (i32.eq ${get('r')} ${i32(rows)}) (then ${tileCall(
                    'tile',
                    rows,
                    cols,
                    add(get('xRow'), mul(`(i32.sub ${get('ox')} ${get('left')})`, get('pixel'))),
                    mul(get('kw'), get('ci')),
                    '',
                  )}))`,
              ).join('\n              ')})
            (else
              ${CONV_ROWS.map(
                (rows) =>
                  `(if (i32.eq ${get('r')} ${i32(rows)}) (then ${tileCall(
                    'edge',
                    rows,
                    cols,
                    get('xRow'),
                    get('ci'),
                    `${get('ox')} ${get('left')} ${get('w')} ${get('kw')} ${get('zero')}`,
                  )}))`,
              ).join('\n              ')}))
          (local.set $ox ${add(get('ox'), get('r'))})
          (br $tiles${cols})))
        (local.set $co0 ${add(get('co0'), i32(cols))})
        (br $co${cols}Loop)))`;
  return `
  (func (export "conv_forward")
    (param $x i32) (param $wt i32) (param $bias i32) (param $y i32) (param $h i32) (param $w i32) (param $oh i32) (param $ow i32)
    (param $kh i32) (param $kw i32) (param $ci i32) (param $co i32) (param $top i32) (param $left i32) (param $flags i32)
    (param $qFrom i32) (param $qTo i32) (param $zero i32)
    (local $q i32) (local $b i32) (local $oy i32) (local $i0 i32) (local $taps i32) (local $xl i32) (local $xr i32)
    (local $ox i32) (local $co0 i32) (local $r i32) (local $pixel i32) (local $ldw i32)
    (local $xTapRow i32) (local $wTapRow i32) (local $xRow i32) (local $wRow i32) (local $yRow i32)
    (local.set $pixel ${mul(get('ci'), i32(4))})
    (local.set $ldw ${mul(get('co'), i32(4))})
    (local.set $xTapRow ${mul(get('w'), get('pixel'))})
    (local.set $wTapRow ${mul(mul(get('kw'), get('ci')), get('ldw'))})
    ;; interior: every tap column inside x, left ≤ ox ≤ w − kw + left
    (local.set $xl ${minS(maxS(i32(0), get('left')), get('ow'))})
    (local.set $xr ${minS(maxS(get('xl'), `(i32.sub ${add(get('w'), get('left'))} ${add(get('kw'), i32(-1))})`), get('ow'))})
    (local.set $q ${get('qFrom')})
    (block $qDone (loop $qLoop
      (br_if $qDone (i32.ge_s ${get('q')} ${get('qTo')}))
      (local.set $b (i32.div_s ${get('q')} ${get('oh')}))
      (local.set $oy (i32.rem_s ${get('q')} ${get('oh')}))
      (local.set $i0 ${maxS(i32(0), `(i32.sub ${get('top')} ${get('oy')})`)})
      (local.set $taps ${maxS(i32(0), `(i32.sub ${minS(get('kh'), `(i32.sub ${add(get('h'), get('top'))} ${get('oy')})`)} ${get('i0')})`)})
      (local.set $xRow ${add(get('x'), mul(mul(add(mul(get('b'), get('h')), `(i32.sub ${add(get('oy'), get('i0'))} ${get('top')})`), get('w')), get('pixel')))})
      (local.set $wRow ${add(get('wt'), mul(get('i0'), get('wTapRow')))})
      (local.set $yRow ${add(get('y'), mul(mul(get('q'), get('ow')), get('ldw')))})
      (local.set $co0 ${i32(0)})
      ${[8, 4, 1].map(columnBlock).join('')}
      (local.set $q ${add(get('q'), i32(1))})
      (br $qLoop)))
  )`;
}

/** The module's text; `shared` must match the backend's memory (the threaded build's is shared). */
export function simdKernelWat(shared: boolean, fused: boolean): string {
  const madd = maddOf(fused);
  const tiles = GEMM_ROWS.flatMap((r) => GEMM_COLS.map((c) => gemmTile(r, c, madd)));
  return `(module
  (import "env" "memory" (memory 1 65536${shared ? ' shared' : ''}))
  ${EXP4}
  (func (export "exp4_probe") (param $x i32) (param $out i32)
    (v128.store align=4 (local.get $out) (call $exp4 (v128.load align=4 (local.get $x)))))
  ${SOFTMAX_CE}
  ${tiles.join('\n')}
  ${chunkTiles()}
  ${FILTER_GRAD}
  ${ADD_INTO}
  ${COPY_RUNS}
  ${ADAM}
  ${SUM_ROWS}
  ${MAXPOOL_GRAD_2X2}
  ${RELU_GRAD}
  ${depthwiseRun('depthwise_filter_run', 'fixed', 'x', 'acc')}
  ${depthwiseRun('depthwise_input_run', 'strided', 'dx', 'w')}
  ${GEMM_ROWS.flatMap((r) => GEMM_COLS.map((c) => gemmNnTile(r, c, madd))).join('\n')}
  ${GEMM_ROWS.map((r) => gemmDotTile(r, madd)).join('\n')}
  ${INPUT_GRAD}
  ${CONV_ROWS.flatMap((r) => [8, 4, 1].flatMap((c) => [convTile(r, c, madd), convTile(r, c, madd, true)])).join('\n')}
  ${convForward()}
)`;
}

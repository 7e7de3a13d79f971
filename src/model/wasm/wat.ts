/*
 * The WebAssembly text of bn-exp's own kernels, on the memory of the wasm backend (imported), so they read
 * and write tfjs tensors where they are: `gemm` (a matMul) and `rowsums` (sums or means over rows).
 *
 * gemm: C[M, N] = A[M, K] · B[K, N] in float32. B and C are row-major;
 * A is read through strides (A(m, k) at a + 4·(m·sam + k·sak)), so Aᵀ of a row-major tensor (the weight
 * gradient xᵀ·dy) needs no transposed copy.
 *
 * The arithmetic is XNNPACK's f32 GEMM on wasm SIMD (what tfjs's matMul runs): each output starts at +0
 * and adds a[m][k]·b[k][n] for k = 0, 1, ..., K−1 in order, one float32 multiply and one float32 add per
 * term (wasm SIMD has no fused multiply-add), so the results are bit-identical to tf.matMul on wasm,
 * NaN and infinities included (group-matmul.test.ts). What it saves is XNNPACK's per-call cost in tfjs 4.22:
 * every matMul with a new right operand (every training step's) creates an operator and repacks the
 * whole operand, about 16 µs of a 37 µs 64x64x64 matMul.
 *
 * Blocks of 4 rows x 8 columns (two f32x4 per row: 8 accumulators in registers), then 4 and 1 columns,
 * then single rows.
 *
 * rowsums: for each of `count` row-major [R, C] matrices, the sum over its R rows of each column, in row
 * order from +0 (divided by R for a mean): what tfjs's wasm Sum and Mean kernels compute over an axis
 * that is not the last, after transposing it there (the transpose is a copy, the sums are one float32
 * add per row in order, the mean one float32 division), so the values are bit-identical without the copy.
 * Four columns per f32x4 lane group, 16 at a time, then 4, then 1.
 *
 * scaledsum: out_j = a·x_j + c·y_j over n float32 elements (a·x_j + y_j when `plain` is 1: no product with
 * c), each product and the sum one float32 operation: what tfjs's wasm Multiply and Add kernels compute
 * (fused.ts), bit-identical, in one pass of f32x4 lanes (then single elements).
 *
 * Generated from this file by `npm run gen:wasm` into binary.ts (binary.test.ts checks that the two agree).
 */

/** One block's function: MR rows x (NV f32x4 columns, or one scalar column when NV = 0). */
function block(MR: number, NV: number): string[] {
  const vec = NV > 0;
  const cols = Math.max(NV, 1);
  const t = vec ? 'v128' : 'f32';
  const L: string[] = [];
  L.push(`(func $k${MR}x${NV} (param $pa i32) (param $pb i32) (param $pc i32) (param $K i32) (param $sam i32) (param $sak i32) (param $ldb i32) (param $ldc i32)`);
  for (let i = 0; i < MR; i++) for (let j = 0; j < cols; j++) L.push(`  (local $c${i}_${j} ${t})`);
  for (let j = 0; j < cols; j++) L.push(`  (local $b${j} ${t})`);
  L.push(`  (local $s ${t}) (local $k i32) (local $ka i32)`);
  for (let i = 0; i < MR; i++) L.push(`  (local $a${i} i32)`);
  for (let i = 0; i < MR; i++) L.push(`  (local.set $a${i} (i32.add (local.get $pa) (i32.mul (local.get $sam) (i32.const ${i}))))`);
  // Locals start at zero (v128 0 is +0 in every lane; f32 locals are +0.0).
  L.push(`  (local.set $k (local.get $K))`);
  L.push(`  (block $done (loop $kl`);
  L.push(`    (br_if $done (i32.eqz (local.get $k)))`);
  for (let j = 0; j < cols; j++) L.push(vec ? `    (local.set $b${j} (v128.load offset=${16 * j} (local.get $pb)))` : `    (local.set $b${j} (f32.load (local.get $pb)))`);
  for (let i = 0; i < MR; i++) {
    const load = `(f32.load (i32.add (local.get $a${i}) (local.get $ka)))`;
    L.push(`    (local.set $s ${vec ? `(f32x4.splat ${load})` : load})`);
    for (let j = 0; j < cols; j++) {
      const op = vec ? 'f32x4' : 'f32';
      L.push(`    (local.set $c${i}_${j} (${op}.add (local.get $c${i}_${j}) (${op}.mul (local.get $s) (local.get $b${j}))))`);
    }
  }
  L.push(`    (local.set $ka (i32.add (local.get $ka) (local.get $sak)))`);
  L.push(`    (local.set $pb (i32.add (local.get $pb) (local.get $ldb)))`);
  L.push(`    (local.set $k (i32.sub (local.get $k) (i32.const 1)))`);
  L.push(`    (br $kl)))`);
  for (let i = 0; i < MR; i++) {
    const row = i === 0 ? '(local.get $pc)' : `(i32.add (local.get $pc) (i32.mul (local.get $ldc) (i32.const ${i})))`;
    for (let j = 0; j < cols; j++) L.push(vec ? `  (v128.store offset=${16 * j} ${row} (local.get $c${i}_${j}))` : `  (f32.store ${row} (local.get $c${i}_${j}))`);
  }
  L.push(`)`);
  return L;
}

/** Column steps of the driver: f32x4 per row and columns per step. */
const COLUMN_STEPS: [number, number][] = [
  [2, 8],
  [1, 4],
  [0, 1],
];
const ROW_STEPS = [4, 1];

/**
 * What a row reduction adds per row: `sum` x; `csq` (x − p)² with p one value per column (a mean), as
 * tf.square(tf.sub(x, p)) rounds it; `dot` x·y with y a second [R, C] matrix, as tf.mul(x, y) rounds it.
 */
type RowReduction = 'sum' | 'csq' | 'dot';

/** A row reduction's block of NV f32x4 columns (or one scalar column when NV = 0) of one matrix. */
function rowReduceBlock(kind: RowReduction, NV: number): string[] {
  const vec = NV > 0;
  const cols = Math.max(NV, 1);
  const t = vec ? 'v128' : 'f32';
  const op = vec ? 'f32x4' : 'f32';
  const load = (ptr: string, j: number) => `(${t}.load offset=${16 * j} (local.get ${ptr}))`;
  const L: string[] = [];
  L.push(`(func $${kind}${NV} (param $px i32) (param $py i32) (param $po i32) (param $R i32) (param $ldx i32) (param $mean i32)`);
  for (let j = 0; j < cols; j++) L.push(`  (local $s${j} ${t}) (local $p${j} ${t}) (local $e${j} ${t})`);
  L.push(`  (local $r i32) (local $d ${t})`);
  if (kind === 'csq') for (let j = 0; j < cols; j++) L.push(`  (local.set $p${j} ${load('$py', j)})`);
  L.push(`  (local.set $r (local.get $R))`);
  L.push(`  (block $done (loop $rl`);
  L.push(`    (br_if $done (i32.eqz (local.get $r)))`);
  for (let j = 0; j < cols; j++) {
    if (kind === 'sum') L.push(`    (local.set $e${j} ${load('$px', j)})`);
    if (kind === 'csq') {
      L.push(`    (local.set $e${j} (${op}.sub ${load('$px', j)} (local.get $p${j})))`);
      L.push(`    (local.set $e${j} (${op}.mul (local.get $e${j}) (local.get $e${j})))`);
    }
    if (kind === 'dot') L.push(`    (local.set $e${j} (${op}.mul ${load('$px', j)} ${load('$py', j)}))`);
    L.push(`    (local.set $s${j} (${op}.add (local.get $s${j}) (local.get $e${j})))`);
  }
  L.push(`    (local.set $px (i32.add (local.get $px) (local.get $ldx)))`);
  if (kind === 'dot') L.push(`    (local.set $py (i32.add (local.get $py) (local.get $ldx)))`);
  L.push(`    (local.set $r (i32.sub (local.get $r) (i32.const 1)))`);
  L.push(`    (br $rl)))`);
  L.push(`  (if (local.get $mean) (then`);
  const count = `(f32.convert_i32_u (local.get $R))`;
  L.push(`    (local.set $d ${vec ? `(f32x4.splat ${count})` : count})`);
  for (let j = 0; j < cols; j++) L.push(`    (local.set $s${j} (${op}.div (local.get $s${j}) (local.get $d)))`);
  L.push(`  ))`);
  for (let j = 0; j < cols; j++) L.push(`  (${t}.store offset=${16 * j} (local.get $po) (local.get $s${j}))`);
  L.push(`)`);
  return L;
}

/** Row reductions' column steps: f32x4 per step and columns per step. */
const ROW_SUM_STEPS: [number, number][] = [
  [4, 16],
  [1, 4],
  [0, 1],
];

/**
 * The driver of a per-column kernel: a function with `header` (whose params include $count, $R and $C;
 * the local $ldx is the row stride in bytes) that, for each of `count` matrices, calls `call(nv, at)` on
 * each column step of ROW_SUM_STEPS (`at(p)` is pointer p moved to the current column), then runs
 * `advance` (moving its pointers to the next matrix).
 */
function perMatrixColumns(header: string, call: (nv: number, at: (p: string) => string) => string, advance: string[]): string[] {
  const L: string[] = [header];
  L.push('  (local $c i32) (local $ldx i32)');
  L.push('  (local.set $ldx (i32.shl (local.get $C) (i32.const 2)))');
  L.push('  (block $idone (loop $il');
  L.push('    (br_if $idone (i32.eqz (local.get $count)))');
  L.push('    (local.set $c (i32.const 0))');
  for (const [nv, w] of ROW_SUM_STEPS) {
    const at = (p: string) => `(i32.add (local.get ${p}) (i32.shl (local.get $c) (i32.const 2)))`;
    L.push(`    (block $cdone${nv} (loop $cl${nv}`);
    L.push(`      (br_if $cdone${nv} (i32.gt_u (i32.add (local.get $c) (i32.const ${w})) (local.get $C)))`);
    L.push(`      ${call(nv, at)}`);
    L.push(`      (local.set $c (i32.add (local.get $c) (i32.const ${w})))`);
    L.push(`      (br $cl${nv})))`);
  }
  L.push(...advance.map((line) => `    ${line}`));
  L.push('    (local.set $count (i32.sub (local.get $count) (i32.const 1)))');
  L.push('    (br $il)))');
  L.push(')');
  return L;
}

/**
 * `<export>(x, y, out, count, R, C, mean)`: for each of `count` [R, C] matrices at x, the column sums of
 * `kind` over its rows in row order from +0 (divided by R for a mean) into out [count, C]; y is the
 * per-column values [count, C] (csq) or the second matrices [count, R, C] (dot), unused for sum.
 */
function rowReduce(kind: RowReduction, exportName: string): string[] {
  const L: string[] = [];
  for (const [nv] of ROW_SUM_STEPS) L.push(...rowReduceBlock(kind, nv));
  const advance = ['(local.set $x (i32.add (local.get $x) (i32.mul (local.get $R) (local.get $ldx))))'];
  if (kind === 'csq') advance.push('(local.set $y (i32.add (local.get $y) (local.get $ldx)))');
  if (kind === 'dot') advance.push('(local.set $y (i32.add (local.get $y) (i32.mul (local.get $R) (local.get $ldx))))');
  advance.push('(local.set $o (i32.add (local.get $o) (local.get $ldx)))');
  L.push(
    ...perMatrixColumns(
      `(func (export "${exportName}") (param $x i32) (param $y i32) (param $o i32) (param $count i32) (param $R i32) (param $C i32) (param $mean i32)`,
      (nv, at) => `(call $${kind}${nv} ${at('$x')} ${at('$y')} ${at('$o')} (local.get $R) (local.get $ldx) (local.get $mean))`,
      advance,
    ),
  );
  return L;
}

/**
 * BN's batch moments of one column block: mean = Σx/R, variance = Σ(x − mean)²/R (two passes over the rows,
 * in row order from +0), invstd = 1/sqrt(variance + eps): each as meanOver, centeredSquareMeanOver and
 * tf.rsqrt(tf.add(variance, eps)) round it (wasm's Rsqrt is 1/sqrtf in float32).
 */
function bnMomentsBlock(NV: number): string[] {
  const vec = NV > 0;
  const cols = Math.max(NV, 1);
  const t = vec ? 'v128' : 'f32';
  const op = vec ? 'f32x4' : 'f32';
  const splat = (e: string) => (vec ? `(f32x4.splat ${e})` : e);
  const load = (j: number) => `(${t}.load offset=${16 * j} (local.get $p))`;
  const L: string[] = [];
  L.push(`(func $mom${NV} (param $px i32) (param $pm i32) (param $pv i32) (param $pi i32) (param $R i32) (param $ldx i32) (param $eps f32)`);
  for (let j = 0; j < cols; j++) L.push(`  (local $s${j} ${t}) (local $m${j} ${t}) (local $e${j} ${t})`);
  L.push(`  (local $r i32) (local $p i32) (local $d ${t})`);
  L.push(`  (local.set $d ${splat('(f32.convert_i32_u (local.get $R))')})`);
  for (const pass of ['mean', 'var']) {
    L.push(`  (local.set $p (local.get $px))`);
    L.push(`  (local.set $r (local.get $R))`);
    if (pass === 'var') for (let j = 0; j < cols; j++) L.push(`  (local.set $s${j} ${vec ? '(v128.const f32x4 0 0 0 0)' : '(f32.const 0)'})`);
    L.push(`  (block $done_${pass} (loop $rl_${pass}`);
    L.push(`    (br_if $done_${pass} (i32.eqz (local.get $r)))`);
    for (let j = 0; j < cols; j++) {
      if (pass === 'mean') L.push(`    (local.set $s${j} (${op}.add (local.get $s${j}) ${load(j)}))`);
      else {
        L.push(`    (local.set $e${j} (${op}.sub ${load(j)} (local.get $m${j})))`);
        L.push(`    (local.set $s${j} (${op}.add (local.get $s${j}) (${op}.mul (local.get $e${j}) (local.get $e${j}))))`);
      }
    }
    L.push(`    (local.set $p (i32.add (local.get $p) (local.get $ldx)))`);
    L.push(`    (local.set $r (i32.sub (local.get $r) (i32.const 1)))`);
    L.push(`    (br $rl_${pass})))`);
    for (let j = 0; j < cols; j++) {
      if (pass === 'mean') {
        L.push(`  (local.set $m${j} (${op}.div (local.get $s${j}) (local.get $d)))`);
        L.push(`  (${t}.store offset=${16 * j} (local.get $pm) (local.get $m${j}))`);
      } else {
        L.push(`  (local.set $e${j} (${op}.div (local.get $s${j}) (local.get $d)))`);
        L.push(`  (${t}.store offset=${16 * j} (local.get $pv) (local.get $e${j}))`);
        L.push(`  (${t}.store offset=${16 * j} (local.get $pi) (${op}.div ${splat('(f32.const 1)')} (${op}.sqrt (${op}.add (local.get $e${j}) ${splat('(local.get $eps)')}))))`);
      }
    }
  }
  L.push(`)`);
  return L;
}

/** `bnmoments(x, mean, variance, invstd, count, R, C, eps)`: byte pointers; the outputs are [count, C]. */
function bnMoments(): string[] {
  const L: string[] = [];
  for (const [nv] of ROW_SUM_STEPS) L.push(...bnMomentsBlock(nv));
  L.push(
    ...perMatrixColumns(
      '(func (export "bnmoments") (param $x i32) (param $m i32) (param $v i32) (param $i i32) (param $count i32) (param $R i32) (param $C i32) (param $eps f32)',
      (nv, at) => `(call $mom${nv} ${at('$x')} ${at('$m')} ${at('$v')} ${at('$i')} (local.get $R) (local.get $ldx) (local.get $eps))`,
      ['(local.set $x (i32.add (local.get $x) (i32.mul (local.get $R) (local.get $ldx))))', ...['$m', '$v', '$i'].map((p) => `(local.set ${p} (i32.add (local.get ${p}) (local.get $ldx)))`)],
    ),
  );
  return L;
}

/**
 * An element-wise map over `count` [R, C] matrices with per-column parameters ([count, C] each), f32x4
 * lanes then single columns. `body(op, v)` returns the statements for one lane group: `v(name)` reads an
 * input or parameter, and the statements store outputs with `(store <name> <value>)` placeholders.
 */
function perColumnMap(
  exportName: string,
  rowInputs: string[],
  params: string[],
  outputs: string[],
  scalars: string[],
  body: (op: string) => string[],
): string[] {
  const L: string[] = [];
  const ptrs = [...rowInputs, ...params, ...outputs];
  const sig = ptrs.map((n) => `(param $${n} i32)`).join(' ') + ' (param $count i32) (param $R i32) (param $C i32) ' + scalars.map((n) => `(param $${n} f32)`).join(' ');
  L.push(`(func (export "${exportName}") ${sig}`);
  L.push('  (local $r i32) (local $c i32) (local $ldx i32) (local $off i32) (local $poff i32)');
  for (const vec of [true, false]) for (const n of [...rowInputs, ...params, ...scalars, 't1', 't2', 't3']) L.push(`  (local $${vec ? 'v' : 's'}_${n} ${vec ? 'v128' : 'f32'})`);
  L.push('  (local.set $ldx (i32.shl (local.get $C) (i32.const 2)))');
  for (const n of scalars) L.push(`  (local.set $v_${n} (f32x4.splat (local.get $${n})))`);
  for (const n of scalars) L.push(`  (local.set $s_${n} (local.get $${n}))`);
  L.push('  (block $idone (loop $il');
  L.push('    (br_if $idone (i32.eqz (local.get $count)))');
  L.push('    (local.set $r (i32.const 0))');
  L.push('    (block $rdone (loop $rl');
  L.push('      (br_if $rdone (i32.ge_u (local.get $r) (local.get $R)))');
  L.push('      (local.set $c (i32.const 0))');
  for (const vec of [true, false]) {
    const w = vec ? 4 : 1;
    const t = vec ? 'v128' : 'f32';
    const pre = vec ? 'v' : 's';
    L.push(`      (block $cdone${w} (loop $cl${w}`);
    L.push(`        (br_if $cdone${w} (i32.gt_u (i32.add (local.get $c) (i32.const ${w})) (local.get $C)))`);
    L.push('        (local.set $poff (i32.shl (local.get $c) (i32.const 2)))');
    L.push('        (local.set $off (i32.add (i32.mul (local.get $r) (local.get $ldx)) (local.get $poff)))');
    for (const n of rowInputs) L.push(`        (local.set $${pre}_${n} (${t}.load (i32.add (local.get $${n}) (local.get $off))))`);
    for (const n of params) L.push(`        (local.set $${pre}_${n} (${t}.load (i32.add (local.get $${n}) (local.get $poff))))`);
    for (const line of body(vec ? 'f32x4' : 'f32')) {
      L.push(
        '        ' +
          line
            .replace(/\$([a-z0-9]+)\b/g, (_, n: string) => (outputs.includes(n) ? `$${n}` : `$${pre}_${n}`))
            .replace(/\(store \$([a-z0-9]+) /g, (_, n: string) => `(${t}.store (i32.add (local.get $${n}) (local.get $off)) `),
      );
    }
    L.push(`        (local.set $c (i32.add (local.get $c) (i32.const ${w})))`);
    L.push(`        (br $cl${w})))`);
  }
  L.push('      (local.set $r (i32.add (local.get $r) (i32.const 1)))');
  L.push('      (br $rl)))');
  for (const n of rowInputs) L.push(`    (local.set $${n} (i32.add (local.get $${n}) (i32.mul (local.get $R) (local.get $ldx))))`);
  for (const n of outputs) L.push(`    (local.set $${n} (i32.add (local.get $${n}) (i32.mul (local.get $R) (local.get $ldx))))`);
  for (const n of params) L.push(`    (local.set $${n} (i32.add (local.get $${n}) (local.get $ldx)))`);
  L.push('    (local.set $count (i32.sub (local.get $count) (i32.const 1)))');
  L.push('    (br $il)))');
  L.push(')');
  return L;
}

/**
 * BN's training forward per element, as batchNormTrainPass's tf ops round it: xhat = (x − mean)·invstd,
 * y = xhat·gamma + beta. `bnforward(x, mean, invstd, gamma, beta, xhat, y, count, R, C)`.
 */
function bnForward(): string[] {
  return perColumnMap('bnforward', ['x'], ['mean', 'invstd', 'gamma', 'beta'], ['xhat', 'y'], [], (op) => [
    `(local.set $t1 (${op}.mul (${op}.sub (local.get $x) (local.get $mean)) (local.get $invstd)))`,
    `(store $xhat (local.get $t1))`,
    `(store $y (${op}.add (${op}.mul (local.get $t1) (local.get $gamma)) (local.get $beta)))`,
  ]);
}

/**
 * BN's closed-form backward per element, as batchNormTrainPass's tf ops round it:
 * dx = (gamma·invstd)·(dy − (dbeta/m + xhat·(dgamma/m))). `bnbackward(dy, xhat, dbeta, dgamma, gamma,
 * invstd, dx, count, R, C, m)`.
 */
function bnBackward(): string[] {
  return perColumnMap('bnbackward', ['dy', 'xhat'], ['dbeta', 'dgamma', 'gamma', 'invstd'], ['dx'], ['m'], (op) => [
    `(local.set $t1 (${op}.div (local.get $dbeta) (local.get $m)))`,
    `(local.set $t2 (${op}.mul (local.get $xhat) (${op}.div (local.get $dgamma) (local.get $m))))`,
    `(local.set $t3 (${op}.sub (local.get $dy) (${op}.add (local.get $t1) (local.get $t2))))`,
    `(store $dx (${op}.mul (${op}.mul (local.get $gamma) (local.get $invstd)) (local.get $t3)))`,
  ]);
}

/** `scaledsum(x, y, out, n, a, c, plain)`: byte pointers, n elements. */
function scaledSum(): string[] {
  const L: string[] = [];
  L.push('(func (export "scaledsum") (param $x i32) (param $y i32) (param $o i32) (param $n i32) (param $a f32) (param $c f32) (param $plain i32)');
  L.push('  (local $va v128) (local $vc v128) (local $end i32) (local $vend i32)');
  L.push('  (local.set $va (f32x4.splat (local.get $a)))');
  L.push('  (local.set $vc (f32x4.splat (local.get $c)))');
  L.push('  (local.set $end (i32.add (local.get $x) (i32.shl (local.get $n) (i32.const 2))))');
  L.push('  (local.set $vend (i32.add (local.get $x) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))');
  for (const plain of [true, false]) {
    const vy = plain ? '(v128.load (local.get $y))' : '(f32x4.mul (local.get $vc) (v128.load (local.get $y)))';
    const sy = plain ? '(f32.load (local.get $y))' : '(f32.mul (local.get $c) (f32.load (local.get $y)))';
    const step = (bytes: number) => [
      `      (local.set $x (i32.add (local.get $x) (i32.const ${bytes})))`,
      `      (local.set $y (i32.add (local.get $y) (i32.const ${bytes})))`,
      `      (local.set $o (i32.add (local.get $o) (i32.const ${bytes})))`,
    ];
    L.push(`  (if ${plain ? '(local.get $plain)' : '(i32.eqz (local.get $plain))'} (then`);
    L.push('    (block $vd (loop $vl');
    L.push('      (br_if $vd (i32.ge_u (local.get $x) (local.get $vend)))');
    L.push(`      (v128.store (local.get $o) (f32x4.add (f32x4.mul (local.get $va) (v128.load (local.get $x))) ${vy}))`);
    L.push(...step(16));
    L.push('      (br $vl)))');
    L.push('    (block $sd (loop $sl');
    L.push('      (br_if $sd (i32.ge_u (local.get $x) (local.get $end)))');
    L.push(`      (f32.store (local.get $o) (f32.add (f32.mul (local.get $a) (f32.load (local.get $x))) ${sy}))`);
    L.push(...step(4));
    L.push('      (br $sl)))');
    L.push('  ))');
  }
  L.push(')');
  return L;
}

/**
 * The module's text: exports `gemm(a, b, c, M, K, N, sam, sak)` (byte pointers; strides of A in elements)
 * `rowsums(x, out, count, R, C, mean)` and `scaledsum(x, y, out, n, a, c, plain)`.
 */
export function kernelsWat(): string {
  const L: string[] = ['(module', '(import "env" "memory" (memory 0))'];
  for (const mr of ROW_STEPS) for (const [nv] of COLUMN_STEPS) L.push(...block(mr, nv));
  L.push('(func (export "gemm") (param $a i32) (param $b i32) (param $c i32) (param $M i32) (param $K i32) (param $N i32) (param $sam i32) (param $sak i32)');
  L.push('  (local $m i32) (local $n i32) (local $ldb i32) (local $ldc i32) (local $pa i32) (local $pc i32)');
  L.push('  (local.set $sam (i32.shl (local.get $sam) (i32.const 2)))');
  L.push('  (local.set $sak (i32.shl (local.get $sak) (i32.const 2)))');
  L.push('  (local.set $ldb (i32.shl (local.get $N) (i32.const 2)))');
  L.push('  (local.set $ldc (i32.shl (local.get $N) (i32.const 2)))');
  for (const mr of ROW_STEPS) {
    L.push(`  (block $mdone${mr} (loop $ml${mr}`);
    L.push(`    (br_if $mdone${mr} (i32.gt_u (i32.add (local.get $m) (i32.const ${mr})) (local.get $M)))`);
    L.push(`    (local.set $pa (i32.add (local.get $a) (i32.mul (local.get $m) (local.get $sam))))`);
    L.push(`    (local.set $pc (i32.add (local.get $c) (i32.mul (local.get $m) (local.get $ldc))))`);
    L.push(`    (local.set $n (i32.const 0))`);
    for (const [nv, w] of COLUMN_STEPS) {
      L.push(`    (block $ndone${mr}_${nv} (loop $nl${mr}_${nv}`);
      L.push(`      (br_if $ndone${mr}_${nv} (i32.gt_u (i32.add (local.get $n) (i32.const ${w})) (local.get $N)))`);
      L.push(
        `      (call $k${mr}x${nv} (local.get $pa) (i32.add (local.get $b) (i32.shl (local.get $n) (i32.const 2))) ` +
          `(i32.add (local.get $pc) (i32.shl (local.get $n) (i32.const 2))) (local.get $K) (local.get $sam) (local.get $sak) (local.get $ldb) (local.get $ldc))`,
      );
      L.push(`      (local.set $n (i32.add (local.get $n) (i32.const ${w})))`);
      L.push(`      (br $nl${mr}_${nv})))`);
    }
    L.push(`    (local.set $m (i32.add (local.get $m) (i32.const ${mr})))`);
    L.push(`    (br $ml${mr})))`);
  }
  L.push(')');
  L.push(...rowReduce('sum', 'rowsums'), ...rowReduce('csq', 'rowcsq'), ...rowReduce('dot', 'rowdot'));
  L.push(...bnMoments(), ...bnForward(), ...bnBackward());
  L.push(...scaledSum());
  L.push(')');
  return L.join('\n');
}

import { tf } from '../tf.js';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Executor } from '../launch/executor.js';
import { poolExecutor } from '../launch/pool.js';
import { benchEstimate } from './estimate.js';
import { benchMemory } from './memory.js';
import { dispatchOrder } from '../plan/estimate.js';
import { expandPlan } from '../plan/expand.js';
import { parseExperiment } from '../config/load.js';
import { bnChoiceOf } from '../config/resolve.js';
import { ModelSchema, ProbesSchema, type ModelConfig } from '../config/schema.js';
import { oneHot } from '../data/onehot.js';
import { Rng } from '../stats/rng.js';
import { buildMlp, buildMlps, disposeMlp } from '../model/mlp.js';
import { selectBackend } from '../train/backend.js';
import { makeOptimizer } from '../train/optimizer.js';
import { LayerProber } from '../train/probes.js';
import { makeTrainStep } from '../train/step.js';
import type { BackendChoice } from '../backends.js';
import type { RunSpec } from '../types.js';

/*
 * `npm run bench`: steps/second of bn-exp's training step against a bare tf.layers model of the same
 * shape trained with model.fit on the same data, in the same process. Medians over timed windows after
 * warm-up. Then the sweep throughput of --workers 2 against 1 on quick.yaml's runs. Not a test: speed is
 * measured here, never asserted in the suite.
 */

interface Case {
  depth: number;
  width: number;
  batch: number;
  batchNorm: 'off' | 'before';
  /** Input features (default FEATURES) and hidden activation (default relu): the MNIST Fig. 1 shape. */
  features?: number;
  activation?: 'relu' | 'sigmoid';
  /** The group sizes the vectorized bench measures (default 1, 4, 8). */
  ks?: number[];
}

const FEATURES = 32;
const CLASSES = 10;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Runs `fn` (which performs `steps` steps and syncs) in windows; returns the median steps/second. */
async function timeSteps(fn: (steps: number) => Promise<void>, budgetS: number): Promise<number> {
  await fn(3); // warm-up: kernel compilation, allocations
  let steps = 1;
  for (;;) {
    const t = performance.now();
    await fn(steps);
    const dt = (performance.now() - t) / 1000;
    if (dt > budgetS / 10 || steps > 4096) break;
    steps *= 2;
  }
  const rates: number[] = [];
  for (let w = 0; w < 5; w++) {
    const t = performance.now();
    await fn(steps);
    rates.push(steps / ((performance.now() - t) / 1000));
  }
  return median(rates);
}

function data(rows: number, features = FEATURES): { x: tf.Tensor2D; y: tf.Tensor2D } {
  const rng = Rng.derive(0, 'bench-data');
  const xs = new Float32Array(rows * features);
  rng.fillNormal(xs, 0, 1);
  const labels = Int32Array.from({ length: rows }, () => rng.int(CLASSES));
  return { x: tf.tensor2d(xs, [rows, features]), y: tf.tensor2d(oneHot(labels, CLASSES), [rows, CLASSES]) };
}

/** The same rows for each of K models: [K, rows, ...] (a single model: K = 1). */
function forModels(t: tf.Tensor2D, k: number): tf.Tensor3D {
  return tf.stack(Array.from({ length: k }, () => t)) as tf.Tensor3D;
}

async function benchOurs(c: Case, budget: number): Promise<{ rate: number; kernels: number }> {
  const config: ModelConfig = ModelSchema.parse({ depth: c.depth, width: c.width, batchNorm: c.batchNorm });
  const mlp = buildMlp(config, FEATURES, CLASSES, Rng.derive(0, 'bench-init'), bnChoiceOf(config));
  const opt = makeOptimizer([{ optimizer: 'sgd', learningRate: 0.01, momentum: 0 }]);
  const step = makeTrainStep(mlp, opt);
  const d = data(c.batch);
  const [x, y] = [forModels(d.x, 1), forModels(d.y, 1)];
  tf.dispose([d.x, d.y]);
  const profile = await tf.profile(() => {
    step(x, y);
  });
  const rate = await timeSteps(async (n) => {
    for (let i = 0; i < n; i++) step(x, y);
    await mlp.out.b.data(); // one sync per window
  }, budget);
  tf.dispose([x, y]);
  opt.dispose();
  disposeMlp(mlp);
  return { rate, kernels: profile.kernels.length };
}

async function benchFit(c: Case, budget: number): Promise<number> {
  const model = tf.sequential();
  for (let l = 0; l < c.depth; l++) {
    model.add(
      tf.layers.dense({
        units: c.width,
        useBias: c.batchNorm === 'off',
        kernelInitializer: 'heNormal',
        ...(l === 0 ? { inputShape: [FEATURES] } : {}),
      }),
    );
    if (c.batchNorm === 'before') model.add(tf.layers.batchNormalization());
    model.add(tf.layers.activation({ activation: 'relu' }));
  }
  model.add(tf.layers.dense({ units: CLASSES }));
  model.compile({ optimizer: tf.train.sgd(0.01), loss: 'categoricalCrossentropy' });
  const { x, y } = data(c.batch * 64);
  const rate = await timeSteps(async (n) => {
    // fit over n batches of the same size; 64 distinct batches cycled
    let left = n;
    while (left > 0) {
      const k = Math.min(left, 64);
      const xs = k === 64 ? x : tf.slice(x, 0, k * c.batch);
      const ys = k === 64 ? y : tf.slice(y, 0, k * c.batch);
      await model.fit(xs, ys, { batchSize: c.batch, epochs: 1, shuffle: false, verbose: 0 });
      if (xs !== x) tf.dispose([xs, ys]);
      left -= k;
    }
  }, budget);
  tf.dispose([x, y]);
  model.dispose();
  return rate;
}

/**
 * Relative cost of the default layer probes every 10 steps (distribution + training signals) at depth 4,
 * width 64, batch 64, BN, on the default 512-example probe set or on the step's own batch (`set: batch`).
 * Plain steps and probed steps are timed one by one, alternating, so that a machine whose speed drifts
 * (a shared VM) slows both alike; the cost of a probe is the difference of the two medians, and the
 * overhead that cost spread over the 10 steps between probes: (probed − plain) / (10 · plain).
 */
async function benchProbeOverhead(
  budget: number,
  set: 'test' | 'batch',
): Promise<{ plainMs: number; probedMs: number; overhead: number; pairs: number }> {
  const c: Case = { depth: 4, width: 64, batch: 64, batchNorm: 'before' };
  const every = 10;
  const config: ModelConfig = ModelSchema.parse({ depth: c.depth, width: c.width, batchNorm: c.batchNorm });
  const mlp = buildMlp(config, FEATURES, CLASSES, Rng.derive(0, 'bench-init'), bnChoiceOf(config));
  const opt = makeOptimizer([{ optimizer: 'sgd', learningRate: 0.01, momentum: 0 }]);
  const step = makeTrainStep(mlp, opt);
  const d = data(c.batch);
  const [x, y] = [forModels(d.x, 1), forModels(d.y, 1)];
  const probeData = data(512);
  const probeX = forModels(probeData.x, 1);
  tf.dispose([d.x, d.y, probeData.x, probeData.y]);
  const prober = new LayerProber(mlp, ProbesSchema.parse({ every, set }), 'bench', probeX, 0.01, c.batch);
  let t = 0;
  const timed = async (probe: boolean): Promise<number> => {
    const t0 = performance.now();
    if (probe) {
      const pending = prober.begin(t, x, y, undefined);
      await prober.finish(pending, step(x, y, { step: t, capture: true })!);
    } else step(x, y); // wasm runs kernels eagerly: the step's work is done when it returns
    t++;
    return performance.now() - t0;
  };
  for (let i = 0; i < 20; i++) await timed(i % 2 === 0); // warm-up of both paths
  const plain: number[] = [];
  const probed: number[] = [];
  const deadline = performance.now() + Math.max(3, 4 * budget) * 1000;
  while (plain.length < 200 || (performance.now() < deadline && plain.length < 5000)) {
    plain.push(await timed(false));
    probed.push(await timed(true));
  }
  tf.dispose([x, y, probeX]);
  opt.dispose();
  disposeMlp(mlp);
  const plainMs = median(plain);
  const probedMs = median(probed);
  return { plainMs, probedMs, overhead: (probedMs - plainMs) / (every * plainMs), pairs: plain.length };
}

/**
 * Seed-vectorized training (`run --vectorize K`): model steps/s of K single runs (K = 1 models) stepped
 * one after another, against one group of K models in one step (K x its steps/s). Alternating windows of
 * each, medians, as the probe bench (a noisy shared machine drifts).
 */
async function benchVectorized(
  c: Case,
  k: number,
  budget: number,
): Promise<{ separate: number; vectorized: number; kernelsSeparate: number; kernelsVectorized: number }> {
  const config: ModelConfig = ModelSchema.parse({ depth: c.depth, width: c.width, batchNorm: c.batchNorm, activation: c.activation ?? 'relu' });
  const features = c.features ?? FEATURES;
  const train = { optimizer: 'sgd' as const, learningRate: 0.01, momentum: 0 };
  const seeds = Array.from({ length: k }, (_, i) => i);
  const mlps = seeds.map((i) => buildMlp(config, features, CLASSES, Rng.derive(i, 'init'), bnChoiceOf(config)));
  const opts = seeds.map(() => makeOptimizer([train]));
  const steps = mlps.map((m, i) => makeTrainStep(m, opts[i]!));
  const group = buildMlps(seeds.map(() => config), features, CLASSES, seeds.map((i) => Rng.derive(i, 'init')), bnChoiceOf(config));
  const groupOpt = makeOptimizer(seeds.map(() => train));
  const groupStep = makeTrainStep(group, groupOpt);
  const d = data(c.batch, features);
  const [x, y] = [forModels(d.x, 1), forModels(d.y, 1)];
  const x3 = forModels(d.x, k);
  const y3 = forModels(d.y, k);
  tf.dispose([d.x, d.y]);
  const separate = async (n: number): Promise<void> => {
    for (let i = 0; i < n; i++) for (const step of steps) step(x, y);
    await mlps[0]!.out.b.data();
  };
  const vectorized = async (n: number): Promise<void> => {
    for (let i = 0; i < n; i++) groupStep(x3, y3);
    await group.out.b.data();
  };
  // Kernels launched by one model's step, and by one K-model step (reported per model-step).
  const kernelsSeparate = (await tf.profile(() => void steps[0]!(x, y))).kernels.length;
  const kernelsVectorized = (await tf.profile(() => void groupStep(x3, y3))).kernels.length;
  // Window length: about budget/10 seconds of the separate steps.
  await separate(3);
  await vectorized(3);
  let n = 1;
  for (;;) {
    const t = performance.now();
    await separate(n);
    if ((performance.now() - t) / 1000 > budget / 10 || n > 4096) break;
    n *= 2;
  }
  const rate = async (fn: (n: number) => Promise<void>): Promise<number> => {
    const t = performance.now();
    await fn(n);
    return (n * k) / ((performance.now() - t) / 1000);
  };
  const sep: number[] = [];
  const vec: number[] = [];
  for (let w = 0; w < 5; w++) {
    sep.push(await rate(separate));
    vec.push(await rate(vectorized));
  }
  tf.dispose([x, y, x3, y3]);
  groupOpt.dispose();
  disposeMlp(group);
  opts.forEach((o) => o.dispose());
  mlps.forEach(disposeMlp);
  return { separate: median(sep), vectorized: median(vec), kernelsSeparate, kernelsVectorized };
}

/** The vectorized bench's small models (dispatch-bound, where batching K models pays). */
const VECTOR_CASES: Case[] = [
  { depth: 4, width: 64, batch: 64, batchNorm: 'before' },
  // MNIST Fig. 1 (Ioffe & Szegedy): 784 inputs, 3 sigmoid layers of 100, batch 60, BN; 2-3 seeds per group.
  { depth: 3, width: 100, batch: 60, batchNorm: 'before', features: 784, activation: 'sigmoid', ks: [1, 3] },
  { depth: 2, width: 64, batch: 16, batchNorm: 'off' },
  { depth: 4, width: 64, batch: 64, batchNorm: 'off' },
];

function flopsPerStep(c: Case): number {
  let macs = FEATURES * c.width + (c.depth - 1) * c.width * c.width + c.width * CLASSES;
  macs *= c.batch;
  return 6 * macs; // forward 2, backward 4 (dX and dW)
}

/** Seconds to run `specs` through an executor made by `make` (worker start-up included), best of `repeats`. */
async function timeSweep(specs: RunSpec[], backend: BackendChoice, make: () => Promise<Executor>): Promise<number> {
  const t = performance.now();
  const executor = await make();
  try {
    await executor.start(backend);
    const queue = dispatchOrder(specs.map((spec) => [spec]), executor.workers).map(([spec]) => spec!); // as bn-exp run
    const results = await Promise.all(queue.map((spec) => executor.run(spec, {})));
    const failed = results.find((r) => r.status === 'failed');
    if (failed) throw new Error(`bench run failed: ${failed.error}`);
  } finally {
    await executor.close();
  }
  return (performance.now() - t) / 1000;
}

/** quick.yaml's runs (8 at full length, or 200 steps each with --quick) on 1 worker vs 2; best of 2 alternated. */
async function benchWorkers(backend: BackendChoice, quick: boolean): Promise<{ runs: number; steps: number; one: number; two: number }> {
  const file = new URL('../../experiments/quick.yaml', import.meta.url);
  const steps = quick ? 200 : 600;
  const specs = expandPlan(parseExperiment(readFileSync(file, 'utf8'), 'quick.yaml', [`train.steps=${steps}`])).runs;
  const one: number[] = [];
  const two: number[] = [];
  for (let rep = 0; rep < 2; rep++) {
    one.push(await timeSweep(specs, backend, async () => poolExecutor(1))); // as `bn-exp run --workers 1`
    two.push(await timeSweep(specs, backend, async () => poolExecutor(2)));
  }
  return { runs: specs.length, steps, one: Math.min(...one), two: Math.min(...two) };
}

const USAGE = `usage: npm run bench -- [--quick] [--json] [--only steps|vectorized|workers|estimate|memory] [--backend wasm|cpu|node] [--budget seconds]
  --quick   a short grid (depth 4, width 64, batch 64) and the first vectorized cases
  --json    one JSON object per line instead of tables
  --only    one part of the bench
  --budget  seconds per timed case (default 1)
What each row measures: docs/speed.md.`;

/** The options, or null after printing the usage (--help, or an unknown option: exit code 2). */
function options(): Record<string, string | boolean | undefined> | null {
  try {
    const { values } = parseArgs({
      options: {
        help: { type: 'boolean', short: 'h', default: false },
        json: { type: 'boolean', default: false },
        quick: { type: 'boolean', default: false },
        backend: { type: 'string', default: 'wasm' },
        budget: { type: 'string', default: '1' },
        only: { type: 'string' }, // "steps", "vectorized", "workers", "estimate" or "memory"
      },
    });
    if (!values.help) return values;
    console.log(USAGE);
  } catch (e) {
    console.error(`${e instanceof Error ? e.message : String(e)}\n${USAGE}`);
    process.exitCode = 2;
  }
  return null;
}

async function main(): Promise<void> {
  const parsed = options();
  if (parsed === null) return;
  const values = parsed as { json: boolean; quick: boolean; backend: string; budget: string; only?: string };
  if (values.only !== undefined && !['steps', 'vectorized', 'workers', 'estimate', 'memory'].includes(values.only)) {
    console.error(`--only ${values.only}: expected steps, vectorized, workers, estimate or memory\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  const backend = await selectBackend(values.backend as BackendChoice);
  const budget = Number(values.budget);
  const depths = values.quick ? [4] : [2, 4, 8];
  const widths = values.quick ? [64] : [64, 256];
  const batches = values.quick ? [64] : [16, 64, 256];
  const cases: Case[] = [];
  for (const depth of depths)
    for (const width of widths)
      for (const batch of batches) for (const batchNorm of ['off', 'before'] as const) cases.push({ depth, width, batch, batchNorm });

  const sweepOnly = values.only === 'workers' || values.only === 'vectorized' || values.only === 'estimate' || values.only === 'memory';
  if (sweepOnly) cases.length = 0;

  if (!values.json && cases.length > 0) {
    console.log(`bn-exp bench: backend ${backend}, ${FEATURES} features, ${CLASSES} classes, plain SGD; median steps/s`);
    console.log('depth width batch bn      steps/s   fit/s  speedup  GFLOP/s  kernels/step');
  }
  for (const c of cases) {
    const ours = await benchOurs(c, budget);
    const fit = await benchFit(c, budget);
    const row = {
      backend,
      depth: c.depth,
      width: c.width,
      batch: c.batch,
      batchNorm: c.batchNorm,
      steps_per_s: Number(ours.rate.toFixed(1)),
      fit_steps_per_s: Number(fit.toFixed(1)),
      speedup_vs_fit: Number((ours.rate / fit).toFixed(2)),
      gflops: Number(((ours.rate * flopsPerStep(c)) / 1e9).toFixed(2)),
      kernels_per_step: ours.kernels,
    };
    if (values.json) console.log(JSON.stringify(row));
    else
      console.log(
        `${String(c.depth).padStart(5)} ${String(c.width).padStart(5)} ${String(c.batch).padStart(5)} ${c.batchNorm.padEnd(6)} ${row.steps_per_s
          .toFixed(1)
          .padStart(9)} ${row.fit_steps_per_s.toFixed(1).padStart(7)} ${row.speedup_vs_fit.toFixed(2).padStart(7)}x ${row.gflops
          .toFixed(2)
          .padStart(8)} ${String(row.kernels_per_step).padStart(13)}`,
      );
  }
  if (!sweepOnly) {
    for (const set of ['test', 'batch'] as const) {
      const probes = await benchProbeOverhead(budget, set);
      const row = {
        backend,
        bench: 'probes',
        depth: 4,
        width: 64,
        batch: 64,
        batchNorm: 'before',
        every: 10,
        set,
        plain_step_ms: Number(probes.plainMs.toFixed(3)),
        probed_step_ms: Number(probes.probedMs.toFixed(3)),
        pairs: probes.pairs,
        probe_overhead: Number(probes.overhead.toFixed(3)),
      };
      if (values.json) console.log(JSON.stringify(row));
      else
        console.log(
          `default probes every 10 steps, set ${set} (d4 w64 b64 BN): plain step ${row.plain_step_ms} ms, probed step ` +
            `${row.probed_step_ms} ms (medians of ${row.pairs} alternated pairs), overhead ${(row.probe_overhead * 100).toFixed(1)}%`,
        );
    }
  }

  if (values.only === undefined || values.only === 'vectorized') {
    if (!values.json) console.log('\nseed-vectorized steps (run --vectorize K), plain SGD; model steps/s, median of 5 alternated windows');
    for (const c of values.quick ? VECTOR_CASES.slice(0, 2) : VECTOR_CASES) {
      for (const k of c.ks ?? [1, 4, 8]) {
        const v = await benchVectorized(c, k, budget);
        const row = {
          backend,
          bench: 'vectorized',
          k,
          depth: c.depth,
          width: c.width,
          batch: c.batch,
          batchNorm: c.batchNorm,
          features: c.features ?? FEATURES,
          activation: c.activation ?? 'relu',
          steps_per_s_separate: Number(v.separate.toFixed(1)),
          model_steps_per_s_vectorized: Number(v.vectorized.toFixed(1)),
          gain: Number((v.vectorized / v.separate).toFixed(2)),
          kernels_per_step: v.kernelsSeparate,
          kernels_per_model_step_vectorized: Number((v.kernelsVectorized / k).toFixed(1)),
        };
        if (values.json) console.log(JSON.stringify(row));
        else
          console.log(
            `${c.features ? `${c.features}-` : ''}d${c.depth} w${c.width} b${c.batch}${c.activation ? ` ${c.activation}` : ''} BN ${c.batchNorm.padEnd(6)} K=${k}: separate ${row.steps_per_s_separate} model steps/s, ` +
              `vectorized ${row.model_steps_per_s_vectorized}, gain ${row.gain}x; ` +
              `kernels per model-step ${row.kernels_per_step} -> ${row.kernels_per_model_step_vectorized}`,
          );
      }
    }
  }

  if (values.only === undefined || values.only === 'workers') {
    const w = await benchWorkers(values.backend as BackendChoice, values.quick);
    const row = {
      bench: 'workers',
      backend,
      runs: w.runs,
      steps: w.steps,
      workers_1_s: Number(w.one.toFixed(2)),
      workers_2_s: Number(w.two.toFixed(2)),
      ratio: Number((w.one / w.two).toFixed(2)),
    };
    if (values.json) console.log(JSON.stringify(row));
    else
      console.log(
        `\nsweep throughput, ${w.runs} quick.yaml runs of ${w.steps} steps (best of 2, worker start-up included): ` +
          `1 worker ${row.workers_1_s}s, 2 workers ${row.workers_2_s}s, ratio ${row.ratio}x`,
      );
  }

  if (values.only === undefined || values.only === 'estimate') {
    if (!values.json) console.log('\nplan --calibrate vs the actual run of experiments/quick.yaml (fresh processes, report included)');
    for (const r of benchEstimate('experiments/quick.yaml', values.backend, [1, 2])) {
      const row = {
        bench: 'estimate',
        backend,
        workers: r.workers,
        estimate_s: Number(r.estimateSeconds.toFixed(1)),
        actual_s: Number(r.actualSeconds.toFixed(1)),
        ratio: Number((r.estimateSeconds / r.actualSeconds).toFixed(2)),
        calibrate_s: Number(r.calibrateSeconds.toFixed(1)),
      };
      if (values.json) console.log(JSON.stringify(row));
      else
        console.log(
          `${r.workers} worker${r.workers > 1 ? 's' : ''}: estimated ${row.estimate_s}s, actual ${row.actual_s}s, ` +
            `estimate/actual ${row.ratio} (calibration took ${row.calibrate_s}s)`,
        );
    }
  }

  if (values.only === undefined || values.only === 'memory') {
    const m = await benchMemory();
    const mb = (bytes: number): number => Math.round(bytes / 2 ** 20);
    const times = (bytes: number): number => Number((bytes / m.float32Bytes).toFixed(1));
    const row = {
      bench: 'memory',
      rows: m.rows,
      features: m.features,
      csv_mb: mb(m.csvBytes),
      float32_mb: mb(m.float32Bytes),
      validate_peak_mb: mb(m.validatePeak),
      fixed_peak_mb: mb(m.fixedPeak),
      run_peak_mb: mb(m.runPeak),
      run_peak_vectorize1_mb: mb(m.runPeakSeparate),
      run_peak_x: times(m.runPeak),
      run_peak_vectorize1_x: times(m.runPeakSeparate),
      data_x: times(m.runPeak - m.fixedPeak),
      data_vectorize1_x: times(m.runPeakSeparate - m.fixedPeak),
    };
    if (values.json) console.log(JSON.stringify(row));
    else
      console.log(
        `\npeak memory (VmHWM) of a csv sweep, 4 runs on 2 workers, ${m.rows} x ${m.features} (csv ${row.csv_mb} MB, float32 ${row.float32_mb} MB):\n` +
          `  validate (read + check) ${row.validate_peak_mb} MB; run ${row.run_peak_mb} MB = ${row.run_peak_x}x float32 ` +
          `(--vectorize 1: ${row.run_peak_vectorize1_mb} MB = ${row.run_peak_vectorize1_x}x);\n` +
          `  the same sweep on 2000 synthetic rows ${row.fixed_peak_mb} MB, so the data adds ${row.data_x}x (--vectorize 1: ${row.data_vectorize1_x}x)`,
      );
  }
}

await main();

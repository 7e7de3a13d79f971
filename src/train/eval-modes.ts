import { tf } from '../tf.js';
import { extraModes, modeLabel } from '../config/mode-names.js';
import type { EvalConfig, EvalMode } from '../config/schema.js';
import { Rng } from '../stats/rng.js';
import { estimateBnStats, forwardBatchStats, forwardInfer, type BnStats, type Mlp } from '../model/mlp.js';
import type { BatchMoments } from '../model/ops.js';
import { sliceRowsOf } from '../model/row-slices.js';
import { lossAndCorrect, residentX, type EvalSet } from './evaluate.js';

/*
 * Inference modes besides the moving averages (README "Inference modes"; docs/science.md#inference-modes):
 * population (Ioffe & Szegedy Alg. 2), test-batch statistics (i.i.d. or class-sorted batches of k), and
 * AdaBN. None of them touches the model's variables.
 */

/**
 * Ioffe & Szegedy Alg. 2, step 10, on rows that form consecutive batches of m:
 * E[x] = E_B[μ_B], Var[x] = m/(m−1)·E_B[σ²_B] (σ²_B biased; the factor makes the estimate unbiased).
 */
export function populationMoments(t: tf.Tensor2D, m: number): BatchMoments {
  const [rows, k] = t.shape;
  if (rows % m !== 0) throw new Error(`population statistics: ${rows} rows is not a multiple of the batch size ${m}`);
  const perBatch = tf.moments(tf.reshape(t, [rows / m, m, k]), 1); // [batches, k]
  const bessel = m > 1 ? m / (m - 1) : 1;
  return { mean: tf.mean(perBatch.mean, 0), variance: tf.mul(tf.mean(perBatch.variance, 0), bessel) };
}

/**
 * AdaBN's statistics (Li et al., docs/science.md#inference-modes): the exact online merge over chunks of k rows, starting
 * from μ = 0, σ² = 1, n = 0: d = μ_c − μ; μ += d·k/(n+k); σ² = σ²·n/(n+k) + σ_c²·k/(n+k) + d²·n·k/(n+k)²;
 * n += k. The result is the mean and biased variance of all rows (not an EMA).
 */
export function onlineMoments(t: tf.Tensor2D, k: number): BatchMoments {
  const [rows, width] = t.shape;
  let mean: tf.Tensor1D = tf.zeros([width]);
  let variance: tf.Tensor1D = tf.ones([width]);
  let n = 0;
  for (let start = 0; start < rows; start += k) {
    const size = Math.min(k, rows - start);
    const chunk = rows <= k ? t : sliceRowsOf(t, start, size);
    const c = tf.moments(chunk, 0);
    const d = tf.sub(c.mean, mean);
    const total = n + size;
    mean = tf.add(mean, tf.mul(d, size / total));
    variance = tf.add(
      tf.add(tf.mul(variance, n / total), tf.mul(c.variance, size / total)),
      tf.mul(tf.square(d), (n * size) / (total * total)),
    );
    n = total;
  }
  return { mean, variance };
}

/** Row order of one set for one batch mode: `rows` (length a multiple of k) feeds the batches, `order` is scored. */
interface BatchPlan {
  k: number;
  rows: tf.Tensor1D; // int32: `order` padded by wrapping around to whole batches
  order: tf.Tensor1D; // int32: each example once
}

/**
 * Test-batch order: i.i.d. = a seeded shuffle; sorted = the same shuffle stably sorted by label (batches
 * hold one class, except at class boundaries). The last batch is filled up by wrapping around to the
 * start, so every batch has k rows; each example is scored once.
 */
export function batchOrder(labels: Int32Array, k: number, order: 'iid' | 'sorted', rng: Rng): { rows: Int32Array; order: Int32Array } {
  const n = labels.length;
  const scored = rng.permutation(n);
  if (order === 'sorted') {
    // By label, ties in shuffled order: the shuffle survives inside each class.
    const rank = new Int32Array(n);
    scored.forEach((row, i) => (rank[row] = i));
    scored.sort((a, b) => labels[a]! - labels[b]! || rank[a]! - rank[b]!);
  }
  const total = Math.ceil(n / k) * k;
  const rows = new Int32Array(total);
  for (let i = 0; i < total; i++) rows[i] = scored[i % n]!;
  return { rows, order: scored };
}

/** Evaluates the extra inference modes of a run on its evaluation sets, with one sync per call. */
export class ModeEvaluator {
  private readonly modes: EvalMode[];
  private readonly populationX: tf.Tensor2D | undefined;
  private readonly plans = new Map<string, BatchPlan>();

  /**
   * `sets` are resident (their features on the backend whole); `trainX` is the whole training set; population statistics use `normBatch` (the training batch size,
   * or the ghost batch size) and `populationBatches` batches of a seeded shuffle (default: one pass).
   */
  constructor(
    private readonly mlp: Mlp,
    private readonly cfg: EvalConfig,
    private readonly sets: EvalSet[],
    trainX: tf.Tensor2D,
    private readonly normBatch: number,
    seed: number,
  ) {
    this.modes = extraModes(cfg);
    if (this.modes.includes('population')) {
      const n = trainX.shape[0];
      const batches = cfg.populationBatches ?? Math.floor(n / normBatch);
      const rng = Rng.derive(seed, 'eval', 'population');
      const idx = new Int32Array(batches * normBatch);
      for (let filled = 0; filled < idx.length; ) {
        const perm = rng.permutation(n); // more than one pass: a fresh shuffle per pass
        const take = Math.min(n - (n % normBatch), idx.length - filled);
        idx.set(perm.subarray(0, take), filled);
        filled += take;
      }
      this.populationX = tf.tidy(() => tf.gather(trainX, tf.tensor1d(idx, 'int32')));
    }
    const labels = new Map<string, Int32Array>();
    for (const mode of this.modes) {
      if (typeof mode === 'string') continue;
      for (const s of sets) {
        if (!labels.has(s.name)) labels.set(s.name, s.y.dataSync() as Int32Array); // one sync per set and run
        const plan = batchOrder(labels.get(s.name)!, mode.batch, mode.order, Rng.derive(seed, 'eval', 'batch', s.name));
        this.plans.set(`${s.name}@${modeLabel(mode)}`, {
          k: mode.batch,
          rows: tf.tensor1d(plan.rows, 'int32'),
          order: tf.tensor1d(plan.order, 'int32'),
        });
      }
    }
  }

  /** Whether there is anything to evaluate. */
  get active(): boolean {
    return this.modes.length > 0;
  }

  /** Loss and accuracy per `<set>@<mode>`. */
  async evaluate(): Promise<Record<string, { loss: number; acc: number }>> {
    const { mlp, cfg, sets } = this;
    const names: string[] = [];
    const sums = tf.tidy(() => {
      const parts: tf.Scalar[] = [];
      const add = (name: string, s: EvalSet, logits: tf.Tensor2D, y = s.y, onehot = s.onehot): void => {
        const [loss, correct] = lossAndCorrect(logits, y, onehot);
        parts.push(tf.div(loss, s.n), tf.div(correct, s.n));
        names.push(name);
      };
      for (const mode of this.modes) {
        const label = modeLabel(mode);
        let population: BnStats | undefined;
        if (mode === 'population') {
          population = estimateBnStats(mlp, this.populationX!, (t) => populationMoments(t, this.normBatch));
        }
        for (const s of sets) {
          const name = `${s.name}@${label}`;
          const x = residentX(s);
          if (mode === 'population') add(name, s, forwardInfer(mlp, x, population));
          else if (mode === 'adabn') {
            const size = Math.min(cfg.adabnSamples ?? s.n, s.n);
            const source = size === s.n ? x : sliceRowsOf(x, 0, size);
            const stats = estimateBnStats(mlp, source, (t) => onlineMoments(t, cfg.adabnBatch));
            add(name, s, forwardInfer(mlp, x, stats));
          } else if (mode !== 'moving') {
            const plan = this.plans.get(name)!;
            const logits = tf.slice(forwardBatchStats(mlp, tf.gather(x, plan.rows), plan.k), [0, 0], [s.n, -1]);
            add(name, s, logits, tf.gather(s.y, plan.order), tf.gather(s.onehot, plan.order));
          }
        }
      }
      return tf.stack(parts);
    });
    const values = await sums.data();
    sums.dispose();
    const out: Record<string, { loss: number; acc: number }> = {};
    names.forEach((name, i) => (out[name] = { loss: values[2 * i] as number, acc: values[2 * i + 1] as number }));
    return out;
  }

  /** Frees the evaluator's tensors. */
  dispose(): void {
    tf.dispose([this.populationX, ...[...this.plans.values()].flatMap((p) => [p.rows, p.order])]);
  }
}

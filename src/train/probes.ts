import * as tf from '@tensorflow/tfjs';
import {
  meanMedian,
  sortedColumn,
  unitDrift,
  unitStats,
  wasserstein1Sorted,
  type UnitStats,
} from '../analysis/layer-stats.js';
import { PROBE_SUMMARY_COLUMNS, STAT_COLUMN, STAT_KEYS } from '../analysis/probe-columns.js';
import type { ProbesConfig } from '../config/schema.js';
import { forwardTrain, type LayerNoise, type Mlp } from '../model/mlp.js';
import { lossAndGrads, paramGroups, restore, snapshot, type ParamGroup } from './grads.js';
import type { StepCapture } from './step.js';

/*
 * Per-layer probes (layers.csv, landscape.csv), SCIENCE.md 1.4, 2.3, 2.4, 3.3. Probes never change
 * training: they read the model, and every temporary change of a variable is undone bit-exactly before
 * the real step. Tensors are pulled to JS with one sync before and one after a probed step.
 */

type Row = Record<string, number | string>;

/** Units whose statistics are computed per layer (the rest are skipped on wide layers). */
const MAX_UNITS = 256;
/** |pre-activation| beyond which a sigmoid / tanh unit counts as saturated (σ' < 0.018, tanh' < 0.071). */
const SATURATION: Partial<Record<Mlp['config']['activation'], number>> = { sigmoid: 4, tanh: 2 };

/** Tensors to pull in one sync, by name; `pull` returns their values as Float32Arrays. */
class Pull {
  private readonly items: [string, tf.Tensor][] = [];
  add(name: string, t: tf.Tensor): void {
    this.items.push([name, tf.keep(tf.clone(t))]); // a clone, so variables are never disposed here
  }
  async run(): Promise<Map<string, Float32Array>> {
    const out = new Map<string, Float32Array>();
    if (this.items.length === 0) return out;
    const flat = tf.tidy(() => tf.concat(this.items.map(([, t]) => tf.reshape(tf.cast(t, 'float32'), [-1]))));
    const values = (await flat.data()) as Float32Array;
    flat.dispose();
    let offset = 0;
    for (const [name, t] of this.items) {
      out.set(name, values.subarray(offset, offset + t.size));
      offset += t.size;
      t.dispose();
    }
    return out;
  }
}

function norm(t: tf.Tensor): tf.Scalar {
  return tf.sqrt(tf.sum(tf.square(t))) as tf.Scalar;
}

function globalNorm(ts: tf.Tensor[]): tf.Scalar {
  return tf.sqrt(tf.addN(ts.map((t) => tf.sum(tf.square(t))))) as tf.Scalar;
}

function meanStd(xs: Float32Array): { mean: number; std: number } {
  let s = 0;
  for (const x of xs) s += x;
  const mean = s / xs.length;
  let v = 0;
  for (const x of xs) v += (x - mean) ** 2;
  return { mean, std: Math.sqrt(v / xs.length) };
}

/** Runs the configured probes of one training run and accumulates its rows and summaries. */
export class LayerProber {
  readonly rows: Row[] = [];
  readonly landscapeRows: Row[] = [];
  private readonly groups: ParamGroup[];
  private prevSorted: Float32Array[][] | undefined;
  private prevStats: UnitStats[][] | undefined;
  /** Per layer, per unit: the percentile path over probes at or after burn-in. */
  private readonly paths: { q15: number; q50: number; q85: number }[][][];
  private readonly ics: { rel: number; cos: number }[] = [];
  private readonly noise: number[] = [];

  /** `probeX` is the fixed probe set (unused with `set: batch`, which probes the step's own batch). */
  constructor(
    private readonly mlp: Mlp,
    private readonly cfg: ProbesConfig,
    private readonly runId: string,
    private readonly probeX: tf.Tensor2D | undefined,
    private readonly learningRate: number,
    private readonly batchSize: number,
    /** Noisy-BN noise for the probe-set pass, from a stream of its own (noisy-BN runs only). */
    private readonly probeNoise?: (rows: number) => (LayerNoise | undefined)[],
  ) {
    this.groups = paramGroups(mlp);
    this.paths = this.groups.map(() => []);
  }

  /** Whether the step taken from the state after `step` steps is probed. */
  due(step: number): boolean {
    return step % this.cfg.every === 0;
  }

  /**
   * Probes the state after `step` steps around the real training step `takeStep` on batch (x, y, masks):
   * the distribution on the probe set before the step, then the step's own gradients and moments,
   * update ratios, gradient ICS and landscape after it, pulled to JS with one sync. `noise` is the
   * step's noisy-BN noise (reused by the ICS and landscape passes, as the masks are).
   */
  async probe(
    step: number,
    x: tf.Tensor2D,
    y: tf.Tensor2D,
    masks: (tf.Tensor2D | undefined)[] | undefined,
    takeStep: () => StepCapture,
    noise?: (LayerNoise | undefined)[],
  ): Promise<void> {
    const { cfg, mlp, groups } = this;
    const vars = groups.flatMap((g) => g.vars);
    const ics = cfg.icsEvery > 0 && step % cfg.icsEvery === 0;
    const landscape = cfg.landscapeEvery > 0 && step % cfg.landscapeEvery === 0;
    const pull = new Pull();
    const old = snapshot(vars); // W_t (clones share data: free until the optimizer writes new values)
    const wOld = snapshot(groups.map((g) => g.w)); // also frozen ones (trainOnly)
    // Hidden layers' moving statistics first (indexed below), then the input BN's.
    const movingVars = [
      ...mlp.hidden.flatMap((l) => (l.bn ? [l.bn.movingMean, l.bn.movingVar] : [])),
      ...(mlp.inputBn ? [mlp.inputBn.movingMean, mlp.inputBn.movingVar] : []),
    ];
    const movingOld = snapshot(movingVars);
    const probeX = this.probeX;
    if (cfg.training) {
      mlp.hidden.forEach((layer, l) => {
        if (!layer.bn) return;
        pull.add(`gamma${l + 1}`, layer.bn.gamma); // γ, β at W_t
        pull.add(`beta${l + 1}`, layer.bn.beta);
      });
    }

    if (cfg.distribution && cfg.set !== 'batch' && probeX) {
      tf.tidy(() => {
        const logits = forwardTrain(mlp, probeX, {
          ...(this.probeNoise ? { noise: this.probeNoise(probeX.shape[0]) } : {}),
          wholeBatch: true, // the probe set is one batch, also with ghost BN
          onPreActivation: (l, a) => pull.add(`pre${l + 1}`, a),
          onBnInput: (l, z) => {
            const noise = this.bnNoise(z);
            if (noise) {
              pull.add(`noise_mean${l + 1}`, noise.mean);
              pull.add(`noise_var${l + 1}`, noise.variance);
            }
          },
        });
        pull.add(`pre${groups.length}`, logits);
      });
    }

    const cap = takeStep();
    const next = ics || landscape ? snapshot(vars) : []; // W_{t+1}
    // Batch Renorm reads the moving statistics: the ICS and landscape passes see the step's (W_t's).
    const renorm = (ics || landscape) && mlp.renormLimits !== undefined;
    const movingNext = renorm ? snapshot(movingVars) : [];
    if (renorm) restore(movingVars, movingOld);
    tf.tidy(() => {
      if (cfg.distribution && cfg.set === 'batch') cap.preActivations.forEach((a, i) => pull.add(`pre${i + 1}`, a));
      let offset = 0;
      const start = groups.map((grp) => {
        const s0 = offset;
        offset += grp.vars.length;
        return s0;
      });
      if (cfg.training) {
        groups.forEach((grp, gi) => {
          const w0 = wOld[gi]!;
          const grad = cap.grads[grp.w.name]; // absent for a frozen W
          pull.add(`w_norm${grp.layer}`, norm(w0));
          if (grad) pull.add(`grad_norm${grp.layer}`, norm(grad));
          pull.add(`update${grp.layer}`, tf.div(norm(tf.sub(grp.w, w0)), norm(w0)));
        });
        let k = 0;
        mlp.hidden.forEach((layer, l) => {
          const m = cap.moments[l];
          if (!layer.bn) return;
          const [mMean, mVar] = [movingOld[k]!, movingOld[k + 1]!];
          k += 2;
          if (!m) return;
          const sd = tf.sqrt(tf.add(mVar, mlp.config.bnEpsilon));
          pull.add(`bn_mean_gap${l + 1}`, tf.mean(tf.div(tf.abs(tf.sub(m.mean, mMean)), sd)));
          pull.add(`bn_var_ratio${l + 1}`, tf.mean(tf.div(m.variance, mVar)));
        });
      }
      if (ics) {
        // Santurkar Def. 2.1: G'_i = the gradient of W_i on the same batch after layers < i took their
        // real update (layers >= i at their old values); G_i = the gradient the step applied.
        groups.forEach((grp, gi) => {
          const g = cap.grads[grp.w.name];
          if (!g) return; // a frozen W has no gradient
          for (let v = start[gi]!; v < vars.length; v++) vars[v]!.assign(old[v]!);
          const gPrime = lossAndGrads(mlp, x, y, masks, [grp.w], undefined, noise).grads[grp.w.name]!;
          pull.add(`ics_l2${grp.layer}`, norm(tf.sub(g, gPrime)));
          pull.add(`ics_g${grp.layer}`, norm(g));
          pull.add(`ics_gp${grp.layer}`, norm(gPrime));
          pull.add(`ics_dot${grp.layer}`, tf.sum(tf.mul(g, gPrime)));
          restore(vars, next);
        });
      }
      if (landscape) {
        // Santurkar Sec. 3.1: from w_t, move along −g by η; loss and gradient change at each η.
        const gAll = vars.map((v) => cap.grads[v.name]!);
        pull.add('land_loss', cap.loss);
        pull.add('land_gnorm', globalNorm(gAll));
        this.etas().forEach((eta, j) => {
          vars.forEach((v, i) => v.assign(tf.sub(old[i]!, tf.mul(gAll[i]!, eta))));
          const moved = lossAndGrads(mlp, x, y, masks, vars, undefined, noise);
          pull.add(`land_loss${j}`, moved.loss);
          pull.add(`land_dg${j}`, globalNorm(vars.map((v, i) => tf.sub(gAll[i]!, moved.grads[v.name]!))));
        });
        restore(vars, next);
      }
    });
    if (renorm) restore(movingVars, movingNext);
    tf.dispose([...old, ...wOld, ...movingOld, ...next, ...movingNext, cap.loss, ...Object.values(cap.grads), ...cap.preActivations]);
    for (const m of cap.moments) if (m) tf.dispose([m.mean, m.variance]);

    const values = await pull.run();
    const rows = this.layerRows(step, values);
    const v = (key: string): number => values.get(key)?.[0] ?? NaN;
    for (const row of rows) {
      const l = row.layer as number;
      if (cfg.training) row.update_ratio = v(`update${l}`);
      if (ics) {
        const g = v(`ics_g${l}`);
        row.ics_l2 = v(`ics_l2${l}`);
        row.ics_rel = v(`ics_l2${l}`) / g;
        row.ics_cos = v(`ics_dot${l}`) / (g * v(`ics_gp${l}`));
        this.ics.push({ rel: row.ics_rel, cos: row.ics_cos });
      }
      this.rows.push(row);
    }
    if (landscape) this.landscapeRow(step, values, this.etas());
  }

  /** Rows of the probed activations: the probe set, or the training batch with `set: batch`. */
  private probeRows(): number {
    return this.cfg.set === 'batch' || !this.probeX ? this.batchSize : this.probeX.shape[0];
  }

  private etas(): number[] {
    return this.cfg.landscapeSteps.map((m) => m * this.learningRate);
  }

  /**
   * BN noise of one BN layer on the probe set: the std over disjoint chunks of `batchSize` rows of
   * (μ_B − μ_pop)/σ_pop and of σ²_B/σ²_pop, averaged over units (SCIENCE.md 3.3).
   */
  private bnNoise(z: tf.Tensor2D): { mean: tf.Scalar; variance: tf.Scalar } | undefined {
    const m = this.batchSize;
    const chunks = Math.floor(z.shape[0] / m);
    if (chunks < 2) return undefined;
    const pop = tf.moments(z, 0);
    const sd = tf.sqrt(pop.variance);
    const zc = tf.reshape(tf.slice(z, 0, chunks * m), [chunks, m, z.shape[1]]);
    const batch = tf.moments(zc, 1);
    // Sample std over the chunks (Bessel-corrected: there are few chunks), then the mean over units.
    const stdOverChunks = (t: tf.Tensor): tf.Scalar =>
      tf.mean(tf.sqrt(tf.mul(tf.moments(t, 0).variance, chunks / (chunks - 1)))) as tf.Scalar;
    return {
      mean: stdOverChunks(tf.div(tf.sub(batch.mean, pop.mean), sd)),
      variance: stdOverChunks(tf.div(batch.variance, pop.variance)),
    };
  }

  /**
   * The sampling-theory prediction of bn_noise_mean: 1/sqrt(m), times the finite-population correction
   * sqrt((N − m)/(N − 1)) because the chunks are drawn without replacement from the N probe examples.
   */
  private noisePrediction(): number {
    const n = this.probeRows();
    const m = this.batchSize;
    return Math.sqrt((n - m) / (n - 1)) / Math.sqrt(m);
  }

  /** One row per layer from the pulled values: distribution, drift, training signals, BN. */
  private layerRows(step: number, values: Map<string, Float32Array>): Row[] {
    const { cfg, mlp, groups } = this;
    const n = this.probeRows();
    const sortedNow: Float32Array[][] = [];
    const statsNow: UnitStats[][] = [];
    const rows = groups.map((grp, gi): Row => {
      const l = grp.layer;
      const hidden = l <= mlp.hidden.length;
      const row: Row = { run_id: this.runId, step, layer: l, kind: hidden ? 'hidden' : 'output' };
      const scalar = (k: string): number => values.get(k)?.[0] ?? NaN;
      const pre = values.get(`pre${l}`);
      if (pre) {
        const width = pre.length / n;
        const units = Math.min(width, MAX_UNITS);
        const sorted = Array.from({ length: units }, (_, u) => sortedColumn(pre, n, width, u));
        const stats = sorted.map(unitStats);
        sortedNow[gi] = sorted;
        statsNow[gi] = stats;
        for (const k of STAT_KEYS) {
          const agg = meanMedian(stats.map((s) => s[k]));
          row[STAT_COLUMN[k]] = agg.mean;
          row[`${STAT_COLUMN[k]}_med`] = agg.median;
        }
        const act = mlp.config.activation;
        const limit = hidden ? SATURATION[act] : undefined;
        if (limit !== undefined) {
          let sat = 0;
          for (const col of sorted) for (const a of col) if (Math.abs(a) > limit) sat++;
          row.saturated_frac = sat / (units * n);
        }
        if (hidden && act === 'relu') row.dead_frac = sorted.filter((col) => col[n - 1]! <= 0).length / units;
        const prev = this.prevSorted?.[gi];
        const prevStats = this.prevStats?.[gi];
        if (prev && prevStats) {
          // W1 between successive probes of a unit, in units of the unit's previous std.
          const w1 = sorted.map((col, u) => wasserstein1Sorted(col, prev[u]!) / prevStats[u]!.std).filter(Number.isFinite);
          row.w1_prev = meanMedian(w1).mean;
          const dq = stats.map((s, u) => Math.abs(s.q50 - prevStats[u]!.q50) / ((s.q85 - s.q15 + prevStats[u]!.q85 - prevStats[u]!.q15) / 2));
          row.q50_change = meanMedian(dq.filter(Number.isFinite)).mean;
        }
        if (step >= cfg.burnIn) {
          const paths = this.paths[gi]!;
          stats.forEach((s, u) => (paths[u] ??= []).push({ q15: s.q15, q50: s.q50, q85: s.q85 }));
        }
        for (const u of cfg.units) {
          const s = stats[u];
          if (!s) continue;
          for (const k of ['mean', 'std', 'q15', 'q50', 'q85'] as const) row[`u${u}_${k}`] = s[k];
        }
      }
      if (cfg.training) {
        row.w_norm = scalar(`w_norm${l}`);
        row.grad_norm = scalar(`grad_norm${l}`);
        const gamma = values.get(`gamma${l}`);
        const beta = values.get(`beta${l}`);
        if (gamma && beta) {
          row.bn_mean_gap = scalar(`bn_mean_gap${l}`);
          row.bn_var_ratio = scalar(`bn_var_ratio${l}`);
          const gs = meanStd(gamma);
          const bs = meanStd(beta);
          row.gamma_mean = gs.mean;
          row.gamma_std = gs.std;
          row.beta_mean = bs.mean;
          row.beta_std = bs.std;
        }
      }
      if (values.has(`noise_mean${l}`)) {
        row.bn_noise_mean = scalar(`noise_mean${l}`);
        row.bn_noise_var = scalar(`noise_var${l}`);
        row.bn_noise_pred = this.noisePrediction();
        this.noise.push(row.bn_noise_mean);
      }
      return row;
    });
    if (cfg.distribution) {
      this.prevSorted = sortedNow;
      this.prevStats = statsNow;
    }
    return rows;
  }

  private landscapeRow(step: number, values: Map<string, Float32Array>, etas: number[]): void {
    const v = (k: string): number => values.get(k)?.[0] ?? NaN;
    const losses = etas.map((_, j) => v(`land_loss${j}`));
    const changes = etas.map((_, j) => v(`land_dg${j}`));
    const gnorm = v('land_gnorm');
    this.landscapeRows.push({
      run_id: this.runId,
      step,
      loss: v('land_loss'),
      grad_norm: gnorm,
      loss_min: Math.min(...losses),
      loss_max: Math.max(...losses),
      loss_band: Math.max(...losses) - Math.min(...losses),
      grad_change_min: Math.min(...changes),
      grad_change_max: Math.max(...changes),
      // Effective β-smoothness: max over η of ||∇L(w) − ∇L(w − ηg)|| / ||ηg||.
      beta_smoothness: Math.max(...changes.map((c, j) => c / (etas[j]! * gnorm))),
    });
  }

  /** Per-run summaries for runs.csv (NaN where the probe was off). */
  summary(): Record<(typeof PROBE_SUMMARY_COLUMNS)[number], number> {
    const depth = this.mlp.hidden.length;
    const drift = (gi: number, key: 'normRange' | 'normTV'): number =>
      meanMedian((this.paths[gi] ?? []).map((p) => unitDrift(p)[key]).filter(Number.isFinite)).mean;
    const lastHidden = this.rows.filter((r) => r.layer === depth && typeof r.w1_prev === 'number');
    const mean = (xs: number[]): number => meanMedian(xs.filter(Number.isFinite)).mean;
    return {
      drift_first_layer: drift(0, 'normRange'),
      drift_last_layer: drift(depth - 1, 'normRange'),
      drift_tv_last_layer: drift(depth - 1, 'normTV'),
      w1_last_layer: mean(lastHidden.map((r) => r.w1_prev as number)),
      ics_rel_mean: mean(this.ics.map((i) => i.rel)),
      ics_cos_mean: mean(this.ics.map((i) => i.cos)),
      landscape_band_mean: mean(this.landscapeRows.map((r) => r.loss_band as number)),
      beta_smoothness_mean: mean(this.landscapeRows.map((r) => r.beta_smoothness as number)),
      bn_noise_mean: mean(this.noise),
      bn_noise_pred: this.noise.length > 0 ? this.noisePrediction() : NaN,
    };
  }
}

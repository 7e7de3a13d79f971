import { tf } from '../tf.js';
import { columnStats, columnW1, meanMedian, sortColumns, unitDrift, type ColumnStats } from '../stats/layer-stats.js';
import { bnNoise } from '../stats/bn-noise.js';
import { bnGaps, l2Distance, l2Norm } from '../stats/vectors.js';
import { type PROBE_SUMMARY_COLUMNS, STAT_COLUMN, STAT_KEYS } from '../record/probe-columns.js';
import type { ProbesConfig } from '../config/schema.js';
import { moments } from '../stats/moments.js';
import { forwardTrain, type LayerNoise, type Mlp } from '../model/mlp.js';
import { lossAndGrads, paramGroups, restore, snapshot, type ParamGroup } from './grads.js';
import type { StepCapture } from './step.js';

/*
 * Per-layer probes (layers.csv, landscape.csv); definitions in docs/science.md. Probes never change
 * training: they read the model, and every temporary change of a variable is undone bit-exactly before
 * the real step. Everything a probe needs is pulled to JS once, after the probed step; the statistics
 * (percentiles, moments, norms, BN gaps) are computed there from the raw values rather than by a few
 * kernels per number, because on wasm each kernel launch costs more than the arithmetic it does.
 */

type Row = Record<string, number | string>;

/** Units whose statistics are computed per layer (the rest are skipped on wide layers). */
const MAX_UNITS = 256;
/** |pre-activation| beyond which a sigmoid / tanh unit counts as saturated (σ' < 0.018, tanh' < 0.071). */
const SATURATION: Partial<Record<Mlp['config']['activation'], number>> = { sigmoid: 4, tanh: 2 };

/**
 * Tensors to read in one go after the probed step, by name; `run` returns their values as Float32Arrays
 * and disposes what it was given. A variable is cloned when added (the clone shares its data, no copy),
 * so the value read is the one at that moment and the variable itself is never disposed.
 */
export class Pull {
  private readonly items: [string, tf.Tensor][] = [];
  add(name: string, t: tf.Tensor): void {
    this.items.push([name, tf.keep(t instanceof tf.Variable ? tf.clone(t) : t)]);
  }
  async run(): Promise<Map<string, Float32Array>> {
    const out = new Map<string, Float32Array>();
    const values = await Promise.all(this.items.map(([, t]) => t.data<'float32'>()));
    this.items.forEach(([name, t], i) => {
      const v = values[i]!;
      out.set(name, v instanceof Float32Array ? v : Float32Array.from(v));
      t.dispose();
    });
    return out;
  }
}

/** Model rows as columns: [1, rows, units] -> [1, units, rows]. */
function transposed(a: tf.Tensor3D): tf.Tensor3D {
  return tf.transpose(a, [0, 2, 1]);
}

/** What a probe keeps between the state before the step (`begin`) and after it (`finish`). */
export interface PendingProbe {
  step: number;
  x: tf.Tensor3D;
  y: tf.Tensor3D;
  masks: (tf.Tensor3D | undefined)[] | undefined;
  noise: (LayerNoise | undefined)[] | undefined;
  vars: tf.Variable[];
  ics: boolean;
  landscape: boolean;
  pull: Pull;
  old: tf.Tensor[];
  movingVars: tf.Variable[];
  renorm: boolean;
  movingOld: tf.Tensor[];
}

function norm(t: tf.Tensor): tf.Scalar {
  return tf.sqrt(tf.sum(tf.square(t))) as tf.Scalar;
}

function globalNorm(ts: tf.Tensor[]): tf.Scalar {
  return tf.sqrt(tf.addN(ts.map((t) => tf.sum(tf.square(t))))) as tf.Scalar;
}

/** Runs the configured probes of one training run and accumulates its rows and summaries. */
export class LayerProber {
  readonly rows: Row[] = [];
  readonly landscapeRows: Row[] = [];
  private readonly groups: ParamGroup[];
  /** Per layer, the previous probe's sorted columns and statistics (for W1 and the median's change). */
  private prevSorted: Float32Array[] | undefined;
  private prevStats: ColumnStats[] | undefined;
  /** Per layer, per probe at or after burn-in: every unit's q15, q50, q85 (the percentile paths). */
  private readonly paths: { q15: Float64Array; q50: Float64Array; q85: Float64Array }[][];
  private readonly ics: { rel: number; cos: number }[] = [];
  private readonly noise: number[] = [];

  /**
   * `mlp` is the run's model alone (K = 1; refreshed by the caller when it is a copy of one model of a
   * group); `probeX` is the fixed probe set [1, n, features] (unused with `set: batch`, which probes the
   * step's own batch).
   */
  constructor(
    private readonly mlp: Mlp,
    private readonly cfg: ProbesConfig,
    private readonly runId: string,
    private readonly probeX: tf.Tensor3D | undefined,
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
   * Probes the state after `step` steps around the real training step on batch (x, y, masks) of this
   * run's model (each [1, B, ...]): `begin` measures the distribution on the probe set before the step
   * (call it with the model at W_t), `finish` the step's own gradients and moments, update ratios,
   * gradient ICS and landscape after it (the model at W_{t+1}), pulled to JS with one sync. `noise` is
   * the step's noisy-BN noise (reused by the ICS and landscape passes, as the masks are). The model's
   * group takes the step in between, for all its models at once.
   */
  begin(
    step: number,
    x: tf.Tensor3D,
    y: tf.Tensor3D,
    masks: (tf.Tensor3D | undefined)[] | undefined,
    noise?: (LayerNoise | undefined)[],
  ): PendingProbe {
    const { cfg, mlp, groups } = this;
    const vars = groups.flatMap((g) => g.vars);
    const ics = cfg.icsEvery > 0 && step % cfg.icsEvery === 0;
    const landscape = cfg.landscapeEvery > 0 && step % cfg.landscapeEvery === 0;
    const pull = new Pull();
    const old = ics || landscape ? snapshot(vars) : []; // W_t (clones share data: free until the optimizer writes new values)
    // Hidden layers' moving statistics first (indexed below), then the input BN's.
    const movingVars = [
      ...mlp.hidden.flatMap((l) => (l.bn ? [l.bn.movingMean, l.bn.movingVar] : [])),
      ...(mlp.inputBn ? [mlp.inputBn.movingMean, mlp.inputBn.movingVar] : []),
    ];
    const renorm = (ics || landscape) && mlp.bn.readsMoving;
    const movingOld = renorm ? snapshot(movingVars) : [];
    const probeX = this.probeX;
    if (cfg.training) {
      // Values at W_t: weights (also frozen ones, for the update ratio), γ, β and the moving statistics.
      for (const grp of groups) pull.add(`w_old${grp.layer}`, grp.w);
      mlp.hidden.forEach((layer, l) => {
        if (!layer.bn) return;
        pull.add(`gamma${l + 1}`, layer.bn.gamma);
        pull.add(`beta${l + 1}`, layer.bn.beta);
        pull.add(`moving_mean${l + 1}`, layer.bn.movingMean);
        pull.add(`moving_var${l + 1}`, layer.bn.movingVar);
      });
    }

    if (cfg.distribution && cfg.set !== 'batch' && probeX) {
      tf.tidy(() => {
        const logits = forwardTrain(mlp, probeX, {
          step,
          ...(this.probeNoise ? { noise: this.probeNoise(probeX.shape[1]) } : {}),
          wholeBatch: true, // the probe set is one batch, also with ghost BN
          onPreActivation: (l, a) => pull.add(`pre${l + 1}`, transposed(a)), // [units, rows]: columns contiguous
        });
        pull.add(`pre${groups.length}`, transposed(logits));
      });
    }
    const noiseRows = this.noiseRows();
    if (noiseRows > 0 && probeX) {
      // BN noise in the training network's view: each chunk of m probe rows normalized with its own
      // statistics at every BN layer, so a deeper layer's input carries the upstream layers' noise.
      tf.tidy(() => {
        const xs = noiseRows === probeX.shape[1] ? probeX : tf.slice(probeX, [0, 0, 0], [1, noiseRows, -1]);
        forwardTrain(mlp, xs, {
          step,
          ...(this.probeNoise ? { noise: this.probeNoise(noiseRows) } : {}),
          chunkRows: this.batchSize,
          onBnInput: (l, z) => pull.add(`bn_in${l + 1}`, z),
        });
      });
    }
    return { step, x, y, masks, noise, vars, ics, landscape, pull, old, movingVars, renorm, movingOld };
  }

  /** The second half of a probe (see begin): `cap` is this run's capture of the step just taken. */
  async finish(pending: PendingProbe, cap: StepCapture): Promise<void> {
    const { cfg, mlp, groups } = this;
    const { step, x, y, masks, noise, vars, ics, landscape, pull, old, movingVars, renorm, movingOld } = pending;
    const next = ics || landscape ? snapshot(vars) : []; // W_{t+1}
    // Batch Renorm reads the moving statistics: the ICS and landscape passes see the step's (W_t's).
    const movingNext = renorm ? snapshot(movingVars) : [];
    if (renorm) restore(movingVars, movingOld);
    if (cfg.distribution && cfg.set === 'batch') cap.preActivations.forEach((a, i) => pull.add(`pre${i + 1}`, transposed(a)));
    if (cfg.training) {
      for (const grp of groups) {
        pull.add(`w_new${grp.layer}`, grp.w);
        const grad = cap.grads[grp.w.name]; // absent for a frozen W
        if (grad) pull.add(`grad${grp.layer}`, grad);
      }
      cap.moments.forEach((m, l) => {
        if (!m || !mlp.hidden[l]?.bn) return;
        pull.add(`batch_mean${l + 1}`, m.mean);
        pull.add(`batch_var${l + 1}`, m.variance);
      });
    }
    tf.tidy(() => {
      let offset = 0;
      const start = groups.map((grp) => {
        const s0 = offset;
        offset += grp.vars.length;
        return s0;
      });
      if (ics) {
        // Santurkar Def. 2.1: G'_i = the gradient of W_i on the same batch after layers < i took their
        // real update (layers >= i at their old values); G_i = the gradient the step applied.
        groups.forEach((grp, gi) => {
          const g = cap.grads[grp.w.name];
          if (!g) return; // a frozen W has no gradient
          for (let v = start[gi]!; v < vars.length; v++) vars[v]!.assign(old[v]!);
          const gPrime = lossAndGrads(mlp, x, y, masks, [grp.w], undefined, noise, step).grads[grp.w.name]!;
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
          const moved = lossAndGrads(mlp, x, y, masks, vars, undefined, noise, step);
          pull.add(`land_loss${j}`, moved.loss);
          pull.add(`land_dg${j}`, globalNorm(vars.map((v, i) => tf.sub(gAll[i]!, moved.grads[v.name]!))));
        });
        restore(vars, next);
      }
    });
    if (renorm) restore(movingVars, movingNext);
    const values = await pull.run(); // before the step's own tensors are disposed: some are read here
    tf.dispose([...old, ...movingOld, ...next, ...movingNext, cap.loss, ...Object.values(cap.grads), ...cap.preActivations]);
    for (const m of cap.moments) if (m) tf.dispose([m.mean, m.variance]);

    const rows = this.layerRows(step, values);
    const v = (key: string): number => values.get(key)?.[0] ?? NaN;
    for (const row of rows) {
      const l = row.layer as number;
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
    return this.cfg.set === 'batch' || !this.probeX ? this.batchSize : this.probeX.shape[1];
  }

  private etas(): number[] {
    return this.cfg.landscapeSteps.map((m) => m * this.learningRate);
  }

  /**
   * Probe rows of the BN-noise pass: the largest multiple B·m of the batch size m in the fixed probe set,
   * 0 (no BN-noise measure) without a fixed set, without a hidden BN layer or with fewer than 2 chunks.
   */
  private noiseRows(): number {
    if (this.cfg.set === 'batch' || !this.probeX || !this.mlp.hidden.some((l) => l.bn)) return 0;
    const chunks = Math.floor(this.probeX.shape[1] / this.batchSize);
    return chunks >= 2 ? chunks * this.batchSize : 0;
  }

  /**
   * The sampling-theory prediction of bn_noise_mean for i.i.d. inputs: 1/sqrt(m). The B chunks partition
   * the B·m rows and their spread is taken around the set's exact mean with B − 1 degrees of freedom,
   * which already accounts for sampling without replacement: no finite-population factor on top.
   */
  private noisePrediction(): number {
    return 1 / Math.sqrt(this.batchSize);
  }

  /** One row per layer from the pulled values: distribution, drift, training signals, BN. */
  private layerRows(step: number, values: Map<string, Float32Array>): Row[] {
    const { cfg, mlp, groups } = this;
    const n = this.probeRows();
    const sortedNow: Float32Array[] = [];
    const statsNow: ColumnStats[] = [];
    const rows = groups.map((grp, gi): Row => {
      const l = grp.layer;
      const hidden = l <= mlp.hidden.length;
      const row: Row = { run_id: this.runId, step, layer: l, kind: hidden ? 'hidden' : 'output' };
      const pre = values.get(`pre${l}`);
      if (pre) {
        const width = pre.length / n;
        const units = Math.min(width, MAX_UNITS);
        const sorted = sortColumns(pre, n, units); // pulled transposed: [units, rows], column u at u * n
        const stats = columnStats(sorted, n, units);
        sortedNow[gi] = sorted;
        statsNow[gi] = stats;
        for (const k of STAT_KEYS) {
          const agg = meanMedian(stats[k]);
          row[STAT_COLUMN[k]] = agg.mean;
          row[`${STAT_COLUMN[k]}_med`] = agg.median;
        }
        const act = mlp.config.activation;
        const limit = hidden ? SATURATION[act] : undefined;
        if (limit !== undefined) {
          let sat = 0;
          for (let i = 0; i < units * n; i++) if (Math.abs(sorted[i]!) > limit) sat++;
          row.saturated_frac = sat / (units * n);
        }
        if (hidden && act === 'relu') {
          let dead = 0;
          for (let u = 0; u < units; u++) if (sorted[u * n + n - 1]! <= 0) dead++; // the column's maximum
          row.dead_frac = dead / units;
        }
        const prev = this.prevSorted?.[gi];
        const prevStats = this.prevStats?.[gi];
        if (prev && prevStats) {
          // W1 between successive probes of a unit, in units of the unit's previous std.
          const w1 = columnW1(sorted, prev, n, units);
          const rel: number[] = [];
          const dq: number[] = [];
          for (let u = 0; u < units; u++) {
            rel.push(w1[u]! / prevStats.std[u]!);
            const spread = (stats.q85[u]! - stats.q15[u]! + prevStats.q85[u]! - prevStats.q15[u]!) / 2;
            dq.push(Math.abs(stats.q50[u]! - prevStats.q50[u]!) / spread);
          }
          row.w1_prev = meanMedian(rel.filter(Number.isFinite)).mean;
          row.q50_change = meanMedian(dq.filter(Number.isFinite)).mean;
        }
        if (step >= cfg.burnIn) this.paths[gi]!.push({ q15: stats.q15, q50: stats.q50, q85: stats.q85 });
        for (const u of cfg.units) {
          if (u >= units) continue;
          for (const k of ['mean', 'std', 'q15', 'q50', 'q85'] as const) row[`u${u}_${k}`] = stats[k][u]!;
        }
      }
      if (cfg.training) {
        const w0 = values.get(`w_old${l}`)!;
        const w1 = values.get(`w_new${l}`)!;
        const grad = values.get(`grad${l}`);
        row.w_norm = l2Norm(w0);
        row.grad_norm = grad ? l2Norm(grad) : NaN;
        row.update_ratio = l2Distance(w1, w0) / row.w_norm;
        const gamma = values.get(`gamma${l}`);
        const beta = values.get(`beta${l}`);
        if (gamma && beta) {
          const batchMean = values.get(`batch_mean${l}`);
          const batchVar = values.get(`batch_var${l}`);
          if (batchMean && batchVar) {
            const gaps = bnGaps(batchMean, batchVar, values.get(`moving_mean${l}`)!, values.get(`moving_var${l}`)!, mlp.config.bnEpsilon);
            row.bn_mean_gap = gaps.meanGap;
            row.bn_var_ratio = gaps.varRatio;
          } else {
            row.bn_mean_gap = NaN;
            row.bn_var_ratio = NaN;
          }
          const gs = moments(gamma);
          const bs = moments(beta);
          row.gamma_mean = gs.mean;
          row.gamma_std = gs.std;
          row.beta_mean = bs.mean;
          row.beta_std = bs.std;
        }
      }
      const bnInput = values.get(`bn_in${l}`);
      const noiseRows = this.noiseRows();
      const noise = bnInput ? bnNoise(bnInput, noiseRows, bnInput.length / noiseRows, this.batchSize) : undefined;
      if (noise) {
        row.bn_noise_mean = noise.mean;
        row.bn_noise_var = noise.variance;
        row.bn_noise_pred = this.noisePrediction();
        this.noise.push(noise.mean);
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
    const drift = (gi: number, key: 'normRange' | 'normTV'): number => {
      const probes = this.paths[gi] ?? [];
      const units = probes[0]?.q50.length ?? 0;
      const perUnit = Array.from({ length: units }, (_, u) =>
        unitDrift(probes.map((p) => ({ q15: p.q15[u]!, q50: p.q50[u]!, q85: p.q85[u]! })))[key],
      );
      return meanMedian(perUnit.filter(Number.isFinite)).mean;
    };
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

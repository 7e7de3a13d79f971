import { z } from 'zod';

/**
 * The experiment schema: the single source of truth for config keys, types and defaults.
 * Every object is strict (unknown keys are errors, with a "did you mean" added by the loader).
 */

const posInt = z.number().int().positive();
const nonNegInt = z.number().int().nonnegative();
const prob = z.number().min(0).max(1);

/** Input distribution of the synthetic features (per feature, i.i.d. unless `correlation` is set). */
export const InputSchema = z
  .strictObject({
    distribution: z.enum(['gaussian', 'uniform', 'laplace', 'lognormal']).default('gaussian'),
    // Location and scale of each feature: gaussian N(mean, scale^2); uniform on mean +- scale*sqrt(3)
    // (so the std is `scale`); laplace with std `scale`; lognormal exp(N(0, sigma^2)) standardized to
    // mean `mean`, std `scale` (shape controlled by `sigma`).
    mean: z.number().default(0),
    scale: z.number().positive().default(1),
    sigma: z.number().positive().default(0.5),
    // Equicorrelation between features (gaussian only): cov = scale^2 ((1-rho) I + rho 11^T).
    correlation: z.number().min(0).lt(1).default(0),
  })
  .prefault({});

/** A random MLP that labels inputs; shared by the train, test and shifted sets of a run. */
export const TeacherSchema = z
  .strictObject({
    depth: nonNegInt.default(2),
    width: posInt.default(32),
    activation: z.enum(['relu', 'tanh', 'sigmoid', 'linear']).default('tanh'),
  })
  .prefault({});

/** A shift applied to the extra evaluation set `shifted`. */
export const ShiftSchema = z.strictObject({
  // mean: every feature's mean moves by `amount` (in units of the input std);
  // scale: every feature's std is multiplied by (1 + amount);
  // shape: same per-feature mean and variance, different shape (blend towards a skewed, heavy-tailed
  //   distribution with weight `amount` in [0, 1]).
  kind: z.enum(['mean', 'scale', 'shape']),
  amount: z.number(),
  // true: the teacher labels the shifted inputs (true covariate shift); false: labels carried over.
  relabel: z.boolean().default(true),
});

export const DataSchema = z
  .strictObject({
    kind: z.literal('synthetic').default('synthetic'),
    features: posInt.default(20),
    classes: z.number().int().min(2).default(2),
    trainSize: posInt.default(2000),
    testSize: posInt.default(1000),
    input: InputSchema,
    teacher: TeacherSchema,
    labelNoise: prob.default(0),
    shift: ShiftSchema.optional(),
    // Fixed data seed shared by every run; when absent the run's seed also draws the data.
    seed: z.number().int().optional(),
  })
  .prefault({});

/**
 * Batch Renormalization (Ioffe 2017, SCIENCE.md 4.2): r = clip(σ_B/σ, 1/rMax, rMax) and
 * d = clip((μ_B − μ)/σ, ±dMax) against the moving statistics, both without gradient. The limits are
 * 1 and 0 for `warmupSteps` steps, then move linearly to rMax and dMax over `rampSteps` steps.
 */
export const RenormSchema = z.strictObject({
  rMax: z.number().min(1).default(3),
  dMax: z.number().min(0).default(5),
  warmupSteps: nonNegInt.default(200),
  rampSteps: nonNegInt.default(1000),
});

/**
 * Noisy BN (Santurkar et al. 2018 Sec. 2.1, SCIENCE.md 2.2), training only: per layer and step
 * μ_t ~ U(±nMu), σ_t ~ U(1, nSigma); per element m ~ U(μ_t ± meanSpread), s ~ N(σ_t, scaleStd²);
 * a <- s·a + m after each BN (on the pre-activation without BN). perUnit draws μ_t, σ_t per unit.
 */
export const NoisySchema = z.strictObject({
  nMu: z.number().min(0).default(0.5),
  nSigma: z.number().min(1).default(1.25),
  meanSpread: z.number().min(0).default(0.1),
  scaleStd: z.number().min(0).default(0.1),
  perUnit: z.boolean().default(false),
});

export const ModelSchema = z
  .strictObject({
    depth: z.number().int().min(1).default(2), // hidden layers
    width: posInt.default(64),
    activation: z.enum(['relu', 'tanh', 'sigmoid', 'linear']).default('relu'),
    // he: N(0, 2/fan_in); glorot: U(+-sqrt(6/(fan_in+fan_out))); normal: N(0, initScale^2).
    init: z.enum(['he', 'glorot', 'normal']).default('he'),
    // Std of `normal`; a gain multiplying the std of `he` and `glorot`.
    initScale: z.number().positive().optional(),
    batchNorm: z.enum(['off', 'before', 'after']).default('off'),
    bnMomentum: z.number().gt(0).lt(1).default(0.99), // tfjs/Keras convention: moving <- m*moving + (1-m)*batch
    bnEpsilon: z.number().positive().default(1e-3),
    dropout: z.number().min(0).lt(1).default(0),
    // BN variants (README "BN variants"). beta / gamma of every BN layer trained (true) or fixed at 0 / 1.
    bnCenter: z.boolean().default(true),
    bnScale: z.boolean().default(true),
    // What the optimizer trains; the rest stays at its initial value (Frankle et al. 2021).
    trainOnly: z.enum(['all', 'bn', 'bn+output', 'output']).default('all'),
    inputBatchNorm: z.boolean().default(false), // a BN layer on the raw inputs
    ghostBatchSize: z.number().int().min(2).optional(), // BN statistics per chunk of this many rows (Hoffer et al.)
    batchRenorm: z.union([z.boolean(), RenormSchema]).default(false), // true = the defaults of RenormSchema
    noisyBN: z.union([z.boolean(), NoisySchema]).default(false), // true = Santurkar et al.'s parameters
  })
  .prefault({});

export const TargetSchema = z.strictObject({
  metric: z.enum(['test_acc', 'train_acc', 'train_loss', 'test_loss']),
  value: z.number(),
});

export const TrainSchema = z
  .strictObject({
    optimizer: z.enum(['sgd', 'momentum', 'adam']).default('sgd'),
    learningRate: z.number().positive().default(0.05),
    momentum: z.number().min(0).lt(1).default(0.9), // for optimizer: momentum
    batchSize: posInt.default(64),
    epochs: posInt.optional(),
    steps: posInt.optional(),
    evalEvery: posInt.default(50),
    // Train metrics are measured in inference mode on the first `evalTrainSize` training examples.
    evalTrainSize: posInt.default(2000),
    target: z.union([TargetSchema, z.array(TargetSchema).min(1)]).optional(),
    // Diverged when a loss is NaN/Inf or exceeds divergeFactor * max(1, first evaluated train loss).
    divergeFactor: z.number().gt(1).default(20),
  })
  .prefault({});

/** Per-layer probes (layers.csv); the expensive ones (ICS, landscape) are off unless given a period. */
export const ProbesSchema = z.strictObject({
  every: posInt, // steps between probes of the layer distributions and training signals
  // The fixed probe set: the first `size` examples of the test or the training set; `batch` probes each
  // probed step's own training batch instead (cheapest: no extra forward pass; no BN-noise measure).
  set: z.enum(['test', 'train', 'batch']).default('test'),
  size: posInt.default(512),
  // Units recorded one by one (per layer) for Ioffe & Szegedy Fig. 1(b,c)-style percentile paths.
  units: z.array(nonNegInt).default([0, 1, 2]),
  distribution: z.boolean().default(true),
  training: z.boolean().default(true),
  // Probes before this step are left out of the drift summaries in runs.csv.
  burnIn: nonNegInt.default(0),
  icsEvery: nonNegInt.default(0), // Santurkar Def. 2.1 gradient ICS; 0 = off
  landscapeEvery: nonNegInt.default(0), // Santurkar Sec. 3.1 landscape probes; 0 = off
  landscapeSteps: z.array(z.number().positive()).min(1).default([0.5, 1, 2, 4]), // x learning rate
});

/** An inference mode: how BN layers normalize at evaluation (README "Inference modes"). */
export const EvalModeSchema = z.union([
  z.enum(['moving', 'population', 'adabn']),
  // BN with the statistics of test batches of `batch` rows, i.i.d. (a seeded shuffle) or class-sorted.
  z.strictObject({ batch: posInt, order: z.enum(['iid', 'sorted']).default('iid') }),
]);

/** Inference modes evaluated besides the default `moving` (extra column sets; not part of the run id). */
export const EvalSchema = z.strictObject({
  modes: z.array(EvalModeSchema).min(1).default(['moving']),
  // true: every mode at every evaluation (curves.csv); false: extra modes at the final evaluation only.
  curves: z.boolean().default(true),
  // population: training batches averaged (Ioffe Alg. 2); default one pass over the training set.
  populationBatches: posInt.optional(),
  adabnBatch: posInt.default(64), // rows per update of AdaBN's online mean/variance merge
  adabnSamples: posInt.optional(), // AdaBN estimates on the first N rows of each set (default: all)
});

const SweepValue = z.union([z.number(), z.string(), z.boolean(), z.null(), z.record(z.string(), z.unknown())]);

export const ExperimentSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9._-]+$/, 'a name made of letters, digits, ".", "_" or "-"'),
  description: z.string().default(''),
  question: z.string().optional(),
  seeds: z.union([z.array(z.number().int()).min(1), posInt]).default(1),
  data: DataSchema,
  model: ModelSchema,
  train: TrainSchema,
  probes: ProbesSchema.optional(),
  eval: EvalSchema.optional(),
  sweep: z.record(z.string(), z.array(SweepValue).min(1)).default({}),
});

/** An experiment as written (after defaults), before the sweep is expanded. */
export type ExperimentConfig = z.infer<typeof ExperimentSchema>;
export type DataConfig = z.infer<typeof DataSchema>;
export type ModelConfig = z.infer<typeof ModelSchema>;
export type TrainConfig = z.infer<typeof TrainSchema>;
export type TargetConfig = z.infer<typeof TargetSchema>;
export type ShiftConfig = z.infer<typeof ShiftSchema>;
export type ProbesConfig = z.infer<typeof ProbesSchema>;
export type RenormConfig = z.infer<typeof RenormSchema>;
export type NoisyConfig = z.infer<typeof NoisySchema>;
export type EvalConfig = z.infer<typeof EvalSchema>;
export type EvalMode = z.infer<typeof EvalModeSchema>;

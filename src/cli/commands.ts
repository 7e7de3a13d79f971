import { Command, Option } from 'commander';
import { createRequire } from 'node:module';
import { BACKENDS } from '../backends.js';

const pkg = createRequire(import.meta.url)('../../package.json') as { version: string };

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** Declares the commands and flags; each action lazy-imports its command module. */
export function buildProgram(): Command {
  const program = new Command()
    .name('bn-exp')
    .description('Measure what batch normalization does: declarative experiments on TensorFlow.js, results as CSV.')
    .version(pkg.version)
    .exitOverride()
    .showHelpAfterError('(run bn-exp --help for usage)');

  program
    .command('run')
    .description('run every run of an experiment config and write manifest.json, runs.csv and curves.csv')
    .argument('<config>', 'experiment file (YAML or JSON)')
    .option('-o, --out <dir>', 'results folder (default: results/<name>)')
    .option('-s, --set <path=value>', 'override a config value, e.g. train.epochs=5 or "model.depth=[2,4]" (repeatable)', collect, [])
    .addOption(new Option('-b, --backend <name>', 'TensorFlow.js backend').choices(BACKENDS).default('auto'))
    .option('-f, --force', 'replace an existing result set in the output folder', false)
    .option('-q, --quiet', 'no progress lines; only the final summary', false)
    .action(async (config: string, opts: { out?: string; set: string[]; backend: (typeof BACKENDS)[number]; force: boolean; quiet: boolean }) => {
      const { runCommand } = await import('./run.js');
      await runCommand(config, opts);
    });

  program
    .command('validate')
    .description('check an experiment config and print its run count, without training')
    .argument('<config>', 'experiment file (YAML or JSON)')
    .option('-s, --set <path=value>', 'override a config value (repeatable)', collect, [])
    .action(async (config: string, opts: { set: string[] }) => {
      const { validateCommand } = await import('./validate.js');
      await validateCommand(config, opts);
    });

  program
    .command('identity')
    .description("train the config's first BN run, then show BN(x) = x with gamma = sqrt(var_B + eps), beta = mu_B, and that a batch of one gives every input the same output")
    .argument('<config>', 'experiment file (YAML or JSON)')
    .option('-s, --set <path=value>', 'override a config value (repeatable)', collect, [])
    .addOption(new Option('-b, --backend <name>', 'TensorFlow.js backend').choices(BACKENDS).default('auto'))
    .action(async (config: string, opts: { set: string[]; backend: (typeof BACKENDS)[number] }) => {
      const { identityCommand } = await import('./identity.js');
      await identityCommand(config, opts);
    });

  return program;
}

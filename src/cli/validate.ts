import { readExperiment } from '../config/load.js';
import { expandPlan } from '../config/expand.js';

/** `bn-exp validate`: load and expand the config; print the run count or throw a ConfigError. */
export async function validateCommand(configPath: string, opts: { set: string[] }): Promise<void> {
  const plan = expandPlan(await readExperiment(configPath, opts.set));
  console.log(
    `${configPath}: valid. ${plan.runs.length} runs = ${plan.axes.length === 0 ? '1 cell' : plan.axes.join(' x ')} x ${plan.seeds.length} seeds`,
  );
}

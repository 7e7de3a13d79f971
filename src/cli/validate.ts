import { readExperiment } from '../config/load.js';
import { expandPlan } from '../plan/expand.js';
import { openData } from '../data/load.js';
import { checkClaimMetrics } from './claims.js';

/** `bn-exp validate`: load and expand the config, check its data files; print the run count or throw a ConfigError. */
export async function validateCommand(configPath: string, opts: { set: string[] }): Promise<void> {
  const config = await readExperiment(configPath, opts.set);
  checkClaimMetrics(config, configPath);
  const plan = expandPlan(config);
  await openData(plan, configPath); // csv and mnist: read and check the data files too
  console.log(
    `${configPath}: valid. ${plan.runs.length} runs = ${plan.axes.length === 0 ? '1 cell' : plan.axes.join(' x ')} x ${plan.seeds.length} seeds`,
  );
}

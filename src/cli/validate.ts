import { readExperiment } from '../config/load.js';
import { expandPlan } from '../plan/expand.js';
import { openData } from '../data/load.js';
import { plural } from '../report/format.js';
import { checkClaimMetrics } from './claims.js';

/**
 * `bn-exp validate <configs...>`: load and expand each config, check its data files; print its run count,
 * or throw the first file's ConfigError (one process checks many files: start-up is paid once).
 */
export async function validateCommand(configPaths: string | string[], opts: { set: string[] }): Promise<void> {
  for (const configPath of [configPaths].flat()) {
    const config = await readExperiment(configPath, opts.set);
    checkClaimMetrics(config, configPath);
    const plan = expandPlan(config);
    await openData(plan, configPath); // csv and mnist: read and check the data files too
    const cells = plan.axes.length === 0 ? '1 cell' : plan.axes.join(' x ');
    console.log(`${configPath}: valid. ${plural(plan.runs.length, 'run')} = ${cells} x ${plural(plan.seeds.length, 'seed')}`);
  }
}

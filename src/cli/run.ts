import path from 'node:path';
import type { BackendChoice } from '../backends.js';
import { readExperiment } from '../config/load.js';
import { expandPlan, totalSteps } from '../config/expand.js';
import { targetsOf } from '../analysis/convergence.js';
import { modeSplits } from '../config/eval-modes.js';
import { curveRows, curvesColumns, runRow, runsColumns } from '../analysis/rows.js';
import { openResults, ResultsWriter, writeManifestAtomic } from '../io/results.js';
import { writeProbeRows } from './probe-rows.js';
import type { Plan, RunResult, RunSpec } from '../types.js';
import { buildManifest } from './manifest.js';
import { Progress } from './progress.js';
import { printSummary } from './summary.js';

export interface RunOptions {
  out?: string;
  set: string[];
  backend: BackendChoice;
  force: boolean;
  quiet: boolean;
}

/** Names of the extra evaluation sets the plan's runs produce (e.g. `shifted`), then `<set>@<mode>` per inference mode. */
export function extraSplitsOf(plan: Plan): string[] {
  const sets = plan.runs.some((r) => r.data.shift) ? ['shifted'] : [];
  return [...sets, ...modeSplits(plan.config.eval, ['train', 'test', ...sets])];
}

/** `bn-exp run`: load -> expand -> for each run generate data, train, append its rows -> summary. */
export async function runCommand(configPath: string, opts: RunOptions): Promise<void> {
  const config = await readExperiment(configPath, opts.set);
  const plan = expandPlan(config);
  const outDir = opts.out ?? path.join('results', config.name);
  openResults(outDir, { overwrite: opts.force });

  // tfjs loads only here, so validate/plan stay fast.
  const { selectBackend } = await import('../train/backend.js');
  const { trainRun } = await import('../train/loop.js');
  const { generateDataset } = await import('../data/synthetic.js');
  const backend = await selectBackend(opts.backend);

  const targets = targetsOf(plan.config.train.target);
  const extra = extraSplitsOf(plan);
  const manifest = await buildManifest(plan, { backend, configPath, argv: process.argv.slice(2) });
  writeManifestAtomic(outDir, manifest);
  const writer = new ResultsWriter(outDir, runsColumns(plan, targets, extra), curvesColumns(extra));

  const stepsOf = plan.runs.map((r: RunSpec) => totalSteps(r.train, r.data.trainSize));
  const progress = new Progress(plan, stepsOf, { quiet: opts.quiet, backend });
  const results: RunResult[] = [];
  for (const spec of plan.runs) {
    progress.start(spec);
    let result: RunResult;
    const t0 = performance.now();
    try {
      const data = generateDataset(spec.data, spec.seed);
      result = await trainRun(spec, data, { onEval: (rec, total) => progress.update(spec, rec, total) });
    } catch (err) {
      // One broken run is data too: record it and go on with the sweep.
      const message = err instanceof Error ? err.message : String(err);
      result = { spec, status: 'failed', steps: 0, curve: [], error: message, wallSeconds: (performance.now() - t0) / 1000 };
    }
    writeProbeRows(writer, plan, result);
    writer.appendRun(curveRows(result, extra), runRow(result, plan, targets, extra));
    results.push(result);
    progress.finish(spec, result);
  }
  writeManifestAtomic(outDir, { ...manifest, finishedAt: new Date().toISOString() });
  printSummary(plan, results, targets, outDir);
  if (results.every((r) => r.status === 'failed')) process.exitCode = 1;
}

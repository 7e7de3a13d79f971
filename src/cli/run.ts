import path from 'node:path';
import type { BackendChoice } from '../backends.js';
import { readExperiment } from '../config/load.js';
import { expandPlan, totalSteps } from '../config/expand.js';
import { targetsOf } from '../analysis/convergence.js';
import { curveRows, curvesColumns, runRow, runsColumns } from '../analysis/rows.js';
import { openData, type MeasuredShift } from '../data/load.js';
import { extraSplitNames, SHIFT_FEATURES_COLUMNS, shiftFeatureRows, shiftManifest, shiftRows, SHIFTS_COLUMNS } from '../data/shift-rows.js';
import { openResults, ResultsWriter, SHIFT_FEATURES_CSV, SHIFTS_CSV, writeManifestAtomic } from '../io/results.js';
import { probeFiles, probeRows } from './probe-rows.js';
import type { Plan, RunResult, RunSpec } from '../types.js';
import { buildManifest } from './manifest.js';
import { Progress } from './progress.js';
import { printSummary } from './summary.js';
import { writeSummaries } from './summarize.js';

export interface RunOptions {
  out?: string;
  set: string[];
  backend: BackendChoice;
  force: boolean;
  quiet: boolean;
  /** Write the report at the end (commander's --no-report sets false). */
  report?: boolean;
}

/** Names of the extra evaluation sets the plan's runs produce (one per shift name, e.g. `shifted`). */
export function extraSplitsOf(plan: Plan): string[] {
  return extraSplitNames(plan.runs.map((r) => r.data));
}

/** `bn-exp run`: load -> expand -> for each run generate data, train, append its rows -> summary. */
export async function runCommand(configPath: string, opts: RunOptions): Promise<void> {
  const config = await readExperiment(configPath, opts.set);
  const plan = expandPlan(config);
  // Data files are read and checked before the results folder is touched (a bad CSV is a config error).
  const store = await openData(plan, configPath);
  const outDir = opts.out ?? path.join('results', config.name);
  openResults(outDir, { overwrite: opts.force });

  // tfjs loads only here, so validate/plan stay fast.
  const { selectBackend } = await import('../train/backend.js');
  const { trainRun } = await import('../train/loop.js');
  const backend = await selectBackend(opts.backend);

  const targets = targetsOf(plan.config.train.target);
  const extra = extraSplitsOf(plan);
  const datas = plan.runs.map((r) => r.data);
  const manifest = { ...(await buildManifest(plan, { backend, configPath, argv: process.argv.slice(2) })), shifts: shiftManifest(datas, []) };
  writeManifestAtomic(outDir, manifest);
  const shiftFiles = { [SHIFTS_CSV]: SHIFTS_COLUMNS, [SHIFT_FEATURES_CSV]: SHIFT_FEATURES_COLUMNS };
  const writer = new ResultsWriter(outDir, runsColumns(plan, targets, extra), curvesColumns(extra), { ...shiftFiles, ...probeFiles(plan) });
  const measured: MeasuredShift[][] = [];

  const stepsOf = plan.runs.map((r: RunSpec) => totalSteps(r.train, store.trainSize(r)));
  const progress = new Progress(plan, stepsOf, { quiet: opts.quiet, backend });
  const results: RunResult[] = [];
  for (const spec of plan.runs) {
    progress.start(spec);
    let result: RunResult;
    let measures: MeasuredShift[] = [];
    const t0 = performance.now();
    try {
      measures = store.measures(spec);
      result = await trainRun(spec, store.build(spec).dataset, { onEval: (rec, total) => progress.update(spec, rec, total) });
    } catch (err) {
      // One broken run is data too: record it and go on with the sweep.
      const message = err instanceof Error ? err.message : String(err);
      result = { spec, status: 'failed', steps: 0, curve: [], error: message, wallSeconds: (performance.now() - t0) / 1000 };
    }
    const shiftCsvs = { [SHIFTS_CSV]: shiftRows(spec.id, measures), [SHIFT_FEATURES_CSV]: shiftFeatureRows(spec.id, measures) };
    writer.appendRun(curveRows(result, extra), runRow(result, plan, targets, extra), { ...shiftCsvs, ...probeRows(plan, result) });
    measured.push(measures);
    results.push(result);
    progress.finish(spec, result);
  }
  writeManifestAtomic(outDir, { ...manifest, shifts: shiftManifest(datas, measured), finishedAt: new Date().toISOString() });
  writeSummaries(outDir);
  printSummary(plan, results, targets, outDir);
  if (opts.report !== false) await (await import('./report.js')).reportAfterRun(outDir);
  if (results.every((r) => r.status === 'failed')) process.exitCode = 1;
}

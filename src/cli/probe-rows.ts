import { LANDSCAPE_COLUMNS, layersColumns } from '../analysis/probe-columns.js';
import { LANDSCAPE_CSV, LAYERS_CSV, type ResultsWriter } from '../io/results.js';
import type { Plan, RunResult } from '../types.js';

/** Appends a run's layers.csv and landscape.csv rows (when the plan has probes) before its runs.csv row. */
export function writeProbeRows(writer: ResultsWriter, plan: Plan, result: RunResult): void {
  const probes = plan.config.probes;
  if (!probes) return;
  writer.appendPerRun(LAYERS_CSV, layersColumns(probes.units), result.layers ?? []);
  if (probes.landscapeEvery > 0) writer.appendPerRun(LANDSCAPE_CSV, LANDSCAPE_COLUMNS, result.landscape ?? []);
}

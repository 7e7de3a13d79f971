import { LANDSCAPE_COLUMNS, layersColumns } from './probe-columns.js';
import type { CsvValue } from './csv.js';
import { LANDSCAPE_CSV, LAYERS_CSV } from './results.js';
import type { Plan, RunResult } from '../types.js';

/** The probe files of a plan (layers.csv, and landscape.csv when landscape probes are on) with their columns. */
export function probeFiles(plan: Plan): Record<string, readonly string[]> {
  const probes = plan.config.probes;
  if (!probes) return {};
  const files: Record<string, readonly string[]> = { [LAYERS_CSV]: layersColumns(probes.units) };
  if (probes.landscapeEvery > 0) files[LANDSCAPE_CSV] = LANDSCAPE_COLUMNS;
  return files;
}

/** A run's rows of each probe file, keyed like `probeFiles`. */
export function probeRows(plan: Plan, result: RunResult): Record<string, Record<string, CsvValue>[]> {
  const files = probeFiles(plan);
  const rows: Record<string, Record<string, CsvValue>[]> = {};
  if (LAYERS_CSV in files) rows[LAYERS_CSV] = result.layers ?? [];
  if (LANDSCAPE_CSV in files) rows[LANDSCAPE_CSV] = result.landscape ?? [];
  return rows;
}

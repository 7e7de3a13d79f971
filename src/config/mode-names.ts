import type { EvalConfig, EvalMode } from './schema.js';

/*
 * Names of the inference modes. A mode's metrics are stored under the split name `<split>@<mode>`
 * (e.g. `test@population`); record/columns.ts turns them into CSV column names.
 */

/** The label of a mode in column names: moving, population, adabn, batch<k>-iid, batch<k>-sorted. */
export function modeLabel(mode: EvalMode): string {
  return typeof mode === 'string' ? mode : `batch${mode.batch}-${mode.order}`;
}

/** The modes evaluated besides `moving` (whose metrics are the plain columns), once each, in config order. */
export function extraModes(cfg: EvalConfig | undefined): EvalMode[] {
  const seen = new Set<string>(['moving']);
  return (cfg?.modes ?? []).filter((m) => {
    const label = modeLabel(m);
    if (seen.has(label)) return false;
    seen.add(label);
    return true;
  });
}

/** The `<split>@<mode>` names of the extra modes' metrics, mode-major, for the given evaluation splits. */
export function modeSplits(cfg: EvalConfig | undefined, splits: readonly string[]): string[] {
  return extraModes(cfg).flatMap((m) => splits.map((s) => `${s}@${modeLabel(m)}`));
}

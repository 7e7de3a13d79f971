// The contrast a config names for its headlines (`report.contrast` in the resolved config of manifest.json):
// levels of one axis, B against A, or an interaction (that contrast's change between two levels of a
// `by` axis). Read defensively: a result set is data, so anything malformed means "not named". Pure.

/** Two levels of one swept axis, as runs.csv writes them: B (second) is compared against A (first). */
export interface LevelPair {
  axis: string;
  a: string;
  b: string;
}

/** `report.contrast`: the `of` contrast, and for an interaction the `by` levels it is compared between. */
export interface NamedContrast {
  of: LevelPair;
  by?: LevelPair;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `{ axis: [a, b] }` as a LevelPair (levels as runs.csv text); undefined unless it is exactly that. */
function pairOf(v: unknown): LevelPair | undefined {
  if (!isRecord(v)) return undefined;
  const entries = Object.entries(v);
  if (entries.length !== 1) return undefined;
  const [axis, levels] = entries[0]!;
  if (!Array.isArray(levels) || levels.length !== 2 || levels.some((l) => isRecord(l) || Array.isArray(l) || l === null)) return undefined;
  return { axis, a: String(levels[0]), b: String(levels[1]) };
}

/** The contrast named by `report.contrast` in a resolved config, or undefined when none (or none readable) is named. */
export function namedContrast(config: Record<string, unknown> | undefined): NamedContrast | undefined {
  const report = config?.report;
  const contrast = isRecord(report) ? report.contrast : undefined;
  if (!isRecord(contrast)) return undefined;
  const keys = Object.keys(contrast);
  if (keys.length === 2 && keys.includes('of') && keys.includes('by')) {
    const of = pairOf(contrast.of);
    const by = pairOf(contrast.by);
    return of && by ? { of, by } : undefined;
  }
  const of = pairOf(contrast);
  return of ? { of } : undefined;
}

import { UsageError } from '../errors.js';

/** What `--resume` and `merge` need from a manifest.json: the experiment's identity, backend and shard. */
export interface ManifestInfo {
  name: string;
  /** Swept dotted paths (the runs.csv parameter columns). */
  axes: string[];
  /** The whole run list of the experiment (every shard's manifest holds all of it), in run-list order. */
  runs: { id: string; index: number }[];
  backend: string;
  /** The shard this folder holds, null for the whole run list. */
  shard: { index: number; count: number } | null;
  /** SHA-256 of each csv data file's content by data.path (absent in older folders and for synthetic data). */
  dataFiles?: Record<string, string>;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Check the fields of a parsed manifest.json (pure); `where` names it in errors. */
export function parseManifestInfo(json: unknown, where: string): ManifestInfo {
  const bad = (what: string): never => {
    throw new UsageError(`${where}: not a bn-exp manifest (${what})`);
  };
  if (!isObject(json)) return bad('not a JSON object');
  const { name, axes, runs, backend, shard } = json;
  if (typeof name !== 'string') bad('no "name"');
  if (!Array.isArray(axes) || !axes.every((a) => typeof a === 'string')) bad('no "axes" list');
  if (!Array.isArray(runs) || !runs.every((r) => isObject(r) && typeof r.id === 'string' && typeof r.index === 'number')) {
    bad('no "runs" list of {id, index}');
  }
  let parsedShard: ManifestInfo['shard'] = null;
  if (isObject(shard)) {
    if (typeof shard.index !== 'number' || typeof shard.count !== 'number') bad('"shard" without index and count');
    parsedShard = { index: shard.index as number, count: shard.count as number };
  }
  return {
    name: name as string,
    axes: axes as string[],
    runs: (runs as { id: string; index: number }[]).map(({ id, index }) => ({ id, index })),
    backend: typeof backend === 'string' ? backend : 'unknown',
    shard: parsedShard,
    ...(isObject(json.dataFiles) ? { dataFiles: json.dataFiles as Record<string, string> } : {}),
  };
}

/** Why two folders were trained on different data file contents, or undefined (pure; folders without hashes are not compared). */
export function dataMismatch(a: Pick<ManifestInfo, 'dataFiles'>, b: Pick<ManifestInfo, 'dataFiles'>): string | undefined {
  if (a.dataFiles === undefined || b.dataFiles === undefined) return undefined;
  const paths = [...new Set([...Object.keys(a.dataFiles), ...Object.keys(b.dataFiles)])].sort();
  const differ = paths.filter((p) => a.dataFiles![p] !== b.dataFiles![p]);
  return differ.length === 0 ? undefined : `the content of ${differ.join(', ')} differs (sha256 ${differ.map((p) => `${a.dataFiles![p]?.slice(0, 12) ?? 'none'} vs ${b.dataFiles![p]?.slice(0, 12) ?? 'none'}`).join(', ')})`;
}


/**
 * Why two manifests do not describe the same experiment, or undefined when they do (pure): same name,
 * same swept axes and the same ordered run ids (each id hashes a run's resolved config and seed).
 */
export function experimentMismatch(a: Omit<ManifestInfo, 'backend' | 'shard'>, b: Omit<ManifestInfo, 'backend' | 'shard'>): string | undefined {
  if (a.name !== b.name) return `experiment name "${a.name}" vs "${b.name}"`;
  if (a.axes.join('\n') !== b.axes.join('\n')) return `swept axes [${a.axes.join(', ')}] vs [${b.axes.join(', ')}]`;
  if (a.runs.length !== b.runs.length) return `${a.runs.length} vs ${b.runs.length} runs`;
  const differ = a.runs.filter((r, i) => r.id !== b.runs[i]?.id).length;
  if (differ > 0) return `${differ} of ${a.runs.length} run ids differ (a changed config value, seed list or bn-exp version?)`;
  return undefined;
}

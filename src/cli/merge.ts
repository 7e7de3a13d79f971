import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors.js';
import { plural } from '../report/format.js';
import { splitCsv } from '../record/csv-records.js';
import { parseManifestInfo } from '../record/manifest-info.js';
import { LOCK, lockFolder } from '../record/lock.js';
import { checkShard, mergedText, type MergePlan, planMerge, type ShardFolder } from '../record/merge.js';
import { CURVES_CSV, openResults, readManifest, RUNS_CSV, writeFileAtomic, writeManifestAtomic } from '../record/results.js';
import { runKeyedCsvs } from '../record/run-order.js';
import { formatClaims, writeClaims } from './claims.js';
import { writeSummaries } from './summarize.js';

/** Flags of `bn-exp merge`. */
export interface MergeOptions {
  out: string;
  force: boolean;
  allowMissing: boolean;
  /** Write the report at the end, as `run` does (commander's --no-report sets false). */
  report?: boolean;
}

function readFolder(dir: string): { folder: ShardFolder; manifest: Record<string, unknown> } {
  if (!existsSync(dir)) throw new UsageError(`${dir}: no such folder`);
  const manifest = readManifest(dir);
  if (manifest === undefined) throw new UsageError(`${dir}: no manifest.json (not a bn-exp result set)`);
  const info = parseManifestInfo(manifest, path.join(dir, 'manifest.json'));
  if (existsSync(path.join(dir, LOCK))) console.error(`warning: ${dir} is still being written by a bn-exp run; merging the runs it has committed so far`);
  const finished = typeof (manifest as Record<string, unknown>).finishedAt === 'string';
  for (const name of [RUNS_CSV, CURVES_CSV]) {
    if (existsSync(path.join(dir, name)) && readFileSync(path.join(dir, name), 'utf8') === '') {
      throw new UsageError(`${path.join(dir, name)}: empty (not even a header line); the folder is damaged, so it cannot be merged`);
    }
  }
  const files = new Map(
    runKeyedCsvs(dir).map((name) => {
      const file = path.join(dir, name);
      const text = readFileSync(file, 'utf8');
      // A hard kill can leave a torn last line; it belongs to a run that never committed. A finished folder has none.
      const whole = text.endsWith('\n') ? text : text.slice(0, text.lastIndexOf('\n') + 1);
      if (whole !== text && finished) throw new UsageError(`${file}: cut off (its last line has no line end) although the run finished; the folder is damaged`);
      return [name, splitCsv(whole, file)] as const;
    }),
  );
  const folder = { dir, info, files };
  checkShard(folder, finished);
  return { folder, manifest: manifest as Record<string, unknown> };
}

const when = (m: Record<string, unknown>, key: string): string | null => (typeof m[key] === 'string' ? (m[key] as string) : null);

/** `bn-exp merge <dirs...> --out <dir>`: check the shards, report missing and duplicate runs, write the merged set. */
export async function mergeCommand(dirs: string[], opts: MergeOptions): Promise<void> {
  const read = dirs.map(readFolder);
  const folders = read.map((r) => r.folder);
  const plan = planMerge(folders);
  for (const w of plan.warnings) console.error(`warning: ${w}`);

  const name = folders[0]!.info.name;
  console.log(`${name}: ${plural(folders.length, 'folder')}, ${plan.source.size} of ${plural(plan.runs.length, 'run')} found`);
  for (const f of read) {
    const s = f.folder.info.shard;
    const committed = f.folder.files.get('runs.csv')?.records.length ?? 0;
    console.log(`  ${f.folder.dir}: ${s ? `shard ${s.index}/${s.count}` : 'all runs'}, ${committed} runs, backend ${f.folder.info.backend}`);
  }
  for (const d of plan.duplicates) console.log(`  duplicate (identical, kept once): run ${d.index + 1} ${d.id} in ${d.dirs.join(', ')}`);
  if (plan.missing.length > 0) {
    const shown = plan.missing.slice(0, 20).map((r) => `  missing: run ${r.index + 1} ${r.id}`);
    if (plan.missing.length > 20) shown.push(`  ... and ${plan.missing.length - 20} more`);
    console.log(shown.join('\n'));
    if (!opts.allowMissing) {
      throw new UsageError(
        `${plan.missing.length} of ${plan.runs.length} runs are in none of the folders (a shard missing, failed or interrupted?). ` +
          `Finish them (bn-exp run ... --shard i/n --resume), or pass --allow-missing to merge what there is.`,
      );
    }
  }

  const release = lockFolder(opts.out);
  try {
    openResults(opts.out, { overwrite: opts.force });
    writeMerged(read, plan, opts.out);
  } finally {
    release();
  }
  console.log(`merged ${plural(plan.source.size, 'run')} into ${opts.out} (${plan.files.join(', ')}, manifest.json)`);
  // Finish what run finishes (summaries, claims.csv, report): the shards skipped these (a per-shard
  // report would be partial). An empty set (only empty shards so far) has nothing to summarize, as in run.
  if (plan.source.size === 0) return;
  const { summary, curves } = writeSummaries(opts.out);
  console.log(`wrote ${summary} and ${curves}`);
  // the claims as run checks them: the whole set's verdicts (a shard's alone would be partial)
  const claimed = writeClaims(opts.out);
  if (claimed.length > 0) process.stdout.write(formatClaims(claimed));
  if (opts.report !== false) await (await import('./report.js')).reportAfterRun(opts.out);
}

/** Write the merged files, then the manifest (the folders it came from, missing runs). */
function writeMerged(read: { folder: ShardFolder; manifest: Record<string, unknown> }[], plan: MergePlan, out: string): void {
  const folders = read.map((r) => r.folder);
  const manifests = read.map((r) => r.manifest);
  const starts = manifests.map((m) => when(m, 'startedAt')).filter((t): t is string => t !== null).sort();
  const ends = manifests.map((m) => when(m, 'finishedAt'));
  const backends = [...new Set(folders.map((f) => f.info.backend))];
  for (const file of plan.files) writeFileAtomic(path.join(out, file), mergedText(folders, plan, file));
  writeManifestAtomic(out, {
    ...manifests[0],
    command: ['bn-exp', ...process.argv.slice(2)].join(' '),
    shard: null,
    backend: backends.length === 1 ? backends[0] : backends.join('+'),
    startedAt: starts[0] ?? null,
    finishedAt: ends.every((t) => t !== null) ? ([...ends].sort().at(-1) ?? null) : null,
    missingRuns: plan.missing.map((r) => r.id),
    mergedFrom: read.map(({ folder, manifest }) => ({
      dir: folder.dir,
      shard: folder.info.shard,
      runs: folder.files.get('runs.csv')?.records.length ?? 0,
      backend: folder.info.backend,
      host: (manifest.platform as { host?: string } | undefined)?.host ?? null,
      gitRevision: manifest.gitRevision ?? null,
      startedAt: when(manifest, 'startedAt'),
      finishedAt: when(manifest, 'finishedAt'),
    })),
  });
}

import { existsSync } from 'node:fs';
import path from 'node:path';
import chalk from 'chalk';
import type { BackendChoice } from '../backends.js';
import { availableParallelism } from 'node:os';
import { withSteps } from '../config/resolve.js';
import { DEFAULT_OVERHEADS, efficiencyFrom, estimateRuns, runSteps, shapeKey, sweepSeconds, type SweepOverheads, type TimedRun } from '../plan/estimate.js';
import { expandPlan } from '../plan/expand.js';
import { readExperiment } from '../config/load.js';
import { ExperimentSchema } from '../config/schema.js';
import { formatShard, resolveShard, selectShard } from '../plan/shard.js';
import { UsageError } from '../errors.js';
import { readCsv } from '../record/csv.js';
import { readManifest, RUNS_CSV } from '../record/results.js';
import type { RunSpec } from '../types.js';
import { parseVectorize, parseWorkers } from '../launch/executor.js';
import { autoVectorize, groupRuns } from '../plan/groups.js';
import { formatDuration } from './progress.js';
import { shortValue } from './short-value.js';
import { plural } from '../report/format.js';
import { requireBackendPackage } from './backend-check.js';
import { openData, type DataStore } from '../data/load.js';

/** Flags of `bn-exp plan`. */
export interface PlanOptions {
  set: string[];
  shard?: string;
  workers?: string;
  from?: string;
  calibrate: boolean;
  /** As run's --vectorize: the groups a calibration times. */
  vectorize?: string;
  backend: BackendChoice;
  json: boolean;
}

/**
 * Timed runs of an earlier result set: runs.csv's steps and wall_s, matched to specs by run id (the
 * earlier manifest's config is re-expanded, so runs of other experiments count for their shape too).
 */
export function readEarlierTimings(dir: string, current: readonly RunSpec[]): TimedRun[] {
  const file = path.join(dir, RUNS_CSV);
  if (!existsSync(file)) throw new UsageError(`--from ${dir}: no ${RUNS_CSV} there`);
  const specs = new Map(current.map((s) => [s.id, s]));
  const manifest = readManifest(dir) as { config?: unknown } | undefined;
  const earlier = ExperimentSchema.safeParse(manifest?.config);
  if (earlier.success) {
    try {
      for (const s of expandPlan(earlier.data).runs) if (!specs.has(s.id)) specs.set(s.id, s);
    } catch {
      // an older config that no longer expands: only run ids shared with this plan are used
    }
  }
  const timed: TimedRun[] = [];
  for (const row of readCsv(file)) {
    const spec = specs.get(row.run_id ?? '');
    const steps = Number(row.steps);
    const seconds = Number(row.wall_s);
    if (spec === undefined || row.status === 'failed' || !(steps > 0) || !Number.isFinite(seconds)) continue;
    timed.push({ spec, steps, seconds, complete: true });
  }
  return timed;
}

/**
 * Times a few steps of the first run of each distinct shape (loads tfjs); progress goes to stderr. Also
 * measures start-up: this process's age once TensorFlow.js is ready (node start, CLI imports, tfjs load),
 * which is what `bn-exp run` pays before its first run.
 */
async function calibrateShapes(
  runs: readonly RunSpec[],
  store: DataStore,
  backendChoice: BackendChoice,
  quiet: boolean,
  groups: RunSpec[][],
): Promise<{ timed: TimedRun[]; backend: string; startSeconds: number }> {
  requireBackendPackage(backendChoice);
  const { selectBackend } = await import('../train/backend.js');
  const { calibrate } = await import('../train/calibrate.js');
  const backend = await selectBackend(backendChoice);
  const startSeconds = process.uptime();
  const data = store; // the files planCommand read: a calibration never reads them again
  const firsts = new Map<string, RunSpec>();
  for (const r of runs) if (!firsts.has(shapeKey(r, store.dims(r)))) firsts.set(shapeKey(r, store.dims(r)), r);
  if (!quiet) process.stderr.write(`calibrating ${firsts.size} shape${firsts.size > 1 ? 's' : ''} on ${backend}...`);
  const first = runs[0];
  // warm-up (kernel setup would inflate the first shape's fixed cost); evalEvery steps so that it is a valid run
  if (first) await calibrate(first, Math.min(first.train.evalEvery, runSteps(first, store.trainSize(first))), data, 1);
  const timed: TimedRun[] = [];
  // Each shape's first run is timed in its group, as `run` trains it (a group shares one step).
  const groupOf = (spec: RunSpec): RunSpec[] => groups.find((g) => g.includes(spec)) ?? [spec];
  for (const spec of firsts.values()) {
    const group = groupOf(spec);
    timed.push(...(await calibrate(spec, runSteps(spec, store.trainSize(spec)), data, 3, [spec, ...group.filter((m) => m !== spec)])));
  }
  if (!quiet) process.stderr.write(' done\n');
  return { timed, backend, startSeconds };
}

/**
 * Measures how fast `workers` workers run side by side on this machine now: one short run (the first
 * run, 2 x evalEvery steps at most) alone on the pool, then one copy per worker at once, alternated three
 * times (medians). The pool is the one `run` uses, so its start-up and the machine's load count too.
 */
async function measureEfficiency(spec: RunSpec, total: number, workers: number, backendChoice: BackendChoice, store: DataStore): Promise<number> {
  const { poolExecutor } = await import('../launch/pool.js');
  const steps = Math.min(total, 2 * Math.max(10, spec.train.evalEvery));
  const short: RunSpec = withSteps(spec, steps);
  const pool = poolExecutor(workers, undefined, store.shared()); // the workers share the tables read here
  const timed = async (copies: number): Promise<number> => {
    const t0 = performance.now();
    const results = await Promise.all(Array.from({ length: copies }, () => pool.run(short, {})));
    const failed = results.find((r) => r.status === 'failed');
    if (failed) throw new Error(`calibrating ${workers} workers: run ${spec.id} failed: ${failed.error ?? 'unknown error'}`);
    return (performance.now() - t0) / 1000;
  };
  try {
    await pool.start(backendChoice);
    await timed(workers); // warm-up: every worker compiles its kernels
    const alone: number[] = [];
    const together: number[] = [];
    for (let rep = 0; rep < 3; rep++) {
      alone.push(await timed(1));
      together.push(await timed(workers));
    }
    return efficiencyFrom(alone, together);
  } finally {
    await pool.close();
  }
}

/** `bn-exp plan`: the runs (ids, swept values), their count and an estimate of the time. No tfjs unless --calibrate. */
export async function planCommand(configPath: string, opts: PlanOptions): Promise<void> {
  const config = await readExperiment(configPath, opts.set);
  const plan = expandPlan(config);
  const store = await openData(plan, configPath); // csv sizes are known once the file is read (no tfjs)
  const shard = resolveShard(opts.shard, process.env);
  const workers = parseWorkers(opts.workers);
  const runs = selectShard(plan.runs, shard);

  let timed: TimedRun[] = [];
  let basis: string | undefined;
  const overheads: SweepOverheads = { ...DEFAULT_OVERHEADS, cores: availableParallelism() };
  const defaultDir = path.join('results', config.name);
  if (opts.calibrate) {
    const vectorize = parseVectorize(opts.vectorize);
    const k = vectorize === 'auto' ? autoVectorize([...runs], workers) : vectorize;
    const cal = await calibrateShapes(runs, store, opts.backend, opts.json, groupRuns([...runs], k));
    timed = cal.timed;
    basis = `a calibration on ${cal.backend}`;
    overheads.startSeconds = cal.startSeconds;
    const busy = Math.min(workers, runs.length, overheads.cores);
    if (busy > 1) {
      const first = runs[0]!;
      if (!opts.json) process.stderr.write(`timing ${busy} workers side by side...`);
      overheads.parallelEfficiency = await measureEfficiency(first, runSteps(first, store.trainSize(first)), busy, opts.backend, store);
      if (!opts.json) process.stderr.write(' done\n');
      basis += `, ${busy} workers measured at ${Math.round(overheads.parallelEfficiency * 100)}%`;
    }
  } else if (opts.from !== undefined) {
    timed = readEarlierTimings(opts.from, plan.runs);
    basis = `wall_s of ${timed.length} runs in ${opts.from}`;
  } else if (existsSync(path.join(defaultDir, RUNS_CSV))) {
    timed = readEarlierTimings(defaultDir, plan.runs);
    basis = `wall_s of ${timed.length} runs in ${defaultDir}`;
  }
  const estimates = estimateRuns(runs, timed, (r) => store.dims(r));
  const known = estimates.every((e) => e.seconds !== undefined);
  const seconds = known ? sweepSeconds(estimates.map((e) => e.seconds!), workers, overheads) : undefined;
  const steps = runs.map((r) => r.resolved.totalSteps ?? runSteps(r, store.trainSize(r)));

  if (opts.json) {
    console.log(
      JSON.stringify({
        name: plan.config.name,
        axes: plan.axes,
        seeds: plan.seeds,
        total: plan.runs.length,
        shard: shard ? { index: shard.index, count: shard.count } : null,
        count: runs.length,
        runs: runs.map((r, i) => ({ index: r.index, id: r.id, seed: r.seed, params: r.params, steps: steps[i], estimateSeconds: estimates[i]!.seconds ?? null })),
        estimate: { seconds: seconds ?? null, workers, basis: basis ?? null, overheads },
      }),
    );
    return;
  }
  const header = ['run', 'id', ...plan.axes, 'seed', 'steps', 'est.'];
  const rows = runs.map((r, i) => [
    String(r.index + 1),
    r.id,
    ...plan.axes.map((a) => shortValue(r.params[a], 40)), // a list of shifts by its names: rows fit ~100 columns
    String(r.seed),
    String(steps[i]),
    estimates[i]!.seconds === undefined ? '-' : `${estimates[i]!.seconds!.toFixed(1)}s`,
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c]!.length)));
  const line = (cells: string[]): string => cells.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd();
  console.log([chalk.bold(line(header)), ...rows.map(line)].join('\n'));

  const cells = plan.axes.length === 0 ? '1 cell' : plan.axes.join(' x ');
  const scope = shard ? `shard ${formatShard(shard)}: ${runs.length} of ${plural(plan.runs.length, 'run')}` : plural(runs.length, 'run');
  console.log(`\n${plan.config.name}: ${scope} (${cells} x ${plural(plan.seeds.length, 'seed')}), ${steps.reduce((a, b) => a + b, 0)} steps`);
  if (seconds !== undefined) {
    const sources = [...new Set(estimates.map((e) => e.source))].join(', ');
    console.log(`estimated time: ${formatDuration(seconds)} with ${workers} worker${workers > 1 ? 's' : ''} (from ${basis}; per run: ${sources})`);
    const eff = Math.min(workers, runs.length) > 1 ? `, each worker at ${Math.round(overheads.parallelEfficiency * 100)}% of the speed of one alone on ${overheads.cores} cores` : '';
    console.log(`  includes start-up ${overheads.startSeconds.toFixed(1)}s and summaries + report ${overheads.reportSeconds.toFixed(1)}s${eff}`);
  } else {
    console.log('estimated time: unknown; pass --calibrate (times a few steps of each shape) or --from <results dir> (earlier wall_s)');
  }
}

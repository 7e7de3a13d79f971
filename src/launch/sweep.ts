import path from 'node:path';
import type { BackendChoice } from '../backends.js';
import type { MeasuredShift } from '../data/assemble.js';
import type { DataStore } from '../data/load.js';
import { Interrupted, UsageError } from '../errors.js';
import { dispatchOrder, runSteps } from '../plan/estimate.js';
import { autoVectorize, groupRuns } from '../plan/groups.js';
import { formatShard, selectShard, type Shard } from '../plan/shard.js';
import { dataMismatch, experimentMismatch, parseManifestInfo } from '../record/manifest-info.js';
import { buildManifest } from '../record/manifest.js';
import { probeFiles, probeRows } from '../record/probe-files.js';
import {
  checkHeaders,
  checkResultsFolder,
  committedRuns,
  CURVES_CSV,
  openResults,
  readManifest,
  ResultsWriter,
  RUNS_CSV,
  SHIFT_FEATURES_CSV,
  SHIFTS_CSV,
  writeManifestAtomic,
} from '../record/results.js';
import { reorderResults } from '../record/run-order.js';
import { cell, curveRows, curvesColumns, extraSplitsOf, runRow, runsColumns } from '../record/run-rows.js';
import { SHIFT_FEATURES_COLUMNS, shiftFeatureRows, shiftManifest, shiftRows, SHIFTS_COLUMNS } from '../record/shift-columns.js';
import type { EvalRecord, Plan, RunResult, RunSpec } from '../types.js';
import type { Executor, RunHooks } from './executor.js';
import { onStopSignal } from './signals.js';

// The sweep: open (or resume) the results folder, run what is still to do in a pool of workers, commit
// each result as it lands (record/), rewrite the files in plan order when the shard is complete. It
// prints nothing: what a terminal or a live view shows comes through a SweepListener (cli/run.ts).

/** What the caller asked for: the plan, its shard, the folder and the run flags. */
export interface SweepRequest {
  plan: Plan;
  configPath: string;
  /** The plan's data files, read and checked before anything was written. */
  store: DataStore;
  shard: Shard | undefined;
  outDir: string;
  backend: BackendChoice;
  /** Start over (--force) or continue (--resume) a folder that already holds results. */
  force: boolean;
  resume: boolean;
  workersWanted: number;
  /** Runs per vectorized step, or 'auto'. */
  vectorize: number | 'auto';
  /** The command line, for the manifest and for the `--resume` hint after an interruption. */
  argv: string[];
}

/** What the sweep tells whoever shows it (all optional). */
export interface SweepListener {
  /** The runs this shard will hold, before TensorFlow.js loads. */
  planned?(mine: readonly RunSpec[]): void;
  /** Workers are loading TensorFlow.js. */
  loading?(workers: number): void;
  /** Training begins: what is to do, and how to measure it. */
  began?(info: SweepStart): void;
  runStarted?(spec: RunSpec): void;
  evaluated?(spec: RunSpec, record: EvalRecord, totalSteps: number): void;
  runCommitted?(result: RunResult): void;
  /** Training ended (normally, by a signal or an error). */
  ended?(): void;
}

/** The sweep's shape once its workers are up. */
export interface SweepStart {
  backend: string;
  workers: number;
  /** Runs that can train at once: workers x runs per vectorized step. */
  slots: number;
  mine: readonly RunSpec[];
  todo: readonly RunSpec[];
  /** Runs committed before this session (resume). */
  done: number;
  stepsOf: (spec: RunSpec) => number;
}

/** How a sweep ended. */
export type SweepOutcome =
  | { kind: 'already-done'; runs: number }
  | { kind: 'empty-shard' }
  | { kind: 'finished'; runs: number; done: number; results: RunResult[] };

/**
 * Run a plan's shard into its folder (the caller holds the folder's lock). Runs train in worker threads,
 * also with one worker: training is synchronous between evaluations, so in this thread a Ctrl-C would wait
 * for the end of the sweep; here it stops the workers at once. TensorFlow.js loads only in the workers.
 */
export async function runSweep(req: SweepRequest, listener: SweepListener = {}): Promise<SweepOutcome> {
  const { plan, outDir, shard } = req;
  // Everything that can refuse the folder is checked before anything in it is written or trimmed: a
  // refused --resume (other experiment, data, shard or columns) leaves it byte-identical.
  checkResultsFolder(outDir, { overwrite: req.force, resume: req.resume });
  const previous = req.resume ? checkResumable(outDir, plan, shard, req.store) : undefined;
  const done = req.resume ? committedRuns(outDir) : new Set<string>();
  const mine = selectShard(plan.runs, shard);
  const todo = mine.filter((r) => !done.has(r.id));
  if (previous !== undefined && todo.length === 0) {
    openResults(outDir, { resume: true }); // drop the rows of a run that was in flight
    reorderResults(outDir, mine.map((r) => r.id));
    writeManifestAtomic(outDir, { ...previous, finishedAt: previous.finishedAt ?? new Date().toISOString() });
    return { kind: 'already-done', runs: mine.length };
  }
  // Runs to add: the files must have this run's columns (not checked above: a finished set is only reordered).
  const files = resultFiles(plan);
  if (!req.force) checkHeaders(outDir, [...Object.entries(files.extra), [CURVES_CSV, files.curves], [RUNS_CSV, files.runs]]);
  listener.planned?.(mine);
  // Groups are formed from the runs still to do only, so --resume and --shard keep working with --vectorize.
  const vectorize = req.vectorize === 'auto' ? autoVectorize(todo, req.workersWanted) : req.vectorize;
  const groups = groupRuns(todo, vectorize);
  const workers = Math.max(1, Math.min(req.workersWanted, groups.length));
  const executor: Executor = (await import('./pool.js')).poolExecutor(workers, undefined, req.store.shared()); // the tables read once, shared
  try {
    return await sweep(executor, { req, mine, todo, done: done.size, previous, groups, vectorize, files }, listener);
  } finally {
    listener.ended?.();
    await executor.close();
  }
}

/** The columns of each file the sweep writes (runs.csv, curves.csv and the per-run files). */
interface ResultFiles {
  runs: string[];
  curves: string[];
  extra: Record<string, readonly string[]>;
}

function resultFiles(plan: Plan): ResultFiles {
  const extra = extraSplitsOf(plan);
  const [idColumn, ...curveColumns] = curvesColumns(extra);
  return {
    runs: runsColumns(plan, plan.targets, extra),
    // curves.csv repeats each run's seed and swept values (as runs.csv writes them): tidy on its own, so
    // pandas/seaborn can colour by an axis (hue=) without joining runs.csv.
    curves: [idColumn!, 'seed', ...plan.axes, ...curveColumns],
    extra: { [SHIFTS_CSV]: SHIFTS_COLUMNS, [SHIFT_FEATURES_CSV]: SHIFT_FEATURES_COLUMNS, ...probeFiles(plan) },
  };
}

/** The command line to continue an interrupted sweep: the same arguments with --resume instead of --force. */
function resumeCommand(argv: readonly string[]): string {
  const args = argv.filter((a) => a !== '--force' && a !== '-f');
  if (!args.includes('--resume')) args.push('--resume');
  return ['bn-exp', ...args.map((a) => (/^[\w./=:@%+,-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`))].join(' ');
}

/** With --resume: the folder must hold this experiment, the same shard and (checked later) the same backend. */
function checkResumable(outDir: string, plan: Plan, shard: Shard | undefined, store: DataStore): Record<string, unknown> | undefined {
  const json = readManifest(outDir);
  if (json === undefined) return undefined;
  const info = parseManifestInfo(json, path.join(outDir, 'manifest.json'));
  const current = { name: plan.config.name, axes: plan.axes, runs: plan.runs };
  const why = experimentMismatch(info, current) ?? dataMismatch(info, { dataFiles: store.fileHashes() });
  if (why !== undefined) {
    throw new UsageError(`${outDir} holds a different experiment (${why}); cannot resume into it. Use --out <dir> or --force.`);
  }
  const theirs = info.shard ? `${info.shard.index}/${info.shard.count}` : 'all runs';
  const ours = shard ? formatShard(shard) : 'all runs';
  if (theirs !== ours) throw new UsageError(`${outDir} holds shard ${theirs}, this command runs ${ours}; cannot resume into it.`);
  return json as Record<string, unknown>;
}

/** A sweep in progress: the request, the shard's runs and those still to do, in groups. */
interface SweepState {
  req: SweepRequest;
  mine: RunSpec[];
  todo: RunSpec[];
  /** Runs already committed (resume). */
  done: number;
  /** The folder's manifest when resuming. */
  previous: Record<string, unknown> | undefined;
  /** The runs still to do, in plan order, in groups that train as one batch of models. */
  groups: RunSpec[][];
  vectorize: number;
  files: ResultFiles;
}

async function sweep(executor: Executor, s: SweepState, listener: SweepListener): Promise<SweepOutcome> {
  const { req, mine, todo, previous } = s;
  const { plan, outDir, shard } = req;
  listener.loading?.(executor.workers);
  const backend = await executor.start(req.backend);
  if (previous !== undefined && previous.backend !== backend) {
    throw new UsageError(
      `${outDir} was run on backend ${String(previous.backend)}, this process got ${backend}; ` +
        `resume with --backend ${previous.backend === 'tensorflow' ? 'node' : String(previous.backend)} so results stay comparable.`,
    );
  }
  // Every check passed: now the folder is changed (--force: our files removed; --resume: rows of runs in flight dropped).
  openResults(outDir, { overwrite: req.force, resume: req.resume });
  const shiftLists = plan.runs.map((r) => r.resolved.shifts);
  const manifest: Record<string, unknown> =
    previous !== undefined
      ? { ...previous, finishedAt: null, resumedAt: [...((previous.resumedAt as string[] | undefined) ?? []), new Date().toISOString()] }
      : {
          ...(await buildManifest(plan, { backend, configPath: req.configPath, argv: req.argv, shard, workers: executor.workers, vectorize: s.vectorize, groupSizes: s.groups.map((g) => g.length) })),
          shifts: shiftManifest(shiftLists, []),
          dataFiles: req.store.fileHashes(),
        };
  const targets = plan.targets;
  const extra = extraSplitsOf(plan);
  const labels = (spec: RunSpec): Record<string, string> => ({ seed: cell(spec.seed), ...Object.fromEntries(plan.axes.map((a) => [a, cell(spec.params[a])])) });
  const tidyCurves = (result: RunResult) => curveRows(result, extra).map((row) => ({ ...row, ...labels(result.spec) }));
  // The columns were checked in runSweep; the writer adds the headers of files not yet there.
  const writer = new ResultsWriter(outDir, s.files.runs, s.files.curves, s.files.extra);
  writeManifestAtomic(outDir, manifest);
  const measured: MeasuredShift[][] = [];
  /** Commit one finished run (the parent alone writes files): its per-run rows, then its runs.csv row. */
  const record = (result: RunResult): void => {
    const shifts = result.shifts ?? [];
    const perRun = { [SHIFTS_CSV]: shiftRows(result.spec.id, shifts), [SHIFT_FEATURES_CSV]: shiftFeatureRows(result.spec.id, shifts) };
    writer.appendRun(tidyCurves(result), runRow(result, plan, targets, extra), { ...perRun, ...probeRows(plan, result) });
    measured.push(shifts);
  };

  const stepsOf = (r: RunSpec): number => r.resolved.totalSteps ?? runSteps(r, req.store.trainSize(r));
  listener.began?.({ backend, workers: executor.workers, slots: executor.workers * s.vectorize, mine, todo, done: s.done, stepsOf });

  let stoppedBy: NodeJS.Signals | undefined;
  const removeSignalHandlers = onStopSignal((signal) => {
    stoppedBy = signal;
    executor.abort(new Error(`stopped by ${signal}`));
  });
  const results: RunResult[] = [];
  let fatal: { error: unknown } | undefined; // a write that failed: stop the sweep and report it
  try {
    const hooksOf = (spec: RunSpec): RunHooks => ({
      onStart: () => listener.runStarted?.(spec),
      onEval: (rec, total) => listener.evaluated?.(spec, rec, total),
    });
    // With several workers the costliest runs go first, so that no worker is left with a long run at the
    // end; the files are written in plan order whatever the order of completion.
    const queue = dispatchOrder(s.groups, executor.workers, (r) => req.store.dims(r));
    await Promise.allSettled(
      queue.map(async (group) => {
        const done =
          group.length === 1 ? [await executor.run(group[0]!, hooksOf(group[0]!))] : await executor.runGroup(group, group.map(hooksOf));
        for (const result of done) {
          try {
            record(result);
          } catch (error) {
            fatal ??= { error };
            executor.abort(error instanceof Error ? error : new Error(String(error)));
            return;
          }
          results.push(result);
          listener.runCommitted?.(result);
        }
      }),
    );
  } finally {
    removeSignalHandlers();
  }

  if (fatal !== undefined) throw fatal.error;
  const committed = s.done + results.length;
  if (stoppedBy !== undefined) {
    const interruptions = [...((manifest.interruptions as unknown[] | undefined) ?? [])];
    interruptions.push({ at: new Date().toISOString(), signal: stoppedBy, runsSaved: committed });
    writeManifestAtomic(outDir, { ...manifest, interruptions });
    throw new Interrupted(
      stoppedBy,
      `\nStopped by ${stoppedBy}: ${committed} of ${mine.length} runs are saved in ${outDir} (runs in flight were discarded).\n` +
        `Continue with: ${resumeCommand(req.argv)}`,
    );
  }
  reorderResults(outDir, mine.map((r) => r.id));
  // After a resume the manifest's shift summary covers the runs of this session (shifts.csv has them all).
  writeManifestAtomic(outDir, { ...manifest, shifts: shiftManifest(shiftLists, measured), finishedAt: new Date().toISOString() });
  // An empty shard (more shards than runs) is a normal, successful shard: merge accepts its empty set.
  if (mine.length === 0) return { kind: 'empty-shard' };
  results.sort((a, b) => a.spec.index - b.spec.index);
  return { kind: 'finished', runs: mine.length, done: s.done, results };
}

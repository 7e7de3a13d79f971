import path from 'node:path';
import type { BackendChoice } from '../backends.js';
import { readExperiment } from '../config/load.js';
import { totalSteps } from '../config/resolve.js';
import { expandPlan } from '../plan/expand.js';
import { dispatchOrder } from '../plan/estimate.js';
import { formatShard, resolveShard, selectShard, type Shard } from '../plan/shard.js';
import { targetsOf } from '../record/convergence.js';
import { modeSplits } from '../config/mode-names.js';
import { cell, curveRows, curvesColumns, runRow, runsColumns } from '../record/run-rows.js';
import type { MeasuredShift } from '../data/assemble.js';
import { openData, type DataStore } from '../data/load.js';
import { extraSplitNames, SHIFT_FEATURES_COLUMNS, shiftFeatureRows, shiftManifest, shiftRows, SHIFTS_COLUMNS } from '../record/shift-columns.js';
import { Interrupted, UsageError } from '../errors.js';
import { dataMismatch, experimentMismatch, parseManifestInfo } from '../record/manifest-info.js';
import { lockFolder } from '../record/lock.js';
import { openResults, readManifest, ResultsWriter, SHIFT_FEATURES_CSV, SHIFTS_CSV, writeManifestAtomic } from '../record/results.js';
import { reorderResults } from '../record/run-order.js';
import type { Plan, RunResult, RunSpec } from '../types.js';
import { type Executor, parseVectorize, parseWorkers, type RunHooks } from '../launch/executor.js';
import { autoVectorize, groupRuns } from '../plan/groups.js';
import { buildManifest } from '../record/manifest.js';
import { Progress } from './progress.js';
import { LiveState } from './live-state.js';
import { serveLive, untilStopped } from './watch.js';
import { onStopSignal } from '../launch/signals.js';
import { probeFiles, probeRows } from '../record/probe-files.js';
import { printSummary } from './run-table.js';
import { writeSummaries } from './summarize.js';
import { requireBackendPackage } from './backend-check.js';
import { checkClaimMetrics, formatClaims, writeClaims } from './claims.js';

export interface RunOptions {
  out?: string;
  set: string[];
  backend: BackendChoice;
  force: boolean;
  quiet: boolean;
  /** A count, or `auto` for one per CPU core. */
  workers?: string;
  /** `i/n`; when absent, read from the Slurm / Kubernetes environment (see config/shard.ts). */
  shard?: string;
  resume?: boolean;
  /** Write the report at the end (commander's --no-report sets false). */
  report?: boolean;
  /** Runs per vectorized step (`--vectorize K`; default auto, 1 = every run alone). */
  vectorize?: string;
  /** Serve a live view of the folder while the sweep runs (and after, until Ctrl-C). */
  live?: boolean;
  /** Port of the live view. */
  port?: string;
}

/** Names of the extra evaluation sets (one per shift name, e.g. `shifted`), then `<set>@<mode>` per inference mode. */
export function extraSplitsOf(plan: Plan): string[] {
  const sets = extraSplitNames(plan.runs.map((r) => r.data));
  return [...sets, ...modeSplits(plan.config.eval, ['train', 'test', ...sets])];
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

/** What a sweep needs besides the executor: the plan, its shard, the folder and how to report. */
interface SweepContext {
  plan: Plan;
  configPath: string;
  opts: RunOptions;
  shard: Shard | undefined;
  outDir: string;
  /** The shard's runs, and those of them still to run. */
  mine: RunSpec[];
  todo: RunSpec[];
  /** Runs already committed (resume). */
  done: number;
  /** The folder's manifest when resuming. */
  previous: Record<string, unknown> | undefined;
  argv: string[];
  /** The plan's data files, read and checked before anything was written. */
  store: DataStore;
  /** The runs still to do, in plan order, in groups that train as one batch of models (singletons without --vectorize). */
  groups: RunSpec[][];
  vectorize: number;
  /** The live view's state, fed with runs in flight (run --live). */
  live: LiveState | undefined;
}

/**
 * `bn-exp run`: load -> expand -> select the shard -> lock the folder -> skip runs already committed
 * (--resume) -> run the rest in a pool of worker threads, appending each result as it finishes -> rewrite
 * the files in run-list order once the shard is complete -> summary. SIGINT/SIGTERM stop cleanly.
 */
export async function runCommand(configPath: string, opts: RunOptions): Promise<void> {
  const config = await readExperiment(configPath, opts.set);
  requireBackendPackage(opts.backend);
  checkClaimMetrics(config, configPath);
  const plan = expandPlan(config);
  // Data files are read and checked before the results folder is touched (a bad CSV is a config error).
  const store = await openData(plan, configPath);
  const workersWanted = parseWorkers(opts.workers);
  const vectorize = parseVectorize(opts.vectorize);
  const shard = resolveShard(opts.shard, process.env);
  const outDir = opts.out ?? path.join('results', config.name);
  const release = lockFolder(outDir); // two processes never write the same folder
  try {
    await runLocked(plan, configPath, opts, shard, outDir, { workersWanted, vectorize }, store);
  } finally {
    release();
  }
}

async function runLocked(
  plan: Plan,
  configPath: string,
  opts: RunOptions,
  shard: Shard | undefined,
  outDir: string,
  counts: { workersWanted: number; vectorize: number | 'auto' },
  store: DataStore,
): Promise<void> {
  const resume = opts.resume === true;
  const opened = openResults(outDir, { overwrite: opts.force, resume });
  const previous = resume ? checkResumable(outDir, plan, shard, store) : undefined;
  const mine = selectShard(plan.runs, shard);
  const todo = mine.filter((r) => !opened.done.has(r.id));

  if (previous !== undefined && todo.length === 0) {
    reorderResults(outDir, mine.map((r) => r.id));
    writeManifestAtomic(outDir, { ...previous, finishedAt: previous.finishedAt ?? new Date().toISOString() });
    // A kill or a full disk after the last run may have left the summaries or the report missing or cut off: redo them.
    await finishOutputs(outDir, mine.length, opts);
    console.log(`${outDir}: all ${mine.length} runs already done; nothing to run${mine.length > 0 ? ' (summaries and report rewritten)' : ''}.`);
    return;
  }

  // Runs train in worker threads, also for --workers 1: training is synchronous between evaluations, so
  // in this thread a Ctrl-C would wait for the end of the sweep; here it stops the workers at once.
  // TensorFlow.js loads only in the workers, so validate/plan/merge (and this thread) stay light.
  // Groups are formed from the runs still to do only, so --resume and --shard keep working with --vectorize.
  // The live view starts before TensorFlow.js loads, so its page is up at once.
  const live = opts.live === true ? await serveLive(outDir, opts.port, new LiveState(outDir)) : undefined;
  if (live !== undefined) {
    live.state.expect(plan.config.name, plan.axes, mine);
    console.log(`live view: ${live.url}  (127.0.0.1 only)`);
  }
  const vectorize = counts.vectorize === 'auto' ? autoVectorize(todo, counts.workersWanted) : counts.vectorize;
  const groups = groupRuns(todo, vectorize);
  const workers = Math.max(1, Math.min(counts.workersWanted, groups.length));
  let completed = false;
  const executor: Executor = (await import('../launch/pool.js')).poolExecutor(workers, undefined, { configFile: configPath, cwd: process.cwd() });
  try {
    const ctx = { plan, configPath, opts, shard, outDir, mine, todo, done: opened.done.size, previous, argv: process.argv.slice(2), store, groups, vectorize, live: live?.state };
    await sweep(executor, ctx);
    completed = true;
  } finally {
    await executor.close();
    if (live !== undefined) {
      // Keep the page up to look at the finished sweep; an interrupted or failed one closes at once.
      if (completed) {
        console.log(`live view stays up at ${live.url}; Ctrl-C to stop`);
        await untilStopped();
      }
      await live.close();
    }
  }
}

/** A terminal the status can be redrawn in: a TTY with a size (a pseudo-terminal of 0 rows shows no redrawn lines). */
function redrawable(out: NodeJS.WriteStream): boolean {
  return out.isTTY === true && (out.rows ?? 0) > 0 && (out.columns ?? 0) > 0;
}

async function sweep(executor: Executor, ctx: SweepContext): Promise<void> {
  const { plan, opts, shard, outDir, mine, todo, previous } = ctx;
  // Loading TensorFlow.js in the workers takes seconds (tens on a busy machine): say so at once.
  const w = executor.workers;
  const workerWord = `${w} worker${w > 1 ? 's' : ''}`;
  if (!opts.quiet) console.log(`${plan.config.name}: loading TensorFlow.js (backend ${opts.backend}) in ${workerWord}...`);
  const backend = await executor.start(opts.backend);
  if (previous !== undefined && previous.backend !== backend) {
    throw new UsageError(
      `${outDir} was run on backend ${String(previous.backend)}, this process got ${backend}; ` +
        `resume with --backend ${previous.backend === 'tensorflow' ? 'node' : String(previous.backend)} so results stay comparable.`,
    );
  }
  const datas = plan.runs.map((r) => r.data);
  const manifest: Record<string, unknown> =
    previous !== undefined
      ? { ...previous, finishedAt: null, resumedAt: [...((previous.resumedAt as string[] | undefined) ?? []), new Date().toISOString()] }
      : {
          ...(await buildManifest(plan, { backend, configPath: ctx.configPath, argv: ctx.argv, shard, workers: executor.workers, vectorize: ctx.vectorize })),
          shifts: shiftManifest(datas, []),
          dataFiles: ctx.store.fileHashes(),
        };
  const targets = targetsOf(plan.config.train.target);
  const extra = extraSplitsOf(plan);
  const shiftFiles = { [SHIFTS_CSV]: SHIFTS_COLUMNS, [SHIFT_FEATURES_CSV]: SHIFT_FEATURES_COLUMNS };
  // curves.csv repeats each run's seed and swept values (as runs.csv writes them): tidy on its own, so
  // pandas/seaborn can colour by an axis (hue=) without joining runs.csv.
  const labels = (spec: RunSpec): Record<string, string> => ({ seed: cell(spec.seed), ...Object.fromEntries(plan.axes.map((a) => [a, cell(spec.params[a])])) });
  const [idColumn, ...curveColumns] = curvesColumns(extra);
  const tidyCurves = (result: RunResult) => curveRows(result, extra).map((row) => ({ ...row, ...labels(result.spec) }));
  // The writer checks the files' columns before anything is written (a resume after adding probes is refused untouched).
  const writer = new ResultsWriter(outDir, runsColumns(plan, targets, extra), [idColumn!, 'seed', ...plan.axes, ...curveColumns], {
    ...shiftFiles,
    ...probeFiles(plan),
  });
  writeManifestAtomic(outDir, manifest);
  const measured: MeasuredShift[][] = [];
  /** Commit one finished run (the parent alone writes files): its per-run rows, then its runs.csv row. */
  const record = (result: RunResult): void => {
    const shifts = result.shifts ?? [];
    const perRun = { [SHIFTS_CSV]: shiftRows(result.spec.id, shifts), [SHIFT_FEATURES_CSV]: shiftFeatureRows(result.spec.id, shifts) };
    writer.appendRun(tidyCurves(result), runRow(result, plan, targets, extra), { ...perRun, ...probeRows(plan, result) });
    measured.push(shifts);
  };

  const stepsOf = (r: RunSpec): number => totalSteps(r.train, ctx.store.trainSize(r));
  const slots = executor.workers * ctx.vectorize;
  const progress = new Progress(todo, stepsOf, { quiet: opts.quiet, tty: redrawable(process.stdout), slots });
  if (!opts.quiet) {
    const scope = [
      shard ? `shard ${formatShard(shard)} (${mine.length} of ${plan.runs.length} runs)` : `${plan.runs.length} runs`,
      ctx.done > 0 ? `${ctx.done} already done` : '',
    ].filter(Boolean);
    console.log(`${plan.config.name}: ${todo.length} to run of ${scope.join(', ')}; ${workerWord}, backend ${backend}`);
  }

  let stoppedBy: NodeJS.Signals | undefined;
  const removeSignalHandlers = onStopSignal((signal) => {
    stoppedBy = signal;
    executor.abort(new Error(`stopped by ${signal}`));
  });
  const results: RunResult[] = [];
  let fatal: { error: unknown } | undefined; // a write that failed: stop the sweep and report it
  try {
    const hooksOf = (spec: RunSpec): RunHooks => ({
      onStart: () => {
        progress.start(spec);
        ctx.live?.started(spec.id);
      },
      onEval: (rec, total) => {
        progress.update(spec, rec, total);
        ctx.live?.evaluated(spec.id, rec, total);
      },
    });
    // With several workers the costliest runs go first, so that no worker is left with a long run at the
    // end; the files are written in plan order whatever the order of completion.
    const queue = dispatchOrder(ctx.groups, executor.workers, (r) => ctx.store.dims(r));
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
          progress.finish(result.spec, result);
        }
      }),
    );
  } finally {
    removeSignalHandlers();
    progress.close();
  }

  if (fatal !== undefined) throw fatal.error;
  const committed = ctx.done + results.length;
  if (stoppedBy !== undefined) {
    const interruptions = [...((manifest.interruptions as unknown[] | undefined) ?? [])];
    interruptions.push({ at: new Date().toISOString(), signal: stoppedBy, runsSaved: committed });
    writeManifestAtomic(outDir, { ...manifest, interruptions });
    throw new Interrupted(
      stoppedBy,
      `\nStopped by ${stoppedBy}: ${committed} of ${mine.length} runs are saved in ${outDir} (runs in flight were discarded).\n` +
        `Continue with: ${resumeCommand(ctx.argv)}`,
    );
  }
  reorderResults(outDir, mine.map((r) => r.id));
  // After a resume the manifest's shift summary covers the runs of this session (shifts.csv has them all).
  writeManifestAtomic(outDir, { ...manifest, shifts: shiftManifest(datas, measured), finishedAt: new Date().toISOString() });
  if (mine.length === 0) {
    // An empty shard (more shards than runs) is a normal, successful shard: merge accepts its empty set.
    console.log(`${outDir}: shard ${shard ? formatShard(shard) : ''} holds none of the ${plan.runs.length} runs; wrote an empty result set.`);
    return;
  }
  results.sort((a, b) => a.spec.index - b.spec.index);
  printSummary(plan, results, targets, outDir);
  if (ctx.done > 0 && !opts.quiet) console.log(`(${ctx.done} runs from before the resume are not in this table)`);
  await finishOutputs(outDir, mine.length, opts);
  if (results.length > 0 && results.every((r) => r.status === 'failed')) process.exitCode = 1;
}

/** The summaries and the report of a complete folder (none for an empty shard: there is nothing to summarize). */
async function finishOutputs(outDir: string, runs: number, opts: RunOptions): Promise<void> {
  if (runs === 0) return;
  writeSummaries(outDir);
  const claimed = writeClaims(outDir);
  if (claimed.length > 0) process.stdout.write(formatClaims(claimed));
  if (opts.report !== false) {
    if (!opts.quiet) console.log('writing the report (figures, report.html, report.md)...');
    await (await import('./report.js')).reportAfterRun(outDir);
  }
}

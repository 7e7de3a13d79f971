import path from 'node:path';
import type { BackendChoice } from '../backends.js';
import { readExperiment } from '../config/load.js';
import { openData } from '../data/load.js';
import { parseVectorize, parseWorkers } from '../launch/executor.js';
import { runSweep, type SweepListener } from '../launch/sweep.js';
import { expandPlan } from '../plan/expand.js';
import { formatShard, resolveShard, type Shard } from '../plan/shard.js';
import { lockFolder } from '../record/lock.js';
import type { Plan } from '../types.js';
import { requireBackendPackage } from './backend-check.js';
import { checkClaimMetrics, formatClaims, writeClaims } from './claims.js';
import { LiveState } from './live-state.js';
import { Progress } from './progress.js';
import { printSummary } from './run-table.js';
import { writeSummaries } from './summarize.js';
import { serveLive, untilStopped } from './watch.js';

export interface RunOptions {
  out?: string;
  set: string[];
  backend: BackendChoice;
  force: boolean;
  quiet: boolean;
  /** A count, or `auto` for one per CPU core. */
  workers?: string;
  /** `i/n`; when absent, read from the Slurm / Kubernetes environment (see plan/shard.ts). */
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

/**
 * `bn-exp run`: load -> expand -> lock the folder -> the sweep (launch/sweep.ts: shard, resume, workers,
 * each result committed as it lands) -> summary table, summaries, claims and report. This file decides only
 * what the terminal and the live view show.
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
  // The live view starts before TensorFlow.js loads, so its page is up at once.
  const live = opts.live === true ? await serveLive(outDir, opts.port, new LiveState(outDir)) : undefined;
  let completed = false;
  try {
    if (live !== undefined) console.log(`live view: ${live.url}  (127.0.0.1 only)`);
    const request = { plan, configPath, store, shard, outDir, backend: opts.backend, force: opts.force, resume: opts.resume === true, workersWanted, vectorize, argv: process.argv.slice(2) };
    const outcome = await runSweep(request, terminal(plan, opts, shard, live?.state));
    if (outcome.kind === 'already-done') {
      // A kill or a full disk after the last run may have left the summaries or the report missing or cut off: redo them.
      await finishOutputs(outDir, outcome.runs, opts, shard, (config.claims ?? []).length > 0);
      console.log(`${outDir}: all ${outcome.runs} runs already done; nothing to run${outcome.runs > 0 ? ' (summaries and report rewritten)' : ''}.`);
    } else if (outcome.kind === 'empty-shard') {
      console.log(`${outDir}: shard ${shard ? formatShard(shard) : ''} holds none of the ${plan.runs.length} runs; wrote an empty result set.`);
    } else {
      printSummary(plan, outcome.results, plan.targets, outDir);
      if (outcome.done > 0 && !opts.quiet) console.log(`(${outcome.done} runs from before the resume are not in this table)`);
      await finishOutputs(outDir, outcome.runs, opts, shard, (config.claims ?? []).length > 0);
      if (outcome.results.length > 0 && outcome.results.every((r) => r.status === 'failed')) process.exitCode = 1;
    }
    completed = outcome.kind !== 'already-done';
  } finally {
    release();
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

/** What the terminal (and the live view, with --live) shows of a sweep. */
function terminal(plan: Plan, opts: RunOptions, shard: Shard | undefined, live: LiveState | undefined): SweepListener {
  let progress: Progress | undefined;
  return {
    planned: (mine) => live?.expect(plan.config.name, plan.axes, mine),
    // Loading TensorFlow.js in the workers takes seconds (tens on a busy machine): say so at once.
    loading: (workers) => {
      if (!opts.quiet) console.log(`${plan.config.name}: loading TensorFlow.js (backend ${opts.backend}) in ${workers} worker${workers > 1 ? 's' : ''}...`);
    },
    began: (s) => {
      progress = new Progress([...s.todo], s.stepsOf, { quiet: opts.quiet, tty: redrawable(process.stdout), slots: s.slots });
      if (opts.quiet) return;
      const which = shard ? `shard ${formatShard(shard)} (${s.mine.length} of ${plan.runs.length} runs)` : `${plan.runs.length} runs`;
      const scope = [which, s.done > 0 ? `${s.done} already done` : ''].filter(Boolean);
      console.log(`${plan.config.name}: ${s.todo.length} to run of ${scope.join(', ')}; ${s.workers} worker${s.workers > 1 ? 's' : ''}, backend ${s.backend}`);
    },
    runStarted: (spec) => {
      progress?.start(spec);
      live?.started(spec.id);
    },
    evaluated: (spec, rec, total) => {
      progress?.update(spec, rec, total);
      live?.evaluated(spec.id, rec, total);
    },
    runCommitted: (result) => progress?.finish(result.spec, result),
    ended: () => progress?.close(),
  };
}

/**
 * The summaries, claims and report of a complete folder (none for an empty shard: there is nothing to
 * summarize). A shard of several checks no claims: they are about the whole sweep, whose other cells are in
 * other shards (`bn-exp merge` checks them on the merged set).
 */
async function finishOutputs(outDir: string, runs: number, opts: RunOptions, shard: Shard | undefined, claims: boolean): Promise<void> {
  if (runs === 0) return;
  writeSummaries(outDir);
  if (shard !== undefined && shard.count > 1) {
    if (claims && !opts.quiet) console.log(`claims: not checked on shard ${formatShard(shard)}; \`bn-exp merge\` checks them on the whole sweep`);
  } else {
    const claimed = writeClaims(outDir);
    if (claimed.length > 0) process.stdout.write(formatClaims(claimed));
  }
  if (opts.report !== false) {
    if (!opts.quiet) console.log('writing the report (figures, report.html, report.md)...');
    await (await import('./report.js')).reportAfterRun(outDir);
  }
}

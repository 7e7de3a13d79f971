import type { MessagePort } from 'node:worker_threads';
import type { BackendChoice } from '../backends.js';
import type { EvalRecord, RunResult, RunSpec } from '../types.js';
import { selectBackend } from '../train/backend.js';
import { runGroup, runOne } from '../train/run-one.js';
import type { SharedData } from '../data/load.js';

// The entry point of a pool worker (a worker thread with its own tfjs instance). It runs one RunSpec end
// to end and returns the RunResult as is: everything in it is structured-clone-able plain data, so
// whatever a run produces travels back to the parent, which alone writes files.

/** One task for a worker: the run, the backend to start (once per worker) and a port for progress. */
export interface RunTask {
  spec: RunSpec;
  /** The backend to start if this worker has not yet (the pool passes the one `startBackend` resolved). */
  backend: BackendChoice;
  port?: MessagePort;
  /** The parent's parsed data files (shared memory): a worker never opens them. */
  data?: SharedData;
}

/** A task of several runs trained as one batch of models (`run --vectorize K`). */
export interface GroupTask {
  specs: RunSpec[];
  backend: BackendChoice;
  port?: MessagePort;
  data?: SharedData;
}

/**
 * Posted on the task's port: when the run (or group) begins, after each evaluation (`member` is the run's
 * position in a group task), and `done` last, however the task ended: messages on one port arrive in
 * order, so `done` tells the parent it holds every evaluation.
 */
export type ProgressMessage = { kind: 'start' } | { kind: 'eval'; record: EvalRecord; total: number; member?: number } | { kind: 'done' };

let backendReady: Promise<string> | undefined;

/**
 * BN_EXP_TASK_DELAY_MS (for tests of interruption, not for users): each task waits this long before it
 * starts, so a test can signal a sweep between two committed tasks however fast the machine is.
 */
async function testDelay(): Promise<void> {
  const ms = Number(process.env.BN_EXP_TASK_DELAY_MS ?? 0);
  if (Number.isFinite(ms) && ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
}

/** Starts TensorFlow.js in this worker (once) and returns the backend that runs (tinypool calls it by name). */
export function startBackend(choice: BackendChoice): Promise<string> {
  backendReady ??= selectBackend(choice);
  return backendReady;
}

/** The task's last message, then its port closed. */
function endPort(port: MessagePort | undefined): void {
  port?.postMessage({ kind: 'done' } satisfies ProgressMessage);
  port?.close();
}

/** Runs one task in this worker (tinypool calls it by name). */
export async function runTask(task: RunTask): Promise<RunResult> {
  await startBackend(task.backend);
  await testDelay();
  const post = (m: ProgressMessage): void => task.port?.postMessage(m);
  try {
    post({ kind: 'start' });
    return await runOne(task.spec, { onEval: (record, total) => post({ kind: 'eval', record, total }), ...(task.data ? { data: task.data } : {}) });
  } finally {
    endPort(task.port);
  }
}

/** Runs one group task in this worker (tinypool calls it by name): one result per spec, in order. */
export async function runGroupTask(task: GroupTask): Promise<RunResult[]> {
  await startBackend(task.backend);
  await testDelay();
  const post = (m: ProgressMessage): void => task.port?.postMessage(m);
  try {
    post({ kind: 'start' });
    const onEval = (member: number, record: EvalRecord, total: number): void => post({ kind: 'eval', record, total, member });
    return await runGroup(task.specs, { onEval, ...(task.data ? { data: task.data } : {}) });
  } finally {
    endPort(task.port);
  }
}

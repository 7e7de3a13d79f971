import { setMaxListeners } from 'node:events';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { Tinypool } from 'tinypool';
import type { BackendChoice } from '../backends.js';
import type { GroupTask, ProgressMessage, RunTask } from './worker.js';
import { type Executor, failedResult, type RunHooks } from './executor.js';
import type { RunResult, RunSpec } from '../types.js';
import type { SharedData } from '../data/load.js';

/** The compiled worker entry point (dist/train/worker.js). */
const WORKER = new URL('./worker.js', import.meta.url).href;

/**
 * `--workers n`: a tinypool of n worker threads, each with its own tfjs instance, each running one
 * RunSpec at a time; the pool queues the rest. Results come back as plain RunResult objects. TensorFlow.js
 * loads only in the workers. `filename` selects another worker module (tests).
 */
export function poolExecutor(workers: number, filename = WORKER, data?: SharedData): Executor {
  const pool = new Tinypool({ filename, name: 'runTask', minThreads: workers, maxThreads: workers });
  const controller = new AbortController();
  setMaxListeners(0, controller.signal); // one abort listener per queued run
  let backend: BackendChoice = 'auto';

  /** One task (a run, or a group of runs) on the pool, with its progress port; one result per spec. */
  async function runTaskOnPool(
    specs: RunSpec[],
    hooks: RunHooks[],
    makeTask: (port: MessagePort) => RunTask | GroupTask,
    name: 'runTask' | 'runGroupTask',
  ): Promise<RunResult[]> {
    const { port1, port2 } = new MessageChannel();
    let finished = false;
    // The result and the progress travel on different channels: the parent waits for the worker's last
    // message ('done') so the last evaluation is delivered before the result is committed. The port's
    // 'close' event is not a signal here: it reached the parent only about 1 s after the worker closed
    // its end (Node 20), a second lost per task.
    let done!: () => void;
    const delivered = new Promise<void>((resolve) => (done = resolve));
    port1.on('message', (m: ProgressMessage) => {
      if (m.kind === 'done') return done();
      if (finished) return; // the port may deliver after the result
      if (m.kind === 'start') for (const h of hooks) h.onStart?.();
      else hooks[m.member ?? 0]?.onEval?.(m.record, m.total);
    });
    port1.once('close', () => done());
    const t0 = performance.now();
    try {
      const out = (await pool.run(makeTask(port2), { name, transferList: [port2], signal: controller.signal })) as RunResult | RunResult[];
      await Promise.race([delivered, new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
      return Array.isArray(out) ? out : [out];
    } catch (err) {
      if (controller.signal.aborted) throw controller.signal.reason;
      // The worker itself broke (crash, out of memory): its runs failed, the pool replaces the worker.
      return specs.map((spec) => failedResult(spec, `worker failed: ${err instanceof Error ? err.message : String(err)}`, t0));
    } finally {
      finished = true;
      port1.close();
    }
  }
  return {
    workers,
    async start(choice) {
      // One worker resolves the choice; every task then asks for that backend by name, so all workers agree.
      const name = (await pool.run(choice, { name: 'startBackend' })) as string;
      backend = name === 'tensorflow' ? 'node' : (name as BackendChoice);
      return name;
    },
    async run(spec, hooks) {
      const [result] = await runTaskOnPool([spec], [hooks], (port) => ({ spec, backend, port, ...(data ? { data } : {}) }), 'runTask');
      return result!;
    },
    runGroup(specs, hooks) {
      return runTaskOnPool(specs, hooks, (port) => ({ specs, backend, port, ...(data ? { data } : {}) }), 'runGroupTask');
    },
    abort: (reason) => controller.abort(reason),
    close: () => pool.destroy(),
  };
}

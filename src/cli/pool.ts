import { setMaxListeners } from 'node:events';
import { MessageChannel } from 'node:worker_threads';
import { Tinypool } from 'tinypool';
import type { BackendChoice } from '../backends.js';
import type { ProgressMessage, RunTask } from '../train/worker.js';
import { type Executor, failedResult } from './executor.js';
import type { DataContext } from '../train/run-one.js';

/** The compiled worker entry point (dist/train/worker.js). */
const WORKER = new URL('../train/worker.js', import.meta.url).href;

/**
 * `--workers n`: a tinypool of n worker threads, each with its own tfjs instance, each running one
 * RunSpec at a time; the pool queues the rest. Results come back as plain RunResult objects. TensorFlow.js
 * loads only in the workers. `filename` selects another worker module (tests).
 */
export function poolExecutor(workers: number, filename = WORKER, data?: DataContext): Executor {
  const pool = new Tinypool({ filename, name: 'runTask', minThreads: workers, maxThreads: workers });
  const controller = new AbortController();
  setMaxListeners(0, controller.signal); // one abort listener per queued run
  let backend: BackendChoice = 'auto';
  return {
    workers,
    async start(choice) {
      // One worker resolves the choice; every task then asks for that backend by name, so all workers agree.
      const name = (await pool.run(choice, { name: 'startBackend' })) as string;
      backend = name === 'tensorflow' ? 'node' : (name as BackendChoice);
      return name;
    },
    async run(spec, hooks) {
      const { port1, port2 } = new MessageChannel();
      let finished = false;
      port1.on('message', (m: ProgressMessage) => {
        if (finished) return; // the port may deliver after the result
        if (m.kind === 'start') hooks.onStart?.();
        else hooks.onEval?.(m.record, m.total);
      });
      // The worker closes its end when the task ends: messages posted before that arrive before 'close', so
      // waiting for it delivers the last evaluation before the result (the two travel on different channels).
      const closed = new Promise<void>((resolve) => port1.once('close', () => resolve()));
      const t0 = performance.now();
      try {
        const task: RunTask = { spec, backend, port: port2, ...(data ? { data } : {}) };
        const result = (await pool.run(task, { transferList: [port2], signal: controller.signal })) as Awaited<ReturnType<Executor['run']>>;
        await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
        return result;
      } catch (err) {
        if (controller.signal.aborted) throw controller.signal.reason;
        // The worker itself broke (crash, out of memory): this run failed, the pool replaces the worker.
        return failedResult(spec, `worker failed: ${err instanceof Error ? err.message : String(err)}`, t0);
      } finally {
        finished = true;
        port1.close();
      }
    },
    abort: (reason) => controller.abort(reason),
    close: () => pool.destroy(),
  };
}

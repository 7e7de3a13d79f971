import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { expandPlan } from '../plan/expand.js';
import { parseExperiment } from '../config/load.js';
import { selectBackend } from '../train/backend.js';
import { openData } from '../data/load.js';
import { runOne } from '../train/run-one.js';
import type { RunSpec } from '../types.js';
import { poolExecutor } from './pool.js';

// The pool runs the compiled worker (npm test builds dist/ first).
const worker = pathToFileURL(path.resolve('dist/launch/worker.js')).href;

const yaml = `
name: tiny
seeds: 2
data: { features: 6, classes: 2, trainSize: 128, testSize: 64, teacher: { depth: 1, width: 8 } }
model: { depth: 2, width: 8 }
train: { batchSize: 16, steps: 30, evalEvery: 10 }
sweep: { model.batchNorm: [off, before] }
`;
const specs = (): RunSpec[] => expandPlan(parseExperiment(yaml, 'tiny.yaml')).runs;

describe('poolExecutor', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  it('runs specs in 2 worker threads: same results as in process; a throwing run fails alone', async () => {
    const runs = specs();
    (runs[1]!.train as { optimizer: string }).optimizer = 'bogus';
    const pool = poolExecutor(2, worker);
    expect(await pool.start('wasm')).toBe('wasm'); // TensorFlow.js starts in a worker, not here
    const started: number[] = [];
    const evals: number[] = [];
    try {
      const results = await Promise.all(
        runs.map((spec) => pool.run(spec, { onStart: () => started.push(spec.index), onEval: (rec) => evals.push(rec.step) })),
      );
      expect(results.map((r) => r.status)).toEqual(['ok', 'failed', 'ok', 'ok']);
      expect(results[1]!.error).toBe('unsupported optimizer bogus');
      for (const i of [0, 2, 3]) expect(results[i]!.curve).toEqual((await runOne(runs[i]!)).curve);
      expect([...started].sort()).toEqual([0, 1, 2, 3]);
      expect(evals.filter((s) => s === 30)).toHaveLength(3);
    } finally {
      await pool.close();
    }
  });

  it('abort discards queued and running runs: every promise rejects with the reason', async () => {
    const pool = poolExecutor(2, worker);
    let aborted = false;
    const runs = [...specs(), ...specs()].map((spec) =>
      pool.run(spec, {
        onEval: () => {
          if (!aborted) pool.abort(new Error('stopped by SIGINT'));
          aborted = true;
        },
      }),
    );
    const settled = await Promise.allSettled(runs);
    await pool.close();
    const rejected = settled.filter((s) => s.status === 'rejected');
    expect(rejected.length).toBeGreaterThanOrEqual(runs.length - 2); // at most the two in flight could have finished
    for (const r of rejected) expect(String((r as PromiseRejectedResult).reason)).toContain('stopped by SIGINT');
  });

  it('a worker that dies of an uncaught error marks its run failed and the pool goes on', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bn-exp-pool-'));
    const file = path.join(dir, 'dying-worker.mjs');
    writeFileSync(
      file,
      `export async function runTask(task) {
         if (task.spec.index === 1) {
           setTimeout(() => { throw new Error('boom outside any try'); });
           return new Promise(() => {});
         }
         return { spec: task.spec, status: 'ok', steps: 0, curve: [], wallSeconds: 0 };
       }\n`,
    );
    const pool = poolExecutor(2, pathToFileURL(file).href);
    try {
      const results = await Promise.all(specs().map((spec) => pool.run(spec, {})));
      expect(results.map((r) => r.status)).toEqual(['ok', 'failed', 'ok', 'ok']);
      expect(results[1]!.error).toBe('worker failed: boom outside any try');
    } finally {
      await pool.close();
    }
  });

  it('workers train csv runs from the shared tables: the file deleted after openData changes nothing', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bn-exp-pool-csv-'));
    const file = path.join(dir, 'd.csv');
    writeFileSync(file, ['a,b,c,label', ...Array.from({ length: 90 }, (_, i) => `${(i * 7) % 13},${(i * 5) % 11 - 5},${i % 4},${['x', 'y', 'z'][i % 3]}`)].join('\n'));
    const config = path.join(dir, 'exp.yaml');
    const plan = expandPlan(
      parseExperiment(
        'name: csv\nseeds: 2\ndata: {kind: csv, path: d.csv}\nmodel: {depth: 2, width: 8}\ntrain: {batchSize: 16, steps: 20, evalEvery: 10}\nsweep: {model.batchNorm: [off, before]}\n',
        config,
      ),
    );
    const store = await openData(plan, config);
    rmSync(file); // read once: no worker (nor runOne in this thread) opens it again
    const pool = poolExecutor(2, worker, store.shared());
    try {
      await pool.start('wasm');
      const [a, b, ...group] = plan.runs; // runs alone, then a vectorized group (batchNorm before, 2 seeds)
      const results = [...(await Promise.all([a!, b!].map((spec) => pool.run(spec, {})))), ...(await pool.runGroup(group, group.map(() => ({}))))];
      expect(results.map((r) => [r.status, r.error])).toEqual(plan.runs.map(() => ['ok', undefined]));
      for (const [i, spec] of plan.runs.entries()) expect(results[i]!.curve).toEqual((await runOne(spec, { data: store })).curve);
    } finally {
      await pool.close();
    }
    const unread = await runOne(plan.runs[0]!);
    expect(unread.error).toBe(`run ${plan.runs[0]!.id}: csv data d.csv was not read (openData)`);
  });
});

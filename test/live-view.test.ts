import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type LiveSnapshot, LiveState } from '../src/cli/live-state.js';
import { type LiveServer, startLiveServer } from '../src/cli/watch.js';
import { partialSweep } from './live-fixture.js';

// The live view's JSON endpoint over plain HTTP, on a folder that grows as a sweep appends to it.

let server: LiveServer | undefined;
let dirs: string[] = [];
afterEach(async () => {
  await server?.close();
  server = undefined;
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});

async function state(since = 0): Promise<LiveSnapshot> {
  const r = await fetch(`${server!.url}api/state?since=${since}`);
  expect(r.status).toBe(200);
  expect(r.headers.get('content-type')).toBe('application/json');
  return (await r.json()) as LiveSnapshot;
}

describe('bn-exp watch: /api/state', () => {
  it('lists every planned run, then each evaluation and commit as it lands, holding back a torn line', async () => {
    const sweep = partialSweep(3);
    dirs.push(sweep.dir);
    server = await startLiveServer(sweep.dir, { port: 0, pollEvery: 0 });
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);

    const first = await state();
    const committedRows = sweep.ids.slice(0, 3).reduce((a, id) => a + sweep.curveLines.get(id)!.length, 0);
    expect(first.runs.map((r) => r.id)).toEqual(sweep.ids);
    expect(first.runs.map((r) => r.status)).toEqual(['ok', 'ok', 'ok', 'pending', 'pending', 'pending', 'pending', 'pending']);
    expect(first.points).toHaveLength(committedRows);
    expect(first.finished).toBe(true); // the manifest copied is a finished one
    expect(first.metrics).toContain('test_acc');

    // Run 4 appends its first evaluation in two writes: the first ends mid-line.
    const id = sweep.ids[3]!;
    const lines = sweep.curveLines.get(id)!;
    const cut = Math.floor(lines[0]!.length / 2);
    sweep.appendCurves(lines[0]!.slice(0, cut));
    const torn = await state(first.seq);
    expect(torn.points).toEqual([]);
    expect(torn.runs[3]!.status).toBe('pending');

    sweep.appendCurves(lines[0]!.slice(cut) + lines[1]!);
    const two = await state(torn.seq);
    expect(two.points.map((p) => [p.run, p.step])).toEqual(lines.slice(0, 2).map((l) => [id, Number(l.split(',')[1])]));
    const [, step, , trainLoss] = lines[1]!.trim().split(',');
    expect(two.points[1]!.values.train_loss).toBe(Number(trainLoss));
    expect(two.runs[3]).toMatchObject({ status: 'running', step: Number(step) });

    // The rest of its curve, then its runs.csv row commits it.
    sweep.appendCurves(lines.slice(2).join(''));
    sweep.appendRuns(sweep.runLine.get(id)!);
    const done = await state(two.seq);
    expect(done.points).toHaveLength(lines.length - 2);
    expect(done.runs[3]!.status).toBe('ok');
    expect(done.runs[3]!.step).toBe(done.runs[3]!.total);
    expect(done.epoch).toBe(first.epoch);
  });

  it('starts over (a new epoch) when a file is replaced whole, as the run-order rewrite does', async () => {
    const sweep = partialSweep(2);
    dirs.push(sweep.dir);
    server = await startLiveServer(sweep.dir, { port: 0, pollEvery: 0 });
    const before = await state();
    const file = path.join(sweep.dir, 'curves.csv');
    const [header, ...rows] = readFileSync(file, 'utf8').split(/(?<=\n)/);
    writeFileSync(`${file}.tmp`, header + rows.reverse().join(''));
    renameSync(`${file}.tmp`, file);
    const after = await state(before.seq);
    expect(after.epoch).toBe(before.epoch + 1);
    const again = await state(0);
    expect(again.points).toHaveLength(before.points.length);
  });

  it('serves the page, and refuses other hosts, methods and paths', async () => {
    const sweep = partialSweep(1);
    dirs.push(sweep.dir);
    server = await startLiveServer(sweep.dir, { port: 0 });
    const page = await fetch(server.url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('api/state');
    expect((await fetch(`${server.url}nope`)).status).toBe(404);
    expect((await fetch(server.url, { method: 'POST' })).status).toBe(405);
    // A foreign Host header (DNS rebinding) is refused; node's fetch won't send one, so use node:http.
    const http = await import('node:http');
    const code = await new Promise<number>((resolve, reject) =>
      http.get({ host: '127.0.0.1', port: server!.port, path: '/api/state', headers: { host: 'attacker.example' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      }).on('error', reject),
    );
    expect(code).toBe(403);
  });
});

describe('run --live: the state of a sweep in this process', () => {
  it('lists the planned runs before any file is written, then a run in flight with its evaluations', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bn-exp-live-'));
    dirs.push(dir);
    const state = new LiveState(dir);
    const runs = [0, 1].map((i) => ({ id: `r${i}`, index: i, seed: i, params: { 'model.batchNorm': 'off' } }));
    state.expect('quick', ['model.batchNorm'], runs);
    state.poll();
    expect(state.snapshot().runs.map((r) => [r.id, r.status, r.cell])).toEqual([
      ['r0', 'pending', 'model.batchNorm=off'],
      ['r1', 'pending', 'model.batchNorm=off'],
    ]);
    state.started('r1');
    state.evaluated('r1', { step: 50, epoch: 1, metrics: { train: { loss: 0.5, acc: 0.8 }, test: { loss: 0.6, acc: 0.75 } } }, 600);
    const snap = state.snapshot();
    expect(snap.runs[1]).toMatchObject({ status: 'running', step: 50, total: 600 });
    expect(snap.points).toEqual([{ seq: 1, run: 'r1', step: 50, values: { train_loss: 0.5, train_acc: 0.8, test_loss: 0.6, test_acc: 0.75 } }]);
  });
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseExperiment } from '../config/load.js';
import { openData } from '../data/load.js';
import { expandPlan } from '../plan/expand.js';
import { selectBackend } from './backend.js';
import { calibrate, calibrationSteps } from './calibrate.js';

describe('calibrationSteps', () => {
  it('never times fewer steps than evalEvery (a shorter run is invalid), nor more than the run has', () => {
    expect(calibrationSteps(50, 600)).toEqual([50, 100]);
    expect(calibrationSteps(250, 3000)).toEqual([250, 500]); // mnist-fig1: used to be 100 and 200, both invalid
    expect(calibrationSteps(250, 400)).toEqual([400]);
    expect(calibrationSteps(1, 600)).toEqual([10, 20]);
  });
});

describe('calibrate', () => {
  it('times csv runs on the store plan read (the file is not read again)', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bn-exp-calibrate-'));
    writeFileSync(path.join(dir, 'd.csv'), ['a,b,label', ...Array.from({ length: 60 }, (_, i) => `${i % 9},${(i * 3) % 7},${i % 2}`)].join('\n'));
    const config = path.join(dir, 'exp.yaml');
    const plan = expandPlan(parseExperiment('name: c\ndata: {kind: csv, path: d.csv}\ntrain: {batchSize: 8, steps: 30, evalEvery: 10}\n', config));
    const store = await openData(plan, config);
    rmSync(path.join(dir, 'd.csv'));
    await selectBackend('wasm');
    const timed = await calibrate(plan.runs[0]!, 30, store, 1);
    expect(timed.map((t) => t.steps)).toEqual([10, 20]);
  });

  it('times a vectorized group as run trains it and charges each run its share', async () => {
    const plan = expandPlan(
      parseExperiment('name: g\nseeds: 3\ndata: {kind: synthetic, trainSize: 64, testSize: 32}\nmodel: {depth: 2, width: 8}\ntrain: {batchSize: 8, steps: 20, evalEvery: 10}\n', 'g.yaml'),
    );
    await selectBackend('wasm');
    const [spec, ...rest] = plan.runs;
    const alone = await calibrate(spec!, 20, undefined, 1);
    const grouped = await calibrate(spec!, 20, undefined, 1, [spec!, ...rest]);
    expect(grouped.map((t) => [t.spec.id, t.steps])).toEqual(alone.map((t) => [t.spec.id, t.steps]));
    for (const t of grouped) expect(t.seconds).toBeGreaterThan(0);
  });
});

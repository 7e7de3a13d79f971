import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bnExp, type Result } from '../../test/helpers.js';
import { Rng } from '../stats/rng.js';

// End to end: `bn-exp identity` on every data kind, through the built CLI (npm test builds dist/ first),
// spawned (asynchronously: the test worker keeps answering vitest): identity trains in its own thread and
// selects a tfjs backend, which the unit tests sharing this worker must not see.
const identity = (config: string): Promise<Result> => bnExp(['identity', config, '--backend', 'wasm'], { cwd: os.tmpdir() });

const MODEL = 'model: { depth: 2, width: 16, batchNorm: before }\ntrain: { batchSize: 16, steps: 20, evalEvery: 10 }\n';

/** Writes `name` with `text` into a fresh temp folder; returns its path. */
function write(dir: string, name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

/** The identity lines' max |BN(z) − z| / max |z| per BN layer, and the batch-of-one class count. */
function parse(stdout: string): { ratios: number[]; batchOfOneClasses: number } {
  const ratios = [...stdout.matchAll(/max \|BN\(z\) - z\| = (\S+)\s+\(max \|z\| = (\S+)\)/g)].map((m) => Number(m[1]) / Number(m[2]));
  const classes = /batch statistics, k = 1:.*predicted classes: (\d+)/.exec(stdout);
  return { ratios, batchOfOneClasses: Number(classes?.[1]) };
}

describe('bn-exp identity on every data kind', () => {
  it('mnist: trains on the mnist package data and shows the identity', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bn-exp-identity-'));
    const config = write(dir, 'mnist.yaml', `name: id-mnist\nseeds: [1]\ndata: { kind: mnist, trainPerClass: 20, testPerClass: 5 }\n${MODEL}`);
    const r = await identity(config);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('test set of 50 examples');
    const { ratios, batchOfOneClasses } = parse(r.stdout);
    expect(ratios).toHaveLength(2);
    for (const x of ratios) expect(x).toBeLessThan(1e-4);
    expect(batchOfOneClasses).toBe(1);
  }, 120_000); // CLI processes that train: slow on a loaded 2-core machine

  it('csv: reads the file next to the config, and a missing file is exit 2 naming data.path', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bn-exp-identity-'));
    const rng = Rng.derive(4, 'identity-csv');
    const lines = ['a,b,c,label'];
    for (let i = 0; i < 80; i++) {
      const [a, b, c] = [rng.normal(), rng.normal(), rng.normal()];
      lines.push(`${a.toFixed(4)},${b.toFixed(4)},${c.toFixed(4)},${a + 0.5 * b > 0 ? 'yes' : 'no'}`);
    }
    write(dir, 'tiny.csv', `${lines.join('\n')}\n`);
    const config = write(dir, 'csv.yaml', `name: id-csv\nseeds: [1]\ndata: { kind: csv, path: tiny.csv, testFraction: 0.25 }\n${MODEL}`);
    const r = await identity(config);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('test set of 20 examples');
    const { ratios, batchOfOneClasses } = parse(r.stdout);
    expect(ratios).toHaveLength(2);
    for (const x of ratios) expect(x).toBeLessThan(1e-4);
    expect(batchOfOneClasses).toBe(1);

    const missing = write(dir, 'missing.yaml', `name: id-csv\nseeds: [1]\ndata: { kind: csv, path: nowhere.csv }\n${MODEL}`);
    const bad = await identity(missing);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('data.path');
    expect(bad.stderr).toContain('nowhere.csv');
    expect(bad.stderr).not.toMatch(/\n\s+at /); // no stack trace
  }, 120_000); // CLI processes that train: slow on a loaded 2-core machine
});

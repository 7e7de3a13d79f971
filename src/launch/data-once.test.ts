import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../record/csv.js';

// End to end (the built CLI, dist/): the CSV is read once, before the workers start. Deleting it while
// they load TensorFlow.js (each task waits BN_EXP_TASK_DELAY_MS first, so none has begun) changes
// nothing: every run trains, on the content whose hash the manifest holds.

describe('run on a csv deleted once the sweep has started', () => {
  it('finishes every run with 2 workers', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bn-exp-data-once-'));
    const csv = path.join(dir, 'd.csv');
    writeFileSync(csv, ['a,b,label', ...Array.from({ length: 60 }, (_, i) => `${i % 9},${(i * 3) % 7},${['p', 'q'][i % 2]}`)].join('\n'));
    writeFileSync(
      path.join(dir, 'exp.yaml'),
      'name: once\nseeds: 2\ndata: {kind: csv, path: d.csv}\nmodel: {depth: 2, width: 8}\ntrain: {batchSize: 8, steps: 20, evalEvery: 10}\nsweep: {model.batchNorm: [off, before]}\n',
    );
    const child = spawn(process.execPath, [path.resolve('bin/bn-exp.js'), 'run', 'exp.yaml', '--workers', '2', '--backend', 'wasm', '--no-report'], {
      cwd: dir,
      env: { ...process.env, FORCE_COLOR: '0', BN_EXP_TASK_DELAY_MS: '1500' },
    });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (stdout.includes('loading TensorFlow.js') && existsSync(csv)) rmSync(csv);
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(existsSync(csv)).toBe(false);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const runs = parseCsv(readFileSync(path.join(dir, 'results', 'once', 'runs.csv'), 'utf8'));
    expect(runs.map((r) => r.status)).toEqual(['ok', 'ok', 'ok', 'ok']);
  });
});

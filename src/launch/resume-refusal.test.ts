import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// End to end (the built CLI, dist/): a --resume that will be refused is refused before anything in the
// folder is trimmed or written, whatever refuses it: other data, other columns (probes added), another
// backend. The folder is a sweep killed mid-run: a run's curve rows without its runs.csv row, and a torn
// curves.csv line, which a resume that goes ahead drops.

const bin = path.resolve('bin/bn-exp.js');

function bnExp(args: string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [bin, ...args], { cwd, env: { ...process.env, FORCE_COLOR: '0' } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Every file of a folder with its content and mtime. */
function snapshot(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .map((f) => `${f} ${statSync(path.join(dir, f)).mtimeMs} ${readFileSync(path.join(dir, f), 'utf8')}`);
}

const data = (shift: number): string =>
  ['a,b,c,label', ...Array.from({ length: 80 }, (_, i) => `${((i * 7) % 13) + shift},${(i * 5) % 11},${i % 4},${['x', 'y'][i % 2]}`)].join('\n');

describe('run --resume refused', () => {
  it('leaves a killed folder byte-identical (data changed, probes added, other backend); then resumes to the same results', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bn-exp-resume-'));
    writeFileSync(path.join(dir, 'd.csv'), data(0));
    writeFileSync(
      path.join(dir, 'exp.yaml'),
      'name: r\nseeds: 2\ndata: {kind: csv, path: d.csv}\nmodel: {depth: 2, width: 8}\ntrain: {batchSize: 16, steps: 20, evalEvery: 10}\nsweep: {model.batchNorm: [off, before]}\n',
    );
    const run = (out: string, ...more: string[]) => bnExp(['run', 'exp.yaml', '--out', out, '--backend', 'wasm', '--quiet', '--no-report', ...more], dir);
    const full = await run('full');
    expect(full.stderr).toBe('');
    expect(full.code).toBe(0);

    // The killed copy: runs.csv without its last run, that run's curve rows kept, a torn curves.csv line.
    const killed = path.join(dir, 'killed');
    const first = await run('killed');
    expect(first.code).toBe(0);
    const runsCsv = path.join(killed, 'runs.csv');
    writeFileSync(runsCsv, readFileSync(runsCsv, 'utf8').split('\n').slice(0, -2).join('\n') + '\n');
    appendFileSync(path.join(killed, 'curves.csv'), 'abc,1,0.5');
    const before = snapshot(killed);

    writeFileSync(path.join(dir, 'd.csv'), data(1));
    const edited = await run('killed', '--resume');
    expect(edited.stderr).toMatch(/holds a different experiment \(the content of d\.csv differs \(sha256 \w+ vs \w+\)\); cannot resume/);
    expect(edited.code).toBe(2);
    expect(snapshot(killed)).toEqual(before);
    writeFileSync(path.join(dir, 'd.csv'), data(0));

    const probes = await run('killed', '--resume', '--set', 'probes.every=10');
    expect(probes.stderr).toMatch(/\.csv: its columns differ from this run's/);
    expect(probes.code).toBe(2);
    expect(snapshot(killed)).toEqual(before);

    const manifest = path.join(killed, 'manifest.json');
    const json = readFileSync(manifest, 'utf8');
    writeFileSync(manifest, json.replace('"backend": "wasm"', '"backend": "cpu"'));
    const other = snapshot(killed);
    const backend = await run('killed', '--resume');
    expect(backend.stderr).toContain('was run on backend cpu, this process got wasm');
    expect(backend.code).toBe(2);
    expect(snapshot(killed)).toEqual(other);
    writeFileSync(manifest, json);

    const resumed = await run('killed', '--resume');
    expect(resumed.stderr).toBe('');
    expect(resumed.code).toBe(0);
    for (const f of ['curves.csv', 'shifts.csv']) expect(readFileSync(path.join(killed, f), 'utf8')).toBe(readFileSync(path.join(dir, 'full', f), 'utf8'));
  });
});

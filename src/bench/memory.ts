import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { Rng } from '../stats/rng.js';
import { CLI } from './cli-path.js';

// `npm run bench -- --only memory`: the peak memory of a csv sweep against the data's float32 size. A CSV
// of ~90 MB (400k rows x 32 features) is written to a temp folder; `bn-exp validate` (the data read and
// checked, no TensorFlow.js) and `bn-exp run` with 2 workers each run in a fresh process, and the peak
// resident set (VmHWM of /proc/<pid>/status: worker threads share the process) is sampled until it exits.
// A synthetic sweep of the same shape gives the fixed cost (Node, TensorFlow.js in 2 workers). Linux only.


/** Peak resident sets (bytes) of the benchmark's processes and the data's sizes. */
export interface MemoryRow {
  rows: number;
  features: number;
  csvBytes: number;
  float32Bytes: number;
  /** `bn-exp validate`: read, parse and check the data (no training). */
  validatePeak: number;
  /** `bn-exp run --workers 2` on the csv (default flags: --vectorize auto trains the 2 seeds of a cell as one group). */
  runPeak: number;
  /** The same with --vectorize 1 (each worker trains one run at a time). */
  runPeakSeparate: number;
  /** `bn-exp run --workers 2` on synthetic data of 2000 rows (the fixed cost). */
  fixedPeak: number;
}

/** Write a CSV of `rows` x `features` standard-normal values (4 decimals) and a 3-class label, streamed. */
async function writeCsv(file: string, rows: number, features: number): Promise<void> {
  const out = createWriteStream(file);
  const rng = Rng.derive(0, 'bench-memory');
  const header = [...Array.from({ length: features }, (_, j) => `f${j}`), 'label'].join(',') + '\n';
  out.write(header);
  const row = new Float32Array(features);
  let chunk = '';
  for (let r = 0; r < rows; r++) {
    rng.fillNormal(row, 0, 1);
    chunk += `${Array.from(row, (v) => v.toFixed(4)).join(',')},${r % 3}\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
}

/** Run `bn-exp args` in a fresh process and return its peak resident set in bytes (sampled every 50 ms). */
async function peakOf(args: string[], cwd: string, cli: string): Promise<number> {
  const child = spawn(process.execPath, [cli, ...args], { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  let peak = 0;
  const sample = (): void => {
    try {
      const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1];
      if (kb !== undefined) peak = Math.max(peak, Number(kb) * 1024);
    } catch {
      // the process has just exited
    }
  };
  const timer = setInterval(sample, 50);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearInterval(timer);
  if (code !== 0) throw new Error(`bn-exp ${args.join(' ')} exited ${code}: ${stderr}`);
  return peak;
}

const EXPERIMENT = (data: string): string => `name: memory
question: how much memory does a csv sweep take?
seeds: 2
data: ${data}
model: { depth: 2, width: 32 }
train: { batchSize: 64, steps: 20, evalEvery: 10 }
sweep: { model.batchNorm: [off, before] }
`;

/**
 * Measure the peaks of a sweep (4 runs: 2 seeds x BN off/before, 2 workers, default flags) on a CSV of
 * `rows` x `features`; `cli` selects another build of bn-exp (e.g. an older checkout, to compare).
 */
export async function benchMemory(rows = 400_000, features = 32, cli = CLI): Promise<MemoryRow> {
  const dir = mkdtempSync(path.join(tmpdir(), 'bn-exp-memory-'));
  try {
    const csv = path.join(dir, 'data.csv');
    await writeCsv(csv, rows, features);
    writeFileSync(path.join(dir, 'csv.yaml'), EXPERIMENT('{ kind: csv, path: data.csv }'));
    writeFileSync(path.join(dir, 'synthetic.yaml'), EXPERIMENT(`{ features: ${features}, classes: 3, trainSize: 1600, testSize: 400 }`));
    const run = (config: string, ...more: string[]): string[] => [
      'run', config, '--workers', '2', '--backend', 'wasm', '--quiet', '--no-report', '--out', path.join(dir, `out-${config}-${more.length}`), ...more,
    ];
    const validatePeak = await peakOf(['validate', 'csv.yaml'], dir, cli);
    const fixedPeak = await peakOf(run('synthetic.yaml'), dir, cli);
    const runPeak = await peakOf(run('csv.yaml'), dir, cli);
    const runPeakSeparate = await peakOf(run('csv.yaml', '--vectorize', '1'), dir, cli);
    return { rows, features, csvBytes: statSync(csv).size, float32Bytes: rows * features * 4, validatePeak, runPeak, runPeakSeparate, fixedPeak };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

import { appendFileSync, copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// A results folder as a sweep leaves it part-way: the committed CI baseline (a real result set, 8 runs)
// cut to its first `committed` runs, with the rest of its rows kept aside to append as the test goes.

const root = fileURLToPath(new URL('..', import.meta.url));
const BASELINE = path.join(root, 'results', 'baselines', 'ci-baseline');

/** A folder holding the first `committed` runs of the baseline, and the lines still to land. */
export interface PartialSweep {
  dir: string;
  /** Run ids in run-list order. */
  ids: string[];
  /** curves.csv lines (with newline) of each run id. */
  curveLines: Map<string, string[]>;
  /** runs.csv line of each run id. */
  runLine: Map<string, string>;
  appendCurves(text: string): void;
  appendRuns(text: string): void;
}

function split(file: string): { header: string; lines: string[] } {
  const [header, ...lines] = readFileSync(file, 'utf8').split(/(?<=\n)/);
  return { header: header!, lines: lines.filter((l) => l.trim() !== '') };
}

/** Make a partial sweep folder in a fresh temp dir. */
export function partialSweep(committed: number): PartialSweep {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bn-exp-live-'));
  copyFileSync(path.join(BASELINE, 'manifest.json'), path.join(dir, 'manifest.json'));
  const runs = split(path.join(BASELINE, 'runs.csv'));
  const curves = split(path.join(BASELINE, 'curves.csv'));
  const ids = runs.lines.map((l) => l.split(',')[0]!);
  const runLine = new Map(runs.lines.map((l, i) => [ids[i]!, l]));
  const curveLines = new Map<string, string[]>(ids.map((id) => [id, curves.lines.filter((l) => l.startsWith(`${id},`))]));
  const first = ids.slice(0, committed);
  writeFileSync(path.join(dir, 'runs.csv'), runs.header + first.map((id) => runLine.get(id)).join(''));
  writeFileSync(path.join(dir, 'curves.csv'), curves.header + first.flatMap((id) => curveLines.get(id)!).join(''));
  return {
    dir,
    ids,
    curveLines,
    runLine,
    appendCurves: (text) => appendFileSync(path.join(dir, 'curves.csv'), text),
    appendRuns: (text) => appendFileSync(path.join(dir, 'runs.csv'), text),
  };
}

import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

/*
 * Byte-identity check for refactors of the training core: runs every shipped experiment shortened and
 * compares its curves.csv and layers.csv byte for byte with an earlier recording.
 *
 *   node dist/bench/identical.js record /tmp/before          # on the old code
 *   node dist/bench/identical.js compare /tmp/before /tmp/after   # on the new code: runs, then compares
 *   node dist/bench/identical.js compare /tmp/before /tmp/after --no-run   # compare two existing recordings
 *   node dist/bench/identical.js record /tmp/before --root /work/wt/old     # run another (built) checkout
 *
 * Extra CLI flags for every run go after `--` (e.g. `-- --vectorize 8`). Exits 1 when a file differs.
 * Slow (a few minutes on 2 cores): not part of the test suite.
 */

/** CSVs compared byte for byte: the training trajectory and the layer probes (no wall-clock columns). */
const COMPARED = ['curves.csv', 'layers.csv'];

/** Overrides that shorten a shipped experiment to a few dozen steps (probes and evaluations stay on). */
function shortening(configText: string): string[] {
  // A config sets exactly one of epochs and steps. Epoch configs get one epoch; their largest batch may
  // then take only a few steps, so they evaluate every 4 steps.
  const sets = /^\s+epochs:/m.test(configText)
    ? ['train.epochs=1', 'train.evalEvery=4']
    : ['train.steps=40', 'train.evalEvery=20'];
  sets.push('seeds=2');
  if (/^probes:/m.test(configText)) sets.push(`probes.every=${sets[0] === 'train.epochs=1' ? 64 : 20}`);
  return sets.flatMap((s) => ['--set', s]);
}

function experimentFiles(root: string, only: string | undefined): string[] {
  const dir = join(root, 'experiments');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .filter((f) => only === undefined || only.split(',').includes(f.replace(/\.yaml$/, '')))
    .sort()
    .map((f) => join(dir, f));
}

function runAll(root: string, outRoot: string, only: string | undefined, extra: string[]): boolean {
  let ok = true;
  for (const file of experimentFiles(root, only)) {
    const name = file.split('/').pop()!.replace(/\.yaml$/, '');
    const args = [join(root, 'bin/bn-exp.js'), 'run', file, ...shortening(readFileSync(file, 'utf8'))];
    args.push('--out', join(outRoot, name), '--force', '--quiet', '--no-report', '--backend', 'wasm', ...extra);
    const t = performance.now();
    const r = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8' });
    const s = ((performance.now() - t) / 1000).toFixed(1);
    // Exit 1 is a run that diverged or failed a claim: still a valid recording.
    if (r.status !== 0 && r.status !== 1) {
      ok = false;
      process.stdout.write(`${name}: exit ${r.status} after ${s} s\n${r.stderr}\n`);
    } else process.stdout.write(`${name}: recorded in ${s} s\n`);
  }
  return ok;
}

function compareAll(before: string, after: string, only: string | undefined): boolean {
  let same = true;
  const names = only === undefined ? readdirSync(before).sort() : only.split(',');
  for (const name of names) {
    for (const csv of COMPARED) {
      const a = join(before, name, csv);
      const b = join(after, name, csv);
      if (!existsSync(a) && !existsSync(b)) continue;
      if (!existsSync(a) || !existsSync(b)) {
        same = false;
        process.stdout.write(`${name}/${csv}: present in only one recording\n`);
        continue;
      }
      const equal = readFileSync(a).equals(readFileSync(b));
      if (!equal) same = false;
      process.stdout.write(`${name}/${csv}: ${equal ? 'identical' : 'DIFFERS'}\n`);
    }
  }
  return same;
}

function main(): void {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { only: { type: 'string' }, root: { type: 'string' }, 'no-run': { type: 'boolean', default: false } },
  });
  const [mode, first, second, ...extra] = positionals;
  // --root: the checkout whose bin/bn-exp.js and experiments/ are run (e.g. a worktree of the old code).
  const root = values.root !== undefined ? resolve(values.root) : resolve(import.meta.dirname, '../..');
  if (mode === 'record' && first) {
    process.exitCode = runAll(root, resolve(first), values.only, [second ?? '', ...extra].filter(Boolean)) ? 0 : 3;
  } else if (mode === 'compare' && first && second) {
    if (!values['no-run'] && !runAll(root, resolve(second), values.only, extra)) process.exitCode = 3;
    else process.exitCode = compareAll(resolve(first), resolve(second), values.only) ? 0 : 1;
  } else {
    process.stderr.write('usage: identical.js record <dir> | compare <before> <after> [--no-run]; options --only a,b, --root <checkout>; run flags after --\n');
    process.exitCode = 2;
  }
}

main();

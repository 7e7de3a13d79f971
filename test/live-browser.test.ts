import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { LiveState } from '../src/cli/live-state.js';
import { startLiveServer } from '../src/cli/watch.js';
import { chromiumFlags } from './helpers.js';
import { partialSweep } from './live-fixture.js';

// The live view in a real browser (Debian's chromium, headless, as src/cli/report-browser.test.ts): the
// page loads, then an evaluation is appended to curves.csv, and the DOM chromium dumps shows it without
// a reload. Chromium runs asynchronously so that this process's server can answer it.
const CHROMIUM = process.env.BN_EXP_CHROMIUM ?? '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`live-browser.test.ts: skipped: ${CHROMIUM} not found (install it with: apt-get install -y chromium)`);

const tmp = mkdtempSync(path.join(os.tmpdir(), 'bn-exp-live-browser-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A LiveState that lets the test act between the page's polls. */
class Staged extends LiveState {
  polls = 0;
  constructor(dir: string, private readonly before: (poll: number) => void) {
    super(dir);
  }
  override poll(): void {
    this.polls++;
    this.before(this.polls);
    super.poll();
  }
}

describe.skipIf(!hasChromium)('the live view in headless chromium', () => {
  it('shows an evaluation appended after the page loaded', async () => {
    const sweep = partialSweep(3);
    const id = sweep.ids[3]!;
    const lines = sweep.curveLines.get(id)!;
    const step = Number(lines[1]!.split(',')[1]);
    // Before the page's second poll, run 4 lands its first two evaluations (the second torn, then whole).
    const state = new Staged(sweep.dir, (n) => {
      if (n === 2) sweep.appendCurves(lines[0]! + lines[1]!.slice(0, 5));
      if (n === 3) sweep.appendCurves(lines[1]!.slice(5));
    });
    const server = await startLiveServer(sweep.dir, { port: 0, pollEvery: 0, state });
    try {
      const profile = mkdtempSync(path.join(tmp, 'profile-'));
      const { stdout, stderr } = await promisify(execFile)(
        CHROMIUM,
        [
          ...chromiumFlags(profile),
          '--virtual-time-budget=6000', // ~6 polls of the page, in virtual time
          '--dump-dom',
          server.url,
        ],
        { encoding: 'utf8', timeout: 90_000, maxBuffer: 16 << 20 },
      );
      expect(stderr.split('\n').filter((l) => /:CONSOLE[:(]|Uncaught/.test(l))).toEqual([]);
      expect(state.polls).toBeGreaterThanOrEqual(4);
      // Before the append the page listed run 4 as pending; the dump shows it running at the new step.
      const row = new RegExp(`<tr data-run="${id}" data-status="running" data-step="${step}">`);
      expect(stdout).toMatch(row);
      expect(stdout).toContain('3 of 8 runs done');
      // A panel per cell with a curve per run that has evaluations (3 committed + run 4).
      const panels = stdout.slice(stdout.indexOf('<div id="cells"'), stdout.indexOf('<table>'));
      expect(panels.match(/<div class="cell">/g)).toHaveLength(2);
      expect(panels.match(/<polyline/g)).toHaveLength(4);
    } finally {
      await server.close();
      rmSync(sweep.dir, { recursive: true, force: true });
    }
  }, 120_000);
});

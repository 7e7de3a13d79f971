import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { writeReport } from '../src/cli/report.js';
import { chromiumFlags, root, run } from './helpers.js';

// Opens a report in a real browser: Debian's chromium, headless, offline, with a fresh profile. It dumps
// the DOM the browser built (every figure must be there) and takes a screenshot, with console logging
// on stderr: any console message (an uncaught error, a failed script) fails the test. Skipped, with the
// reason printed, where /usr/bin/chromium is not installed (.ci/run installs it).
const CHROMIUM = process.env.BN_EXP_CHROMIUM ?? '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`report-browser.test.ts: skipped: ${CHROMIUM} not found (install it with: apt-get install -y chromium)`);

const tmp = mkdtempSync(path.join(os.tmpdir(), 'bn-exp-browser-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function chromium(args: string[]): ReturnType<typeof run> {
  const profile = mkdtempSync(path.join(tmp, 'profile-'));
  return run(
    CHROMIUM,
    [
      ...chromiumFlags(profile),
      ...args,
    ],
    { timeout: 150_000 },
  );
}

describe.skipIf(!hasChromium)('report.html in headless chromium', () => {
  it('renders every figure with no console message', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    // The committed CI baseline: a real result set (BN off vs before, 4 seeds), no training needed.
    const out = path.join(tmp, 'report');
    const { html, figures } = await writeReport(path.join(root, 'results', 'baselines', 'ci-baseline'), { out });
    vi.restoreAllMocks();
    const url = pathToFileURL(html).href;

    const dom = await chromium(['--dump-dom', url]);
    expect(dom.code).toBe(0);
    const consoleLines = dom.stderr.split('\n').filter((l) => /:CONSOLE[:(]|Uncaught/.test(l));
    expect(consoleLines).toEqual([]);
    expect(dom.stdout.match(/<svg/g)).toHaveLength(figures.length);
    const source = readFileSync(html, 'utf8');
    for (const answer of source.matchAll(/<p class="answer">([^<]+)<\/p>/g)) expect(dom.stdout).toContain(answer[1]!);

    const shot = path.join(tmp, 'report.png');
    const s = await chromium([`--screenshot=${shot}`, '--window-size=1200,2400', '--hide-scrollbars', url]);
    expect(s.code).toBe(0);
    expect(statSync(shot).size).toBeGreaterThan(50_000); // a blank page of this size is ~13 kB, this report ~230 kB
  });
});

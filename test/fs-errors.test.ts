import { symlinkSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { asFileSystemError } from '../src/errors.js';
import { bnExpIn, copyResults, root, tmpDir } from './helpers.js';

// A filesystem that refuses a write is not a bug (no stack, not exit 3) and not bad input (not exit 2):
// one line naming the path, exit 1. (Tests run as root here, so permission errors are mapped in the unit test.)
// The commands run in process (bnExpIn): the error boundary is runCli's, as in a spawned CLI.
const config = path.join(root, 'experiments', 'ci-baseline.yaml');

describe('filesystem errors', { timeout: 300_000 }, () => {
  it('a full disk: one line naming the path, exit 1', async () => {
    const out = path.join(tmpDir(), 'full.svg');
    symlinkSync('/dev/full', out); // every write to /dev/full fails with ENOSPC
    const r = await bnExpIn(['plot', copyResults('set'), '--metric', 'final_test_acc', '--out', out]);
    expect(r.stderr.trim()).toBe(`bn-exp: cannot write or read ${out}: no space left on the device (ENOSPC). Nothing is wrong with the input; free space or fix permissions, then retry (run with --resume to continue a run).`);
    expect(r.code).toBe(1);
  });

  it('a read-only filesystem: exit 1 naming the folder', async () => {
    const r = await bnExpIn(['run', config, '--out', '/sys/bn-exp-results', '--backend', 'wasm', '--quiet']);
    expect(r.stderr).toMatch(/^bn-exp: cannot write or read \/sys\/bn-exp-results: (operation not permitted \(EPERM\)|the filesystem is read-only \(EROFS\)|no such file or folder \(ENOENT\)|permission denied \(EACCES\))/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(1);
  });

  it.each([
    ['ENOSPC', 'no space left on the device'],
    ['EROFS', 'the filesystem is read-only'],
    ['EACCES', 'permission denied'],
    ['EPERM', 'operation not permitted'],
    ['ENOENT', 'no such file or folder'],
  ])('maps %s to a FileSystemError naming the path', (code, words) => {
    const err = Object.assign(new Error('x'), { code, path: '/r/runs.csv' });
    expect(asFileSystemError(err)?.message).toContain(`/r/runs.csv: ${words} (${code})`);
    expect(asFileSystemError(new Error('plain'))).toBeUndefined();
  });
});

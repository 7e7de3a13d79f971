import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Code, captions and experiments cite the shipped docs/science.md: every cited section must exist.
const root = fileURLToPath(new URL('..', import.meta.url));

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
}

describe('docs/science.md citations', () => {
  const doc = readFileSync(path.join(root, 'docs', 'science.md'), 'utf8');
  const anchors = new Set([...doc.matchAll(/^#{2,3} (.+)$/gm)].map((m) => slug(m[1]!)));
  const sources = [...files(path.join(root, 'src')), ...files(path.join(root, 'experiments'))].filter((f) => /\.(ts|ya?ml|md)$/.test(f));

  it('every docs/science.md#anchor in src/ and experiments/ names a section, and nothing cites SCIENCE.md', () => {
    const cited: string[] = [];
    for (const f of sources.filter((x) => x !== fileURLToPath(import.meta.url))) {
      const text = readFileSync(f, 'utf8');
      expect(text.includes('SCIENCE.md'), f).toBe(false);
      for (const m of text.matchAll(/docs\/science\.md#([a-z0-9-]+)/g)) cited.push(m[1]!);
    }
    expect(cited.length).toBeGreaterThan(10);
    expect(cited.filter((a) => !anchors.has(a))).toEqual([]);
    expect(anchors.has('bn-noise')).toBe(true);
  });
});

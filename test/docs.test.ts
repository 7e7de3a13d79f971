import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseExperiment } from '../src/config/load.js';
import {
  CsvDataSchema,
  EvalSchema,
  ExperimentSchema,
  InputSchema,
  MnistDataSchema,
  ModelSchema,
  ProbesSchema,
  SyntheticDataSchema,
  TeacherSchema,
  TrainSchema,
} from '../src/config/schema.js';
import { unwrap } from '../src/config/schema-walk.js';
import { expandPlan } from '../src/plan/expand.js';

// The README and docs/ are read by people who cannot ask us: every link must lead somewhere, every path
// named must exist, every command and config key must be documented, and the README must stay short.

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const docsDir = join(root, 'docs');
const pages = [join(root, 'README.md'), ...readdirSync(docsDir).filter((f) => f.endsWith('.md')).map((f) => join(docsDir, f))];

/** The text outside fenced code blocks (links and headings inside code are not links or headings). */
function prose(markdown: string): string {
  return markdown.replace(/^```[^\n]*\n[\s\S]*?^```[ \t]*$/gm, '');
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const m of prose(markdown).matchAll(/^#{1,6}[ \t]+(.+?)[ \t]*#*[ \t]*$/gm)) {
    const slug = m[1]!
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    out.add(n === 0 ? slug : `${slug}-${n}`);
  }
  return out;
}

/** Targets of inline links `[text](target)`, outside code. */
function linkTargets(markdown: string): string[] {
  const text = prose(markdown).replace(/`[^`\n]*`/g, 'code');
  return [...text.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]!);
}

function rel(file: string): string {
  return relative(root, file);
}

describe('README.md and docs/', () => {
  it('README.md is at most 220 lines', () => {
    const lines = readFileSync(join(root, 'README.md'), 'utf8').split('\n').length;
    expect(lines).toBeLessThanOrEqual(220);
  });

  it('every relative link points to an existing file, and every anchor to a heading of it', () => {
    const broken: string[] = [];
    let checked = 0;
    for (const page of pages) {
      for (const target of linkTargets(readFileSync(page, 'utf8'))) {
        if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto: ...
        checked++;
        const [path = '', anchor] = target.split('#');
        const file = path === '' ? page : resolve(dirname(page), decodeURIComponent(path));
        if (!existsSync(file)) {
          broken.push(`${rel(page)}: ${target}: no such file`);
          continue;
        }
        if (anchor !== undefined && anchor !== '' && file.endsWith('.md') && !anchors(readFileSync(file, 'utf8')).has(anchor)) {
          broken.push(`${rel(page)}: ${target}: no heading "#${anchor}" in ${rel(file)}`);
        }
      }
    }
    expect(broken).toEqual([]);
    expect(checked).toBeGreaterThan(pages.length); // the links were found at all
  });

  it('every repository path named in code spans exists', () => {
    const missing: string[] = [];
    for (const page of pages) {
      for (const m of readFileSync(page, 'utf8').matchAll(/`((?:src|experiments|bin|test|\.ci)\/[\w./-]*)`/g)) {
        if (!existsSync(join(root, m[1]!))) missing.push(`${rel(page)}: ${m[1]}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('cites no internal project notes', () => {
    for (const page of pages) {
      expect(readFileSync(page, 'utf8'), rel(page)).not.toMatch(/SCIENCE\.md|SPEC\.md|STYLE\.md/);
    }
  });

  it("every command of src/cli/commands.ts has a row in the README's commands table", () => {
    const source = readFileSync(join(root, 'src/cli/commands.ts'), 'utf8');
    const commands = [...source.matchAll(/\.command\(\s*['"]([\w-]+)/g)].map((m) => m[1]!);
    expect(commands).toContain('run');
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const section = readme.split(/^## /m).find((s) => s.startsWith('Commands'));
    expect(section, 'a "## Commands" section').toBeDefined();
    const rows = new Set([...section!.matchAll(/^\|\s*`bn-exp ([\w-]+)/gm)].map((m) => m[1]!));
    expect(commands.filter((c) => !rows.has(c))).toEqual([]);
  });

  it('docs/config.md names every key of the config schema', () => {
    const keys = new Set<string>();
    const walk = (schema: z.core.$ZodType): void => {
      const s = unwrap(schema);
      if (s instanceof z.ZodObject) {
        for (const [key, child] of Object.entries(s.shape as Record<string, z.core.$ZodType>)) {
          keys.add(key);
          walk(child);
        }
      } else if (s instanceof z.ZodUnion) {
        for (const option of s.options as readonly z.core.$ZodType[]) walk(option);
      } else if (s instanceof z.ZodArray) {
        walk(s.element);
      } else if (s instanceof z.ZodRecord) {
        walk(s.valueType);
      }
    };
    walk(ExperimentSchema);
    expect(keys.size).toBeGreaterThan(50); // the walk reached the nested sections
    const reference = readFileSync(join(docsDir, 'config.md'), 'utf8');
    expect([...keys].filter((k) => !reference.includes(`\`${k}\``))).toEqual([]);
  });

  it('the config walked through in the README is experiments/quick.yaml: the same runs, as many as it says', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const section = readme.split(/^## /m).find((s) => s.startsWith('A config, walked through'));
    const yaml = /```yaml\n([\s\S]*?)```/.exec(section ?? '')?.[1];
    expect(yaml, 'a yaml block in "## A config, walked through"').toBeDefined();
    const shown = expandPlan(parseExperiment(yaml!, 'README.md'));
    const quick = join(root, 'experiments/quick.yaml');
    const shipped = expandPlan(parseExperiment(readFileSync(quick, 'utf8'), quick));
    expect(shown.runs.map((r) => r.id)).toEqual(shipped.runs.map((r) => r.id));
    expect(section).toContain(`= ${shipped.runs.length} runs`);
  });

  it("docs/config.md's tables give every key of each section with the schema's default", () => {
    const reference = readFileSync(join(docsDir, 'config.md'), 'utf8');
    // Each documented section: its heading, the schema, a minimal valid input (its keys are the required ones).
    const sections: [heading: string, schema: z.ZodType, minimal: Record<string, unknown>, skip?: string[]][] = [
      ['## Top level', ExperimentSchema, { name: 'x' }],
      ['## data', SyntheticDataSchema, {}, ['features', 'classes', 'trainSize', 'testSize', 'input', 'teacher', 'labelNoise']],
      ['### kind: synthetic', SyntheticDataSchema, {}, ['kind', 'shift', 'drift', 'seed']],
      ['#### data.input', InputSchema, {}],
      ['#### data.teacher', TeacherSchema, {}],
      ['### kind: csv', CsvDataSchema, { kind: 'csv', path: 'x.csv' }, ['kind', 'shift', 'drift', 'seed']],
      ['### kind: mnist', MnistDataSchema, { kind: 'mnist' }, ['kind', 'shift', 'drift', 'seed']],
      ['## model', ModelSchema, {}],
      ['## train', TrainSchema, {}],
      ['## probes', ProbesSchema, { every: 1 }],
      ['## eval', EvalSchema, {}],
    ];
    const render = (v: unknown): string =>
      Array.isArray(v) ? `[${v.map(render).join(', ')}]` : typeof v === 'string' ? (v === '' ? '""' : v) : JSON.stringify(v);
    const problems: string[] = [];
    for (const [heading, schema, minimal, skip = []] of sections) {
      const start = reference.search(new RegExp(`^${heading.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`, 'm'));
      if (start < 0) {
        problems.push(`no heading "${heading}"`);
        continue;
      }
      const body = reference.slice(start + heading.length).split(/^#/m)[0]!;
      // Table rows `| \`key\` | type | default | meaning |`; `\|` inside a cell is not a separator.
      const rows = new Map(
        body
          .split('\n')
          .map((line) => line.split(/(?<!\\)\|/).map((c) => c.trim()))
          .filter((cells) => cells.length >= 5 && /^`\w+`$/.test(cells[1]!))
          .map((cells) => [cells[1]!.slice(1, -1), cells[3]!]),
      );
      const shape = (unwrap(schema) as z.ZodObject).shape as Record<string, unknown>;
      const defaults = schema.parse(minimal) as Record<string, unknown>;
      for (const key of Object.keys(shape).filter((k) => !skip.includes(k))) {
        const cell = rows.get(key);
        const value = defaults[key];
        if (cell === undefined) problems.push(`${heading}: no row for \`${key}\``);
        else if (key in minimal) {
          if (!cell.startsWith('required')) problems.push(`${heading}: \`${key}\` should say "required", says "${cell}"`);
        } else if (value === undefined) {
          if (cell.includes('`')) problems.push(`${heading}: \`${key}\` has no default value, the page says "${cell}"`);
        } else if (typeof value !== 'object' || Array.isArray(value) || Object.keys(value as object).length === 0) {
          if (!cell.includes(`\`${render(value)}\``)) problems.push(`${heading}: \`${key}\` defaults to ${render(value)}, the page says "${cell}"`);
        }
      }
    }
    expect(problems).toEqual([]);
  });
});

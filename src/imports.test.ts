import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// The import rules of the flow (docs/README.md "Source layout"), checked on the source files (tests may
// import anything): each rule names the folder that imports, the folder it may not import from, and
// whether `import type` is still allowed. `npm run circular` checks the other half: no circle at all.

const SRC = path.dirname(fileURLToPath(import.meta.url));

interface Rule {
  from: string;
  into: string;
  types: 'allowed' | 'forbidden';
  why: string;
}

const RULES: Rule[] = [
  { from: 'data', into: 'config', types: 'allowed', why: 'the config is resolved once (spec.resolved); data/ reads it, never re-normalizes' },
  { from: 'model', into: 'config', types: 'allowed', why: 'the config is resolved once (spec.resolved); model/ reads it, never re-normalizes' },
  { from: 'train', into: 'analysis', types: 'forbidden', why: 'analysis/ comes after the run' },
  { from: 'train', into: 'report', types: 'forbidden', why: 'report/ comes after the run' },
  { from: 'model', into: 'analysis', types: 'forbidden', why: 'analysis/ comes after the run' },
  { from: 'model', into: 'report', types: 'forbidden', why: 'report/ comes after the run' },
  { from: 'bench', into: 'cli', types: 'forbidden', why: 'the benchmark stands apart from the commands' },
];

/** A module a file imports (import, export-from, dynamic import), and whether only types come from it. */
interface Edge {
  file: string;
  target: string;
  typeOnly: boolean;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [p] : [];
  });
}

/**
 * The project modules a file imports. Only `import type` / `export type` are type-only: with
 * verbatimModuleSyntax, `import { type A }` still loads its module at run time.
 */
export function importsOf(file: string, text: string): Edge[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const edges: Edge[] = [];
  const add = (specifier: ts.Expression | undefined, typeOnly: boolean): void => {
    if (specifier === undefined || !ts.isStringLiteral(specifier) || !specifier.text.startsWith('.')) return;
    const target = path.relative(SRC, path.resolve(path.dirname(file), specifier.text)).split(path.sep).join('/');
    edges.push({ file: path.relative(SRC, file).split(path.sep).join('/'), target, typeOnly });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) add(node.moduleSpecifier, node.importClause?.isTypeOnly ?? false);
    else if (ts.isExportDeclaration(node)) add(node.moduleSpecifier, node.isTypeOnly);
    else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) add(node.arguments[0], false);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return edges;
}

function violations(rule: Rule): string[] {
  return sourceFiles(path.join(SRC, rule.from))
    .flatMap((file) => importsOf(file, readFileSync(file, 'utf8')))
    .filter((e) => e.target.startsWith(`${rule.into}/`) && !(e.typeOnly && rule.types === 'allowed'))
    .map((e) => `${e.file} imports ${e.typeOnly ? 'types from ' : ''}${e.target}`);
}

describe('import rules', () => {
  const titled = RULES.map((r) => [`${r.from}/ imports ${r.types === 'allowed' ? 'only types' : 'nothing'} from ${r.into}/: ${r.why}`, r] as const);
  it.each(titled)('%s', (_title, rule) => {
    expect(violations(rule)).toEqual([]);
  });

  it('tells a value import from a type-only one', () => {
    const file = path.join(SRC, 'data', 'x.ts');
    const edges = importsOf(
      file,
      [
        "import type { A } from '../config/schema.js';",
        "import { type B } from '../config/resolve.js';",
        "import { c } from '../config/data-rules.js';",
        "export type { D } from '../config/schema.js';",
        "export { e } from '../stats/rng.js';",
        "const m = () => import('../config/load.js');",
        "import { f } from 'zod';",
      ].join('\n'),
    );
    expect(edges.map((e) => [e.target, e.typeOnly])).toEqual([
      ['config/schema.js', true],
      ['config/resolve.js', false],
      ['config/data-rules.js', false],
      ['config/schema.js', true],
      ['stats/rng.js', false],
      ['config/load.js', false],
    ]);
    expect(edges.every((e) => e.file === 'data/x.ts')).toBe(true);
  });
});

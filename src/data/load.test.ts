import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandPlan } from '../plan/expand.js';
import { parseExperiment } from '../config/load.js';
import { ConfigError } from '../errors.js';
import { leadingRows, type Split } from './split.js';
import { CsvDataSchema } from '../config/schema.js';
import { parseCsvTable } from './csv-data.js';
import { csvCandidates, DataStore, openData, readCsvTable } from './load.js';

const dir = mkdtempSync(path.join(tmpdir(), 'bn-exp-data-'));
mkdirSync(path.join(dir, 'cfg'));
mkdirSync(path.join(dir, 'cfg', 'folder.csv'));
const rows = (n: number): string => ['x1,x2,y', ...Array.from({ length: n }, (_, i) => `${i % 7},${(i * 3) % 5},${i % 2}`)].join('\n');
writeFileSync(path.join(dir, 'cfg', 'good.csv'), rows(50));
writeFileSync(path.join(dir, 'cwd-only.csv'), rows(50));
writeFileSync(path.join(dir, 'cfg', 'bad.csv'), 'x1,x2,y\n1,2,0\n3,abc,1\n');

const configFile = path.join(dir, 'cfg', 'exp.yaml');
const planOf = (data: string, train = '{steps: 20, evalEvery: 10, batchSize: 8}') =>
  expandPlan(parseExperiment(`name: t\ndata: ${data}\ntrain: ${train}\n`, configFile));

async function configError(p: Promise<unknown>): Promise<string[]> {
  const err = await p.catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ConfigError);
  return (err as ConfigError).message.split('\n');
}

describe('openData: csv', () => {
  it('resolves a relative path against the config folder, then the current directory', async () => {
    expect(csvCandidates('d.csv', '/a/b/exp.yaml', '/c')).toEqual(['/a/b/d.csv', '/c/d.csv']);
    expect(csvCandidates('/abs/d.csv', '/a/b/exp.yaml', '/c')).toEqual(['/abs/d.csv']);
    const byConfig = await openData(planOf('{kind: csv, path: good.csv, label: y}'), configFile, '/nonexistent');
    const byCwd = await openData(planOf('{kind: csv, path: cwd-only.csv, label: y}'), configFile, dir);
    for (const [store, data] of [
      [byConfig, '{kind: csv, path: good.csv, label: y}'],
      [byCwd, '{kind: csv, path: cwd-only.csv, label: y}'],
    ] as const) {
      const run = planOf(data).runs[0]!;
      expect(store.build(run).dataset.train.n).toBe(40);
      expect(store.measures(run).map((m) => m.name)).toEqual(['test']);
    }
  });

  it.each([
    { name: 'missing file', data: '{kind: csv, path: nope.csv}', line: `exp.yaml: data.path: no such file: nope.csv (looked for ${path.join(dir, 'cfg', 'nope.csv')} and` },
    { name: 'non-numeric cell', data: '{kind: csv, path: bad.csv, label: y}', line: `exp.yaml: data.path: ${path.join(dir, 'cfg', 'bad.csv')}: line 3, column "x2": "abc" is not a number` },
    { name: 'missing label column', data: '{kind: csv, path: good.csv}', line: 'exp.yaml: data.label: ' },
    { name: 'a folder', data: '{kind: csv, path: folder.csv}', line: `exp.yaml: data.path: cannot read ${path.join(dir, 'cfg', 'folder.csv')}: EISDIR` },
    { name: 'batch larger than the training rows', data: '{kind: csv, path: good.csv, label: y}', train: '{steps: 20, evalEvery: 10, batchSize: 64}', line: 'exp.yaml: train.batchSize: expected at most the training rows of good.csv (40); got 64' },
    { name: 'evaluation beyond the run', data: '{kind: csv, path: good.csv, label: y}', train: '{epochs: 1, evalEvery: 10, batchSize: 8}', line: "exp.yaml: train.evalEvery: expected at most the run's total steps (5 with 40 training rows); got 10" },
  ])('$name is a ConfigError naming the config file, the path and the data file', async ({ data, train, line }) => {
    const lines = await configError(openData(planOf(data, train), configFile, '/nonexistent'));
    expect(lines.some((l) => l.startsWith(configFile.slice(0, -'exp.yaml'.length)) && l.includes(line))).toBe(true);
  });
});

describe('openData: mnist with nuisance shifts', () => {
  it('brightness/contrast and inversion are exact maps of the test images, labels carried over', async () => {
    const plan = planOf(
      '{kind: mnist, trainPerClass: 20, testPerClass: 5, shift: [{name: dim, kind: affine, scale: 0.5, offset: 0.25}, {name: inverted, kind: affine, scale: -1, offset: 1}]}',
    );
    const store = await openData(plan, configFile);
    const { dataset } = store.build(plan.runs[0]!);
    const test = dataset.test;
    const inv = dataset.extra['inverted'] as Split;
    const dim = dataset.extra['dim'] as Split;
    expect(inv.x.every((v, i) => v === Math.fround(1 - (test.x[i] as number)))).toBe(true);
    expect(dim.x.every((v, i) => v === Math.fround(0.5 * (test.x[i] as number) + 0.25))).toBe(true);
    expect(Array.from(inv.y)).toEqual(Array.from(test.y));
    const measures = store.measures(plan.runs[0]!);
    expect(measures.map((m) => [m.name, m.family])).toEqual([
      ['test', 'none'],
      ['dim', 'nuisance'],
      ['inverted', 'nuisance'],
    ]);
    // pixels that are blank in every test image are left out of the per-feature averages
    expect(measures[1]?.measure.featuresUsed).toBeLessThan(784);
    expect(measures[1]?.measure.stdRatioAvg).toBeCloseTo(0.5, 5);
  });

  it('a subpopulation on the amount of ink trains on light digits and evaluates on heavy ones', async () => {
    const plan = planOf('{kind: mnist, trainPerClass: 40, testPerClass: 20, shift: {kind: subpopulation, feature: mean, fraction: 0.5}}');
    const { dataset } = (await openData(plan, configFile)).build(plan.runs[0]!);
    const ink = (s: Split, r: number): number => s.x.subarray(r * 784, (r + 1) * 784).reduce((a, v) => a + v, 0);
    const maxIn = Math.max(...Array.from({ length: dataset.train.n }, (_, r) => ink(dataset.train, r)));
    const out = dataset.extra['shifted'] as Split;
    const minOut = Math.min(...Array.from({ length: out.n }, (_, r) => ink(out, r)));
    expect(dataset.train.n).toBe(200);
    expect(maxIn).toBeLessThan(minOut);
  });
});

describe('readCsvTable: the file streamed once into shared memory', () => {
  // Several read chunks (64 KiB each), a BOM, CRLF, blank lines, multi-byte labels that straddle chunk ends.
  const big = ['\uFEFFa,b , label', ...Array.from({ length: 12_000 }, (_, i) => `${(i * 0.37) % 11},${-i},${['α', 'βeta', 'ü'][i % 3]}${i % 500 === 0 ? '\r\n' : ''}`)].join('\r\n');
  const file = path.join(dir, 'big.csv');
  writeFileSync(file, big);
  const cfg = CsvDataSchema.parse({ kind: 'csv', path: 'big.csv' });

  it('gives the table of the whole-text parse, the SHA-256 of the bytes, in SharedArrayBuffers', async () => {
    const loaded = await readCsvTable(cfg, configFile, dir);
    const whole = parseCsvTable(readFileSync(file, 'utf8'), file, cfg);
    expect(loaded.file).toBe(file);
    expect(loaded.table.n).toBe(12_000);
    expect(loaded.table.columns).toEqual(whole.columns);
    expect(loaded.table.classes).toEqual(['ü', 'α', 'βeta']);
    expect(loaded.table.classes).toEqual(whole.classes);
    expect(Buffer.from(loaded.table.x.buffer, 0, loaded.table.x.byteLength).equals(Buffer.from(whole.x.buffer, 0, whole.x.byteLength))).toBe(true);
    expect(Array.from(loaded.table.y)).toEqual(Array.from(whole.y));
    expect(loaded.sha256).toBe(createHash('sha256').update(readFileSync(file)).digest('hex'));
    expect(loaded.table.x.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(loaded.table.y.buffer).toBeInstanceOf(SharedArrayBuffer);
  });

  it('names the line of a bad cell deep in the file, and a ragged row', async () => {
    const lines = big.split('\r\n');
    lines[9_001] = '1,oops,α';
    writeFileSync(path.join(dir, 'cfg', 'deep.csv'), lines.join('\n'));
    writeFileSync(path.join(dir, 'cfg', 'ragged.csv'), 'a,label\n1,x\n2,y,3\n');
    const deep = await configError(openData(planOf('{kind: csv, path: deep.csv}'), configFile));
    expect(deep.some((l) => l.endsWith(`data.path: ${path.join(dir, 'cfg', 'deep.csv')}: line 9002, column "b": "oops" is not a number`))).toBe(true);
    const ragged = await configError(openData(planOf('{kind: csv, path: ragged.csv}'), configFile));
    expect(ragged.some((l) => l.includes('ragged.csv: not a valid CSV file: Invalid Record Length'))).toBe(true);
  });

  it('a store on the shared tables builds the same data with the file gone', async () => {
    writeFileSync(path.join(dir, 'cfg', 'gone.csv'), rows(60));
    const plan = planOf('{kind: csv, path: gone.csv, label: y}');
    const store = await openData(plan, configFile);
    rmSync(path.join(dir, 'cfg', 'gone.csv'));
    const run = plan.runs[0]!;
    const elsewhere = DataStore.fromShared(structuredClone(store.shared()));
    expect(leadingRows(elsewhere.build(run).dataset.train)).toEqual(leadingRows(store.build(run).dataset.train));
    expect(elsewhere.fileHashes()).toEqual(store.fileHashes());
  });

  it('sizes: the same for every seed, except with a sub-population (its region depends on the seed)', async () => {
    const plain = planOf('{kind: csv, path: good.csv, label: y}').runs[0]!;
    const region = planOf('{kind: csv, path: good.csv, label: y, shift: {kind: subpopulation, feature: 0, fraction: 0.5}}').runs[0]!;
    const store = await openData(planOf('{kind: csv, path: good.csv, label: y}'), configFile);
    for (const run of [plain, region]) {
      const seeds = [1, 2, 3, 4, 5].map((seed) => ({ ...run, seed }));
      const fresh = seeds.map((spec) => DataStore.fromShared(store.shared()).build(spec).dataset);
      expect(seeds.map((spec) => store.dims(spec).trainSize)).toEqual(fresh.map((d) => d.train.n));
      expect(seeds.map((spec) => store.dims(spec).testSize)).toEqual(fresh.map((d) => d.test.n));
    }
  });

  it('sizes of csv data come from the table alone, equal to those of the built dataset, with the same checks', async () => {
    const data = '{kind: csv, path: good.csv, label: y, testFraction: 0.3, shift: [{kind: mean, amount: 1, relabel: false}, {kind: signflip, name: flip}]}';
    const plan = planOf(data);
    const store = await openData(plan, configFile);
    for (const seed of [1, 2, 3]) {
      const spec = { ...plan.runs[0]!, seed };
      const { dataset } = DataStore.fromShared(store.shared()).build(spec);
      const built = { features: dataset.train.features, classes: dataset.classes, trainSize: dataset.train.n, testSize: dataset.test.n, extraSets: Object.keys(dataset.extra).length };
      expect(DataStore.fromShared(store.shared()).dims(spec)).toEqual(built);
    }
    expect(store.dims(plan.runs[0]!)).toEqual({ features: 2, classes: 2, trainSize: 34, testSize: 16, extraSets: 2 }); // 25 rows a class, round(7.5) = 8 to test
    writeFileSync(path.join(dir, 'cfg', 'one-class.csv'), 'x1,y\n1,0\n2,0\n3,0\n');
    const oneClass = await configError(openData(planOf('{kind: csv, path: one-class.csv, label: y}', '{steps: 2, evalEvery: 1, batchSize: 1}'), configFile));
    expect(oneClass.some((l) => l.includes('data.label:') && l.includes('a single class ("0") in its 3 data rows'))).toBe(true);
  });

  it('keeps built datasets within its byte budget, the latest always', async () => {
    const plan = planOf('{kind: csv, path: good.csv, label: y}');
    const [s1, s2] = [1, 2].map((seed) => ({ ...plan.runs[0]!, seed }));
    const shared = (await openData(plan, configFile)).shared();
    const roomy = DataStore.fromShared(shared);
    const tight = DataStore.fromShared(shared, 1); // 50 rows: a dataset's views take 400 bytes (row indices and labels)
    for (const store of [roomy, tight]) {
      const first = store.build(s1!);
      store.build(s2!);
      expect(store.build(s2!)).toBe(store.build(s2!));
      expect(store.build(s1!) === first).toBe(store === roomy);
    }
  });

  it('drops a kept dataset beyond its budget before building the next one, not after', async () => {
    const plan = planOf('{kind: csv, path: good.csv, label: y}');
    const [s1, s2, s3] = [1, 2, 3].map((seed) => ({ ...plan.runs[0]!, seed }));
    const shared = (await openData(plan, configFile)).shared();
    /** Records the bytes the store keeps each time it builds a dataset. */
    class Watched extends DataStore {
      readonly keptAtBuild: number[] = [];
      protected override assemble(...args: Parameters<DataStore['assemble']>): ReturnType<DataStore['assemble']> {
        this.keptAtBuild.push(this.keptBytes());
        return super.assemble(...args);
      }
    }
    const tight = new Watched(new Map(shared.tables), 1); // a dataset's views take 400 bytes
    const roomy = new Watched(new Map(shared.tables), 700);
    for (const store of [tight, roomy]) for (const spec of [s1!, s2!, s3!]) store.build(spec);
    expect(tight.keptAtBuild).toEqual([0, 0, 0]);
    expect(tight.keptBytes()).toBe(400);
    expect(roomy.keptAtBuild).toEqual([0, 400, 400]); // 2 datasets exceed 700 bytes: the older goes after
  });
});

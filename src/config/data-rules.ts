import type { DataConfig, ShiftConfig } from './schema.js';

// Cross-field rules about `data` that only need the resolved data section (validate.ts runs them on
// every sweep cell). Rules that need the files themselves (CSV columns and row counts) run when the
// data is loaded, before training (src/data/load.ts).

/** The smallest class of the `mnist` package (digit 5 has 863 images): the most a balanced split can take per class. */
export const MNIST_MAX_PER_CLASS = 863;

/** A data problem: where, what, and the dotted paths it read (for blaming a swept value). */
export interface DataIssue {
  path: string;
  message: string;
  involves: string[];
}

/** Training-set size known from the config alone (undefined for csv: it depends on the file). */
export function trainSizeOf(data: DataConfig): number | undefined {
  switch (data.kind) {
    case 'synthetic':
      return data.trainSize;
    case 'mnist':
      return data.trainPerClass * 10;
    case 'csv':
      return undefined;
  }
}

/** The shift list as written: one mapping is a list of one. */
export function shiftList(data: Pick<DataConfig, 'shift'>): ShiftConfig[] {
  const s = data.shift;
  return s === undefined ? [] : Array.isArray(s) ? s : [s];
}

/** Path of shift `i` as written (`data.shift` for a single mapping, `data.shift.<i>` in a list). */
export function shiftPath(data: Pick<DataConfig, 'shift'>, i: number): string {
  return Array.isArray(data.shift) ? `data.shift.${i}` : 'data.shift';
}

/**
 * The evaluation-set name of each shift, in order: its `name`, else its kind (`mean`, `mean_2` for a
 * second unnamed mean shift), except that a single unnamed mapping keeps the historical name `shifted`.
 */
export function shiftNames(data: Pick<DataConfig, 'shift'>): string[] {
  const list = shiftList(data);
  if (!Array.isArray(data.shift) && list.length === 1) return [list[0]?.name ?? 'shifted'];
  const taken = new Set(list.flatMap((s) => (s.name === undefined ? [] : [s.name])));
  return list.map((s) => {
    if (s.name !== undefined) return s.name;
    let name: string = s.kind;
    for (let k = 2; taken.has(name); k++) name = `${s.kind}_${k}`;
    taken.add(name);
    return name;
  });
}

const RESERVED = ['train', 'test'];

/** Cross-field problems of one resolved data section. */
export function dataIssues(data: DataConfig): DataIssue[] {
  const issues: DataIssue[] = [];
  const list = shiftList(data);
  const names = shiftNames(data);
  const synthetic = data.kind === 'synthetic';
  list.forEach((s, i) => {
    const at = shiftPath(data, i);
    const name = names[i] as string;
    if (RESERVED.includes(name)) {
      issues.push({ path: `${at}.name`, message: `"${name}" is taken by the ${name} set; choose another name`, involves: [at] });
    } else if (names.indexOf(name) < i) {
      issues.push({ path: `${at}.name`, message: `two shifts are named "${name}"; give each a distinct name`, involves: [at] });
    }
    if ('relabel' in s && s.relabel && !synthetic) {
      issues.push({
        path: `${at}.relabel`,
        message: `relabelling needs the synthetic teacher; ${data.kind} data keeps its own labels: set relabel: false (a nuisance shift)`,
        involves: [at, 'data.kind'],
      });
    }
    if (s.kind === 'correlation' && !(synthetic && data.input.distribution === 'gaussian')) {
      const got = synthetic ? `${data.input.distribution} inputs` : `${data.kind} data`;
      issues.push({ path: `${at}.kind`, message: `a correlation shift needs synthetic gaussian inputs; got ${got}`, involves: [at, 'data.kind', 'data.input'] });
    }
    if (s.kind === 'subpopulation') {
      if (list.findIndex((o) => o.kind === 'subpopulation') < i) {
        issues.push({ path: at, message: 'only one subpopulation shift per run (it restricts the training set)', involves: [at] });
      }
      const features = synthetic ? data.features : data.kind === 'mnist' ? 784 : undefined;
      if (typeof s.feature === 'number' && features !== undefined && s.feature >= features) {
        issues.push({ path: `${at}.feature`, message: `expected a feature index below ${features} (or mean); got ${s.feature}`, involves: [at, 'data.features'] });
      }
    }
  });
  if (data.drift !== undefined && data.drift.to.relabel && !synthetic) {
    issues.push({
      path: 'data.drift.to.relabel',
      message: `relabelling needs the synthetic teacher; ${data.kind} data keeps its own labels: set relabel: false`,
      involves: ['data.drift', 'data.kind'],
    });
  }
  if (data.kind === 'mnist' && data.trainPerClass + data.testPerClass > MNIST_MAX_PER_CLASS) {
    issues.push({
      path: 'data.trainPerClass',
      message: `trainPerClass + testPerClass is ${data.trainPerClass + data.testPerClass}; a class-balanced MNIST split holds at most ${MNIST_MAX_PER_CLASS} per class (digit 5 has ${MNIST_MAX_PER_CLASS} images)`,
      involves: ['data.trainPerClass', 'data.testPerClass'],
    });
  }
  return issues;
}

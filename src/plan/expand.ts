import { createHash } from 'node:crypto';
import type { Plan, RunSpec } from '../types.js';
import { canonicalJson } from '../util/canonical-json.js';
import { resolveRun, resolveSections, sweepCombinations, targetList, type Sections } from '../config/resolve.js';
import type { ExperimentConfig } from '../config/schema.js';

/**
 * Expand a validated config into its runs (pure, deterministic): the cartesian product of the sweep axes
 * in config order, first axis varying slowest, with the seeds innermost so a cell's seeds are adjacent.
 */
export function expandPlan(config: ExperimentConfig): Plan {
  const seeds = seedList(config.seeds);
  const axes = Object.keys(config.sweep);
  const runs: RunSpec[] = [];
  for (const params of sweepCombinations(config.sweep, axes)) {
    for (const seed of seeds) {
      // Resolved per run so that no two RunSpecs share mutable objects.
      const sections = resolveSections(config, params);
      const run: RunSpec = { id: runId({ ...sections, seed }), index: runs.length, seed, params, ...sections, resolved: resolveRun(sections) };
      if (config.probes) run.probes = config.probes;
      if (config.eval) run.eval = config.eval;
      runs.push(run);
    }
  }
  return { config, axes, seeds, targets: targetList(config.train.target), runs };
}

/** The seeds of an experiment: the list as written, or 0..n-1 for a count n. */
export function seedList(seeds: ExperimentConfig['seeds']): number[] {
  return Array.isArray(seeds) ? [...seeds] : Array.from({ length: seeds }, (_, i) => i);
}

/** Stable run id: the first 10 hex chars of sha256 of the canonical JSON of {data, model, train, seed}. */
export function runId(run: Sections & { seed: number }): string {
  const { data, model, train, seed } = run;
  return createHash('sha256').update(canonicalJson({ data, model, train, seed })).digest('hex').slice(0, 10);
}

/** Key of a run's sweep cell (canonical JSON of its params): equal for runs that differ only by seed. */
export function cellKey(spec: Pick<RunSpec, 'params'>): string {
  return canonicalJson(spec.params);
}


import { statSync } from 'node:fs';
import path from 'node:path';
import { CURVES_CSV, readManifest, RUNS_CSV } from '../record/results.js';
import type { EvalRecord } from '../types.js';
import { CsvTail } from './csv-tail.js';
import { shortValue } from './short-value.js';

/** Where a run stands: from runs.csv once committed, else from the sweep in this process (run --live). */
export type LiveStatus = 'pending' | 'running' | 'ok' | 'diverged' | 'failed';

/** One run of the live view. */
export interface LiveRun {
  id: string;
  index: number;
  seed: number | null;
  /** Its config cell: the swept values without the seed, e.g. `model.batchNorm=off`. */
  cell: string;
  status: LiveStatus;
  /** The last evaluated step, and the run's total when known. */
  step: number;
  total: number | null;
  error?: string;
}

/** One evaluation of one run: step and metric columns (curves.csv names, e.g. `test_acc`). */
export interface LivePoint {
  seq: number;
  run: string;
  step: number;
  values: Record<string, number>;
}

/** What /api/state answers: the runs, and the evaluations recorded after `since`. */
export interface LiveSnapshot {
  /** Changes when the folder was rewritten from scratch: the client drops what it holds and asks again from 0. */
  epoch: number;
  /** The last sequence number included; the client's next `since`. */
  seq: number;
  name: string | null;
  axes: string[];
  /** The sweep has written its final manifest (finishedAt). */
  finished: boolean;
  metrics: string[];
  runs: LiveRun[];
  points: LivePoint[];
}

/** A run as manifest.json lists it. */
export interface ManifestRun {
  id: string;
  index: number;
  seed: number;
  params: Record<string, unknown>;
}

const NOT_METRICS = new Set(['run_id', 'step', 'epoch']);

function cellOf(params: Record<string, unknown>): string {
  const parts = Object.entries(params).map(([k, v]) => `${k}=${shortValue(v, 32)}`);
  return parts.length > 0 ? parts.join(', ') : 'all runs';
}

function asStatus(s: string | undefined): LiveStatus {
  return s === 'ok' || s === 'diverged' || s === 'failed' ? s : 'ok';
}

/**
 * The state of a results folder as a sweep writes it: its manifest's run list, runs.csv (committed
 * runs and their status) and curves.csv, read incrementally at each poll; a sweep in this process may
 * also report runs in flight (`started`, `evaluated`) before they are committed.
 */
export class LiveState {
  private runsTail: CsvTail;
  private curvesTail: CsvTail;
  private manifestStamp = '';
  private name: string | null = null;
  private axes: string[] = [];
  private finished = false;
  private planned: ManifestRun[] = [];
  private committed = new Map<string, Record<string, string>>();
  private inflight = new Map<string, { step: number; total: number | null }>();
  private points: LivePoint[] = [];
  private seen = new Set<string>();
  private metrics = new Set<string>();
  private seq = 0;
  private epoch = 1;

  constructor(readonly dir: string) {
    this.runsTail = new CsvTail(path.join(dir, RUNS_CSV));
    this.curvesTail = new CsvTail(path.join(dir, CURVES_CSV));
  }

  /** Read what landed on disk since the last poll. */
  poll(): void {
    this.readManifest();
    let runs = this.runsTail.poll();
    let curves = this.curvesTail.poll();
    if (runs.reset || curves.reset) {
      // A rewrite (--force, or the run-order rewrite at the end of a sweep): start over from what the
      // files hold now; the new epoch tells clients to drop their copy.
      this.runsTail = new CsvTail(this.runsTail.file);
      this.curvesTail = new CsvTail(this.curvesTail.file);
      this.committed.clear();
      this.points = this.points.filter((p) => this.inflight.has(p.run));
      this.seen = new Set(this.points.map((p) => `${p.run}@${p.step}`));
      this.epoch++;
      runs = this.runsTail.poll();
      curves = this.curvesTail.poll();
    }
    for (const r of runs.rows) this.commit(r);
    for (const c of curves.rows) this.addRow(c);
  }

  /** The run list of this process's sweep, shown before its manifest is written (TensorFlow.js loads first). */
  expect(name: string, axes: readonly string[], runs: readonly ManifestRun[]): void {
    if (this.manifestStamp !== '') return;
    this.name = name;
    this.axes = [...axes];
    this.planned = runs.map((r) => ({ id: r.id, index: r.index, seed: r.seed, params: r.params }));
  }

  /** A run of this process's sweep left the queue. */
  started(id: string): void {
    if (!this.committed.has(id)) this.inflight.set(id, { step: 0, total: null });
  }

  /** An evaluation of a run of this process's sweep (before it is committed to curves.csv). */
  evaluated(id: string, rec: EvalRecord, total: number): void {
    if (this.committed.has(id)) return;
    this.inflight.set(id, { step: rec.step, total });
    const values: Record<string, number> = {};
    for (const [split, m] of Object.entries(rec.metrics)) {
      values[`${split}_loss`] = m.loss;
      values[`${split}_acc`] = m.acc;
    }
    this.addPoint(id, rec.step, values);
  }

  /** The runs, and the evaluations with a sequence number above `since`. */
  snapshot(since = 0): LiveSnapshot {
    const byId = new Map(this.planned.map((r) => [r.id, r]));
    const ids = [...new Set([...this.planned.map((r) => r.id), ...this.committed.keys(), ...this.inflight.keys()])];
    const lastStep = new Map<string, number>();
    for (const p of this.points) lastStep.set(p.run, Math.max(lastStep.get(p.run) ?? 0, p.step));
    const runs = ids.map((id, i): LiveRun => {
      const plan = byId.get(id);
      const row = this.committed.get(id);
      const live = this.inflight.get(id);
      const params = plan?.params ?? Object.fromEntries(this.axes.map((a) => [a, row?.[a] ?? '']));
      const steps = row?.steps !== undefined && row.steps !== '' ? Number(row.steps) : undefined;
      const run: LiveRun = {
        id,
        index: plan?.index ?? i,
        seed: plan?.seed ?? (row?.seed !== undefined ? Number(row.seed) : null),
        cell: cellOf(params),
        // Rows in curves.csv without a runs.csv row: the run is being committed (or runs in this process).
        status: row !== undefined ? asStatus(row.status) : live !== undefined || lastStep.has(id) ? 'running' : 'pending',
        step: steps ?? live?.step ?? lastStep.get(id) ?? 0,
        total: row !== undefined ? (steps ?? null) : (live?.total ?? null),
      };
      if (row?.error) run.error = row.error;
      return run;
    });
    runs.sort((a, b) => a.index - b.index);
    return {
      epoch: this.epoch,
      seq: this.seq,
      name: this.name,
      axes: this.axes,
      finished: this.finished,
      metrics: [...this.metrics],
      runs,
      points: this.points.filter((p) => p.seq > since),
    };
  }

  private readManifest(): void {
    const file = path.join(this.dir, 'manifest.json');
    let stamp: string;
    try {
      const st = statSync(file);
      stamp = `${st.ino}:${st.mtimeMs}:${st.size}`;
    } catch {
      return;
    }
    if (stamp === this.manifestStamp) return;
    let m: Record<string, unknown>;
    try {
      m = (readManifest(this.dir) ?? {}) as Record<string, unknown>;
    } catch {
      return; // replaced between stat and read: the next poll reads it
    }
    this.manifestStamp = stamp;
    this.name = typeof m.name === 'string' ? m.name : null;
    this.axes = Array.isArray(m.axes) ? m.axes.map(String) : [];
    this.finished = typeof m.finishedAt === 'string';
    const all = Array.isArray(m.runs) ? (m.runs as ManifestRun[]) : [];
    const shard = m.shard as { index: number; count: number } | null | undefined;
    // A shard folder holds every count-th run of the list (round-robin, 1-based index).
    this.planned = shard ? all.filter((r) => r.index % shard.count === shard.index - 1) : all;
  }

  private commit(row: Record<string, string>): void {
    const id = row.run_id;
    if (id === undefined || id === '') return;
    this.committed.set(id, row);
    this.inflight.delete(id);
  }

  private addRow(row: Record<string, string>): void {
    const id = row.run_id;
    if (id === undefined || id === '') return;
    const values: Record<string, number> = {};
    for (const [k, v] of Object.entries(row)) if (!NOT_METRICS.has(k) && v !== '') values[k] = Number(v);
    this.addPoint(id, Number(row.step), values);
  }

  private addPoint(run: string, step: number, values: Record<string, number>): void {
    const key = `${run}@${step}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    for (const k of Object.keys(values)) this.metrics.add(k);
    this.points.push({ seq: ++this.seq, run, step, values });
  }
}

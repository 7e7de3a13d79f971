import { describe, expect, it } from 'vitest';
import { InputSchema, TeacherSchema } from '../config/schema.js';
import { sampleInputs } from './inputs.js';
import { Rng } from '../stats/rng.js';
import { classCounts, moments } from '../stats/moments.js';
import { argmaxLabels, balanceOffsets, randomTeacher, teacherLabels, teacherLogits, type Teacher } from './teacher.js';

const input = InputSchema.parse({ mean: 1, scale: 2 });

/** Independent reference: plain nested loops with Math.tanh / Math.max, no buffers reused. */
function referenceLogits(t: Teacher, row: number[]): number[] {
  const act = (v: number): number =>
    t.activation === 'relu' ? Math.max(0, v) : t.activation === 'tanh' ? Math.tanh(v) : t.activation === 'sigmoid' ? 1 / (1 + Math.exp(-v)) : v;
  let h = row.map((v) => (v - t.mean) / t.scale);
  t.layers.forEach((layer, l) => {
    const next: number[] = [];
    for (let o = 0; o < layer.outputs; o++) {
      let s = layer.b[o] as number;
      for (let i = 0; i < layer.inputs; i++) s += (layer.w[o * layer.inputs + i] as number) * (h[i] as number);
      next.push(l === t.layers.length - 1 ? s : act(s));
    }
    h = next;
  });
  return h;
}

describe('teacher', () => {
  it.each(['relu', 'tanh', 'sigmoid', 'linear'] as const)('%s logits match a plain reference (1e-12)', (activation) => {
    const cfg = TeacherSchema.parse({ depth: 2, width: 7, activation });
    const t = randomTeacher(5, 3, cfg, input, new Rng(1));
    const x = sampleInputs(input, 20, 5, new Rng(2));
    const logits = teacherLogits(t, x, 20);
    for (let r = 0; r < 20; r++) {
      const ref = referenceLogits(t, Array.from(x.subarray(r * 5, r * 5 + 5)));
      for (let c = 0; c < 3; c++) expect(Math.abs((logits[r * 3 + c] as number) - (ref[c] as number))).toBeLessThan(1e-12);
    }
  });

  it('has layer sizes features -> depth x width -> classes with N(0, 1/fan_in) weights', () => {
    const t = randomTeacher(40, 4, TeacherSchema.parse({ depth: 2, width: 200 }), input, new Rng(3));
    expect(t.layers.map((l) => [l.inputs, l.outputs])).toEqual([
      [40, 200],
      [200, 200],
      [200, 4],
    ]);
    expect(moments(t.layers[1]!.w).std * Math.sqrt(200)).toBeCloseTo(1, 1);
    expect(moments(t.layers[0]!.w).std * Math.sqrt(40)).toBeCloseTo(1, 1);
    expect(moments(t.layers[1]!.b).std).toBeLessThan(0.2);
    const linear = randomTeacher(6, 2, TeacherSchema.parse({ depth: 0 }), input, new Rng(3));
    expect(linear.layers.map((l) => [l.inputs, l.outputs])).toEqual([[6, 2]]);
  });

  it('binary balancing is thresholding the logit difference at its median', () => {
    const rng = new Rng(4);
    const n = 1001;
    const logits = rng.fillNormal(new Float64Array(n * 2));
    for (let i = 0; i < n; i++) logits[i * 2 + 1] = (logits[i * 2 + 1] as number) + 1.5; // class 1 favoured
    const o = balanceOffsets(logits, 2);
    const d = Array.from({ length: n }, (_, i) => (logits[i * 2 + 1] as number) - (logits[i * 2] as number)).sort((a, b) => a - b);
    const threshold = (o[0] as number) - (o[1] as number); // class 1 iff d > threshold
    expect(threshold).toBeGreaterThan(d[499] as number);
    expect(threshold).toBeLessThan(d[501] as number);
    expect(Array.from(classCounts(argmaxLabels(logits, o, 2), 2))).toEqual([500, 501]);
  });

  it.each([3, 10])('balances %i skewed classes to within 1%', (classes) => {
    const rng = new Rng(5);
    const n = 20_000;
    const logits = rng.fillNormal(new Float64Array(n * classes));
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < classes; c++) logits[i * classes + c] = (logits[i * classes + c] as number) * (1 + c / 3) + 2 * c;
    }
    const counts = classCounts(argmaxLabels(logits, balanceOffsets(logits, classes), classes), classes);
    for (const c of counts) expect(Math.abs(c / (n / classes) - 1)).toBeLessThan(0.01);
  });

  it('teacherLabels is argmax of logits + offsets', () => {
    const t = randomTeacher(4, 3, TeacherSchema.parse({}), input, new Rng(6));
    const x = sampleInputs(input, 500, 4, new Rng(7));
    const calibrated = { ...t, offsets: balanceOffsets(teacherLogits(t, x, 500), 3) };
    const y = teacherLabels(calibrated, x, 500);
    const logits = teacherLogits(t, x, 500);
    for (let i = 0; i < 500; i++) {
      const scores = [0, 1, 2].map((c) => (logits[i * 3 + c] as number) + (calibrated.offsets[c] as number));
      expect(y[i]).toBe(scores.indexOf(Math.max(...scores)));
    }
  });
});

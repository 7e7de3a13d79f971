import { beforeAll, describe, expect, it } from 'vitest';
import { ModelSchema } from '../config/schema.js';
import { Rng } from '../stats/rng.js';
import { buildMlp, disposeMlp, forwardInfer } from '../model/mlp.js';
import { selectBackend } from './backend.js';
import { disposeEvalSets, evaluate, toEvalSet } from './evaluate.js';

describe.each(['cpu', 'wasm'] as const)('evaluate on %s', (backend) => {
  beforeAll(async () => {
    await selectBackend(backend);
  });

  // 5000 rows take the chunked path (4096 rows per forward pass).
  it.each([50, 5000])('equals cross-entropy and accuracy computed in plain JS from the logits (%i rows)', async (n) => {
    const rng = Rng.derive(11, 'eval');
    const f = 6;
    const classes = 3;
    const xs = rng.fillNormal(new Float32Array(n * f));
    const ys = Int32Array.from({ length: n }, () => rng.int(classes));
    const mlp = buildMlp(ModelSchema.parse({ depth: 2, width: 8, batchNorm: 'before' }), f, classes, rng, { kind: 'standard' });
    const set = toEvalSet('test', { x: xs, y: ys, n, features: f }, classes, n, true);
    const got = await evaluate(mlp, [set]);
    const logits = forwardInfer(mlp, set.x!).arraySync();
    let loss = 0;
    let correct = 0;
    logits.forEach((row, i) => {
      const max = Math.max(...row);
      const lse = max + Math.log(row.reduce((a, v) => a + Math.exp(v - max), 0));
      loss -= row[ys[i]!]! - lse;
      if (row.indexOf(max) === ys[i]) correct++;
    });
    expect(got.test!.loss).toBeCloseTo(loss / n, 5);
    expect(got.test!.loss).toBeGreaterThan(0.1); // an untrained 3-class model is far from 0
    expect(got.test!.acc).toBeCloseTo(correct / n, 6);
    // Uploaded chunk by chunk instead of held whole: the same numbers, bit for bit.
    const chunked = toEvalSet('test', { x: xs, y: ys, n, features: f }, classes);
    expect(chunked.x).toBeUndefined();
    expect(await evaluate(mlp, [chunked])).toEqual(got);
    disposeEvalSets([set, chunked]);
    disposeMlp(mlp);
  });
});

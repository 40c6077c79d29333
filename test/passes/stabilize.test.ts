import { describe, expect, it } from 'vitest';
import * as theano from '../../src/index.js';
import { T } from '../../src/index.js';

/** Float64 reference of -mean(logsoftmax(x)[i, y_i]) and its gradient, computed with log-sum-exp. */
function reference(x: number[][], y: number[]): { cost: number; grad: number[][] } {
  const n = x.length;
  let cost = 0;
  const grad = x.map((row, i) => {
    const m = Math.max(...row);
    const lse = m + Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0));
    cost -= (row[y[i]!]! - lse) / n;
    return row.map((v, j) => (Math.exp(v - lse) - (j === y[i] ? 1 : 0)) / n);
  });
  return { cost, grad };
}

describe('stabilization', () => {
  it("the book's cost and its gradient stay finite for logits of magnitude 1000 and match float64", () => {
    const x = T.dmatrix('x');
    const y = T.ivector('y');
    const cost = T.mean(T.log(T.nnet.softmax(x)).get(T.arange(y.shape(0)), y)).neg();
    const f = theano.function([x, y], [cost, T.grad(cost, x)]);
    const xs = [
      [1000, -1000, 0],
      [-1000, 1000, 500],
      [3, 1, 2],
    ];
    const ys = [1, 0, 2];
    const [c, g] = f(xs, ys);
    const ref = reference(xs, ys);
    expect(c!.item()).toBeCloseTo(ref.cost, 9);
    (g!.toArray() as number[][]).forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(ref.grad[i]![j]!, 12)));
  });

  it('also when the graph is built from the op builders (the stabilize rule, not the T.log shortcut)', async () => {
    const { log } = await import('../../src/ops/elemwise/log.js');
    const { softmax } = await import('../../src/ops/softmax.js');
    const x = T.dmatrix('x');
    const out = log(softmax(x));
    const f = theano.function([x], out);
    expect(f.fgraph.toposort().map((n) => n.op.name)).toEqual(['logSoftmax']);
    expect(f([[1000, 0]]).toArray()).toEqual([[0, -1000]]);
    const naive = theano.function([x], out, { mode: 'FAST_COMPILE' });
    expect(naive.fgraph.toposort().map((n) => n.op.name)).toEqual(['logSoftmax']);
  });

  it('log(1 + x) becomes log1p: log(1 + 1e-10) is not 0', () => {
    const x = T.dscalar('x');
    const f = theano.function([x], T.log(T.add(1, x)));
    expect(f.fgraph.toposort().map((n) => n.op.name)).toEqual(['log1p']);
    expect(f(1e-10).item()).toBeCloseTo(1e-10, 20);
    const g = theano.function([x], T.log(x.add(1)));
    expect(g(1e-10).item()).not.toBe(0);
  });

  it('log(sigmoid(x)) and log(1 - sigmoid(x)) become softplus forms, finite at ±800', () => {
    const x = T.dvector('x');
    const f = theano.function([x], [T.log(T.nnet.sigmoid(x)), T.log(T.sub(1, T.nnet.sigmoid(x)))]);
    const names = f.fgraph
      .toposort()
      .map((n) => n.op.toString())
      .join(' ');
    expect(names).toMatch(/softplus/);
    const [a, b] = f([-800, 0, 800]);
    expect(Array.from(a!.data)).toEqual([-800, -Math.log(2), -0]);
    expect(b!.get(0)).toBe(-0);
    expect(b!.get(2)).toBe(-800);
    expect(b!.get(1)).toBeCloseTo(-Math.log(2), 15);
  });
});

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as theano from '../../src/index.js';
import { T, IndexError } from '../../src/index.js';
import { FunctionGraph } from '../../src/ir/fgraph.js';
import { runRules } from '../../src/passes/rewrite.js';
import { logSoftmaxOneHot } from '../../src/passes/stabilize.js';
import { crossentropySoftmax1Hot } from '../../src/ops/crossentropy-1hot.js';
import { crossentropySoftmax1HotDx } from '../../src/ops/crossentropy-1hot-dx.js';
import { logSoftmax } from '../../src/ops/log-softmax.js';
import { advancedSubtensor } from '../../src/ops/advanced-subtensor.js';

/** Float64 reference: nll[i] = logsumexp(x[i]) - x[i, y[i]] and dx = g[i] * (softmax(x[i]) - onehot(y[i])). */
function reference(x: number[][], y: number[], g: number[]): { nll: number[]; dx: number[][] } {
  const k = x[0]!.length;
  const nll: number[] = [];
  const dx = x.map((row, i) => {
    if (i >= y.length) return row.map(() => 0);
    const m = Math.max(...row);
    const lse = m + Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0));
    const lab = y[i]! < 0 ? y[i]! + k : y[i]!;
    nll.push(lse - row[lab]!);
    return row.map((v, j) => g[i]! * (Math.exp(v - lse) - (j === lab ? 1 : 0)));
  });
  return { nll, dx };
}

const close = (a: number[], b: number[]) => a.forEach((v, i) => expect(v).toBeCloseTo(b[i]!, 10));

describe('crossentropySoftmax1Hot', () => {
  const x = T.dmatrix('x');
  const y = T.ivector('y');
  const g = T.dvector('g');
  const forward = theano.function([x, y], crossentropySoftmax1Hot(x, y));
  const backward = theano.function([g, x, y], crossentropySoftmax1HotDx(g, x, y));

  it('matches a float64 reference, with fewer labels than rows and negative labels', () => {
    const xs = [
      [1, 2, 3],
      [-1000, 1000, 0],
      [0.5, 0.5, -2],
      [4, 4, 4],
    ];
    const ys = [2, 0, -1];
    const gs = [0.5, -1, 2];
    const ref = reference(xs, ys, gs);
    close(Array.from(forward(xs, ys).data), ref.nll);
    close(Array.from(backward(gs, xs, ys).data), ref.dx.flat());
  });

  it('a length-1 output gradient broadcasts over the labels', () => {
    const xs = [
      [1, 2],
      [3, -1],
    ];
    close(Array.from(backward([0.25], xs, [1, 0]).data), reference(xs, [1, 0], [0.25, 0.25]).dx.flat());
  });

  it('a label outside the classes, or more labels than rows, is an IndexError naming y', () => {
    expect(() => forward([[1, 2]], [2])).toThrow(IndexError);
    expect(() => forward([[1, 2]], [2])).toThrow(/label 2 at position 0 of 'y'.*2 classes of 'x'/);
    expect(() => backward([1, 1], [[1, 2]], [0, 1])).toThrow(/more labels than 'x'.*has rows/);
  });

  it('gradients and second derivatives agree with finite differences', () => {
    const labels = T.constant(theano.ndarray(new Int32Array([2, 0, 1]), [3]));
    theano.gradient.verifyGrad(
      (a) => T.sum(crossentropySoftmax1Hot(a, labels).mul(T.constant(theano.ndarray(new Float64Array([1, -2, 0.5]), [3])))),
      [
        [
          [0.1, 0.2, -0.3],
          [1, -1, 0.5],
          [2, 0, 1],
          [0, 0, 0],
        ],
      ],
    );
    theano.gradient.verifyGrad(
      (gv, a) => T.sum(T.sqr(crossentropySoftmax1HotDx(gv, a, labels))),
      [
        [0.3, -0.7, 1.1],
        [
          [0.1, 0.2, -0.3],
          [1, -1, 0.5],
          [2, 0, 1],
          [3, 1, -2],
        ],
      ],
    );
  });

  it('property: agrees with the float64 reference on random logits and labels', () => {
    const caseArb = fc.integer({ min: 1, max: 5 }).chain((k) =>
      fc
        .record({
          x: fc.array(fc.array(fc.double({ min: -50, max: 50, noNaN: true }), { minLength: k, maxLength: k }), { minLength: 1, maxLength: 6 }),
          k: fc.constant(k),
        })
        .chain(({ x, k }) =>
          fc.record({
            x: fc.constant(x),
            y: fc.array(fc.integer({ min: -k, max: k - 1 }), { minLength: 0, maxLength: x.length }),
            g: fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: x.length, maxLength: x.length }),
          }),
        ),
    );
    fc.assert(
      fc.property(caseArb, ({ x: xs, y: ys, g: gs }) => {
        const gv = gs.slice(0, ys.length);
        const ref = reference(xs, ys, gs);
        close(Array.from(forward(xs, ys).data), ref.nll);
        close(Array.from(backward(gv.length ? gv : [0], xs, ys).data), gv.length ? ref.dx.flat() : xs.flat().map(() => 0));
      }),
      { seed: 7, numRuns: 150 },
    );
  });
});

describe('the stable cross-entropy rewrite', () => {
  it('logSoftmax(x)[arange(y.shape[0]), y] -> -crossentropySoftmax1Hot(x, y) (structure)', () => {
    const x = T.dmatrix('x');
    const y = T.ivector('y');
    const fg = new FunctionGraph([x, y], [advancedSubtensor(logSoftmax(x), [T.arange(y.shape(0)), y])]);
    runRules(fg, 'test', [logSoftmaxOneHot]);
    expect(fg.toposort().map((n) => n.op.name)).toEqual(['crossentropySoftmax1Hot', 'neg']);
  });

  it('leaves other index patterns alone: a row range of another vector, or a start other than 0', () => {
    const x = T.dmatrix('x');
    const y = T.ivector('y');
    const z = T.ivector('z');
    for (const rows of [T.arange(z.shape(0)), T.arange(1, y.shape(0))]) {
      const fg = new FunctionGraph([x, y, z], [advancedSubtensor(logSoftmax(x), [rows, y])]);
      expect(runRules(fg, 'test', [logSoftmaxOneHot]).fired.size).toBe(0);
    }
  });

  it("network3's cost compiles to the fused op and its gradient to the fused dx, with no scatter into zeros", () => {
    const x = T.dmatrix('x');
    const y = T.ivector('y');
    const cost = T.mean(T.log(T.nnet.softmax(x)).get(T.arange(y.shape(0)), y)).neg();
    const f = theano.function([x, y], [cost, T.grad(cost, x)]);
    const names = f.fgraph.toposort().map((n) => n.op.name);
    expect(names).toContain('crossentropySoftmax1Hot');
    expect(names).toContain('crossentropySoftmax1HotDx');
    expect(names).not.toContain('advancedIncSubtensor');
    expect(names).not.toContain('logSoftmax');
    const [c, gx] = f(
      [
        [1000, -1000, 0],
        [1, 2, 3],
      ],
      [1, 2],
    );
    const ref = reference(
      [
        [1000, -1000, 0],
        [1, 2, 3],
      ],
      [1, 2],
      [0.5, 0.5],
    );
    expect(c!.item()).toBeCloseTo((ref.nll[0]! + ref.nll[1]!) / 2, 9);
    close(Array.from(gx!.data), ref.dx.flat());
  });
});

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as theano from 'tsano';
import { T, type Variable } from 'tsano';
import { checkGrad, defaultGraphOps, gradProperty, graphArb, ndarrayArb, shapeArb, type GraphOp } from 'tsano/testing';

/** A stable log-sum-exp over the last axis. The max is shifted out and held out of the gradient. */
function logSumExp(x: Variable): Variable {
  const last = x.ndim - 1;
  const m = theano.gradient.disconnectedGrad(T.max(x, last));
  const shifted = T.sub(x, T.dimshuffle(m, ...Array.from({ length: last }, (_, i) => i), 'x'));
  return T.add(m, T.log(T.sum(T.exp(shifted), last)));
}

describe('logSumExp', () => {
  it('has the gradient finite differences measure, at one point (verifyGrad)', () => {
    theano.gradient.verifyGrad(logSumExp, [[[1, 2, 3], [-1, 0.5, 4]]]);
  });

  it('on random shapes and values (checkGrad in a fast-check property)', () => {
    const matrices = ndarrayArb(shapeArb({ minRank: 1, maxRank: 3, maxDim: 5 }));
    fc.assert(
      fc.property(matrices, (x) => {
        const result = checkGrad(logSumExp, [x]);
        // Points on a kink or tie are skipped, not failed.
        fc.pre(result.status === 'passed');
      }),
      { seed: 42, numRuns: 50 },
    );
  });

  it('inside random graphs of tsano ops (graphArb with our op added)', () => {
    const lseOp: GraphOp = {
      name: 'logSumExp',
      arity: 1,
      weight: 5,
      build: ([a]) => {
        const x = a!.shape.length === 0 ? { v: T.reshape(a!.v, [1]), shape: [1] } : a!;
        return { v: logSumExp(x.v), shape: x.shape.slice(0, -1) };
      },
    };
    fc.assert(gradProperty(graphArb({ ops: [...defaultGraphOps, lseOp] })), { seed: 7, numRuns: 50 });
  });

  it('a wrong gradient fails with the seed, a minimal graph and the worst element', () => {
    // Holding the wrong variable out of the gradient (x instead of its max) breaks it.
    const wrong = (x: Variable) => T.log(T.sum(T.exp(theano.gradient.zeroGrad(x)), x.ndim - 1));
    const broken: GraphOp = { name: 'wrongLogSumExp', arity: 1, weight: 5, build: ([a]) => (a!.shape.length ? { v: wrong(a!.v), shape: a!.shape.slice(0, -1) } : a!) };
    expect(() => fc.assert(gradProperty(graphArb({ ops: [...defaultGraphOps, broken] })), { seed: 7, numRuns: 100, includeErrorInReport: true })).toThrow(
      /seed: 7[\s\S]*Counterexample: \[graph with x0[\s\S]*exp\(zeroGrad\(x0\)\)[\s\S]*at element \[\d*\]: analytic 0, numeric [\d.]+/,
    );
  });
});

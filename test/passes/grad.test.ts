import { describe, expect, it, vi } from 'vitest';
import * as theano from '../../src/index.js';
import { T } from '../../src/index.js';

const run = (inputs: theano.Variable[], out: theano.Variable, ...args: unknown[]) =>
  theano.function(inputs, out, { onUnusedInput: 'ignore' })(...(args as never[]));

describe('T.grad', () => {
  it('is a graph named d<cost>/d<wrt>', () => {
    const x = T.dvector('x');
    const cost = x.sqr().sum();
    cost.name = 'cost';
    const g = T.grad(cost, x);
    expect(g.owner).not.toBeNull();
    expect(g.name).toBe('dcost/dx');
    expect(run([x], g, [1, -2, 3]).toArray()).toEqual([2, -4, 6]);
  });

  it('sums the contributions of a variable used several times', () => {
    const x = T.dscalar('x');
    const y = x.mul(x).add(x).add(x.mul(3)); // x² + 4x → 2x + 4
    expect(run([x], T.grad(y, x), 5).item()).toBe(14);
  });

  it('reduces a broadcast gradient to the input shape', () => {
    const m = T.dmatrix('m');
    const b = T.dvector('b');
    const s = T.dscalar('s');
    const cost = m.add(b).mul(s).sum();
    const [gm, gb, gs] = T.grad(cost, [m, b, s]);
    const f = theano.function([m, b, s], [gm!, gb!, gs!]);
    const [vm, vb, vs] = f(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      [10, 20, 30],
      2,
    );
    expect(vm!.toArray()).toEqual([
      [2, 2, 2],
      [2, 2, 2],
    ]);
    expect(vb!.toArray()).toEqual([4, 4, 4]);
    expect(vb!.shape).toEqual([3]);
    expect(vs!.item()).toBe(1 + 2 + 3 + 4 + 5 + 6 + 2 * (10 + 20 + 30));
  });

  it('reduces gradients of inputs that broadcast only at run time (size 1 not known statically)', () => {
    const a = T.dmatrix('a');
    const b = T.dmatrix('b');
    const ga = T.grad(a.mul(b).sum(), a);
    expect(
      run(
        [a, b],
        ga,
        [[1, 2, 3]],
        [
          [1, 1, 1],
          [2, 2, 2],
        ],
      ).toArray(),
    ).toEqual([[3, 3, 3]]);
  });

  it('keeps the form of wrt: one variable or an array', () => {
    const x = T.dscalar('x');
    const y = T.dscalar('y');
    const c = x.mul(y);
    expect(T.grad(c, x)).toBeInstanceOf(theano.Variable);
    expect(Array.isArray(T.grad(c, [x, y]))).toBe(true);
  });

  it('differentiates a gradient (second derivative)', () => {
    const x = T.dscalar('x');
    const d1 = T.grad(x.pow(3), x);
    const d2 = T.grad(d1, x);
    expect(run([x], d2, 2).item()).toBeCloseTo(12, 10);
  });

  it('refuses a non-scalar cost, saying how to fix it', () => {
    const v = T.vector('v');
    expect(() => T.grad(v.mul(2), v)).toThrow(/the cost must be a scalar; got the output of mul \(float32 vector\)\. Reduce it first/);
    expect(() => T.grad(v.mul(2), v)).toThrow(theano.GradientError);
  });

  it('refuses to differentiate with respect to an integer variable', () => {
    const i = T.iscalar('i');
    expect(() => T.grad(i.mul(2).astype('float64'), i)).toThrow(/cannot differentiate with respect to 'i' \(int32 scalar\)/);
  });

  it('raises for a disconnected input, saying which and why', () => {
    const x = T.dvector('x');
    const w = T.dvector('w');
    const cost = x.sum();
    cost.name = 'loss';
    expect(() => T.grad(cost, w)).toThrow(theano.DisconnectedInputError);
    expect(() => T.grad(cost, w)).toThrow(/'loss' does not depend on 'w' \(float64 vector\): it is not part of the computational graph of the cost/);
    const viaArgmax = T.argmax(x).astype('float64');
    expect(() => T.grad(viaArgmax, x)).toThrow(/depends on it only through ops that pass no gradient \(argmax/);
  });

  it("gives zeros for a disconnected input with 'ignore', and warns with 'warn'", () => {
    const x = T.dvector('x');
    const w = T.dvector('w');
    const g = T.grad(x.sum(), w, { disconnectedInputs: 'ignore' });
    expect(run([w], g, [1, 2]).toArray()).toEqual([0, 0]);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    T.grad(x.sum(), w, { disconnectedInputs: 'warn' });
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/does not depend on 'w'/));
    warn.mockRestore();
  });

  it('adds knownGrads of intermediate variables to what flows from the cost (Theano)', () => {
    const x = T.dvector('x');
    const h = x.mul(3);
    const g = T.grad(h.sum(), x, { knownGrads: [[h, theano.T.asTensor(theano.ndarray([1, 10], undefined, 'float64'))]] });
    expect(run([x], g, [0, 0]).toArray()).toEqual([3 * (1 + 1), 3 * (10 + 1)]);
  });

  it('passes no gradient to integer paths but still through a float cast', () => {
    const x = T.dvector('x');
    const y = x.astype('float32').astype('float64').mul(2).sum();
    expect(run([x], T.grad(y, x), [1, 2]).toArray()).toEqual([2, 2]);
  });
});

describe('T.grad and zero gradients', () => {
  it('a path with zero gradient gives zeros, not a disconnected-input error (as Theano)', () => {
    const x = T.dvector('x');
    const g = T.grad(T.sgn(x.mul(2)).sum(), x);
    expect(theano.function([x], g)([1, -2]).toArray()).toEqual([0, 0]);
  });

  it('a term multiplied by 0 adds no nodes to the gradient (an L2 term with lmbda = 0)', () => {
    const w = T.dmatrix('w');
    const x = T.dvector('x');
    const data = T.dot(x, w).sum();
    const withZeroL2 = data.add(w.sqr().sum().mul(0));
    const g0 = T.grad(data, w);
    const g1 = T.grad(withZeroL2, w);
    const ops = (v: theano.Variable) =>
      theano
        .function([x, w], v)
        .fgraph.toposort()
        .map((n) => n.op.name);
    expect(ops(g1)).toEqual(ops(g0));
    expect(ops(g1)).not.toContain('sqr');
  });
});

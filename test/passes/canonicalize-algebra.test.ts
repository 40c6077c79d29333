import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as theano from '../../src/index.js';
import { T, type Variable } from '../../src/index.js';
import { FunctionGraph } from '../../src/ir/fgraph.js';
import { runRules, type Rule } from '../../src/passes/rewrite.js';
import { expOfLog, fillOfUnary, logOfExp, subSelf, sumOfScaled } from '../../src/passes/canonicalize-algebra.js';
import { fill } from '../../src/ops/elemwise/fill.js';

const after = (inputs: Variable[], out: Variable, rule: Rule) => {
  const fg = new FunctionGraph(inputs, [out]);
  const report = runRules(fg, 'test', [rule]);
  return { ops: fg.toposort().map((n) => n.op.toString()), fired: report.fired.get(rule.name) ?? 0 };
};

describe('algebraic identities: graph before -> after', () => {
  it('subSelf: x - x -> 0 for ints; floats are left alone (Inf - Inf is NaN)', () => {
    const i = T.ivector('i');
    const r = after([i], i.sub(i), subSelf);
    expect(r.fired).toBe(1);
    expect(r.ops).not.toContain('sub');
    expect(theano.function([i], i.sub(i))([3, -7]).toArray()).toEqual([0, 0]);
    const x = T.dvector('x');
    expect(after([x], x.sub(x), subSelf).fired).toBe(0);
    expect(theano.function([x], x.sub(x))([Infinity, 1]).toArray()).toEqual([NaN, 0]);
  });

  it('logOfExp: log(exp(x)) -> x, exact where exp would overflow', () => {
    const x = T.dvector('x');
    expect(after([x], T.log(T.exp(x)), logOfExp)).toEqual({ ops: [], fired: 1 });
    expect(
      theano
        .function(
          [x],
          T.log(T.exp(x)),
        )([800, -3])
        .toArray(),
    ).toEqual([800, -3]);
  });

  it('expOfLog: exp(log(x)) -> x only where x cannot be negative', () => {
    const x = T.dvector('x');
    expect(after([x], T.exp(T.log(T.sqr(x))), expOfLog)).toEqual({ ops: ['sqr'], fired: 1 });
    expect(after([x], T.exp(T.log(x)), expOfLog).fired).toBe(0);
    expect(
      theano
        .function(
          [x],
          T.exp(T.log(x)),
        )([-1])
        .toArray(),
    ).toEqual([NaN]);
  });

  it('fillOfUnary: fill(sqr(x), v) -> fill(x, v); not through a two-input op (its shape is a broadcast)', () => {
    const [x, y] = [T.dmatrix('x'), T.dmatrix('y')];
    const v = T.dscalar('v');
    expect(after([x, v], fill(T.sqr(x), v), fillOfUnary)).toEqual({ ops: ['dimshuffle{pattern=(x,x)}', 'fill'], fired: 1 });
    expect(after([x, y, v], fill(x.add(y), v), fillOfUnary).fired).toBe(0);
    const f = theano.function([x, v], fill(T.exp(x), v));
    expect(f([[1, 2, 3]], 7).toArray()).toEqual([[7, 7, 7]]);
    // The L2 term's gradient no longer needs sqr(w), so sum(sqr(w)) fuses into one pass.
    const w = theano.shared(theano.ndarray(new Float64Array([1, -2, 3]), [3]), { name: 'w' });
    const l2 = T.sum(T.sqr(w));
    const step = theano.function([], l2, { updates: [[w, w.sub(T.grad(l2, w).mul(0.25))]] });
    expect(step.kernels().map((k) => k.name)).toContain('fusedSum{sqr(a0)}');
    expect(step().item()).toBe(14);
    expect(w.getValue().toArray()).toEqual([0.5, -1, 1.5]);
  });

  it('sumOfScaled: sum(0.5 * x) -> 0.5 * sum(x); mean likewise; axes are kept', () => {
    const x = T.dmatrix('x');
    const rowSums = after([x], T.sum(x.mul(0.5), 1), sumOfScaled).ops;
    expect(rowSums.filter((o) => o === 'mul')).toHaveLength(1);
    expect(rowSums.indexOf('sum{axis=(1)}')).toBeLessThan(rowSums.indexOf('mul'));
    expect(after([x], T.mean(T.mul(3, x)), sumOfScaled).ops).toEqual(['mean{axis=(0,1)}', 'mul']);
    const y = T.dmatrix('y');
    expect(after([x, y], T.sum(x.mul(y)), sumOfScaled).fired).toBe(0);
    // Not for an infinite or a variable scale: sum(-inf * x) over an empty axis is 0, -inf * sum(x) is NaN
    // (found by the fuzzer, seed 4242).
    const s = T.dscalar('s');
    expect(after([x, s], T.sum(x.mul(s)), sumOfScaled).fired).toBe(0);
    expect(after([x], T.sum(x.mul(T.log(T.constant(0))), 1), sumOfScaled).fired).toBe(0);
    const f = theano.function([x], T.sum(x.mul(T.log(T.constant(0))), 1));
    expect(f(theano.ndarray(new Float64Array(0), [2, 0])).toArray()).toEqual([0, 0]);
  });
});

describe('algebraic identities preserve values (FAST_RUN against FAST_COMPILE, random inputs)', () => {
  const forms: [string, (x: Variable, s: Variable) => Variable][] = [
    ['log(exp(x))', (x) => T.log(T.exp(x))],
    ['exp(log(sqr(x)))', (x) => T.exp(T.log(T.sqr(x)))],
    ['exp(log(abs(x))) + exp(log(sigmoid(x)))', (x) => T.exp(T.log(T.abs(x))).add(T.exp(T.log(T.nnet.sigmoid(x))))],
    ['sum(s * x, 1)', (x, s) => T.sum(x.mul(s), 1)],
    ['mean(x * 0.25)', (x) => T.mean(x.mul(0.25))],
    ['sum(s * x) and s * x both used', (x, s) => T.sum(x.mul(s)).add(x.mul(s).sum(0).sum())],
  ];
  it('property', () => {
    fc.assert(
      fc.property(
        fc.nat(forms.length - 1),
        fc.array(fc.double({ min: -30, max: 30, noNaN: true }), { minLength: 6, maxLength: 6 }),
        fc.double({ min: -4, max: 4, noNaN: true }),
        (k, xs, sv) => {
          const x = T.dmatrix('x');
          const s = T.dscalar('s');
          const out = forms[k]![1](x, s);
          const args = [theano.ndarray(xs, [2, 3], 'float64'), sv];
          const fast = theano.function([x, s], out, { onUnusedInput: 'ignore' })(...args);
          const plain = theano.function([x, s], out, { onUnusedInput: 'ignore', mode: 'FAST_COMPILE' })(...args);
          Array.from(fast.data).forEach((v, i) => {
            const ref = plain.data[i]!;
            if (!Number.isFinite(ref)) expect(v).toBe(ref);
            else expect(Math.abs(v - ref)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(ref)) * 8);
          });
        },
      ),
      { seed: 5, numRuns: 200 },
    );
  });
});

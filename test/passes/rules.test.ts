import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as theano from '../../src/index.js';
import { T } from '../../src/index.js';
import { FunctionGraph } from '../../src/ir/fgraph.js';
import { runRules, type Rule } from '../../src/passes/rewrite.js';
import { mergePhase } from '../../src/passes/merge.js';
import { foldConstants } from '../../src/passes/constant-folding.js';
import { canonicalizeRules } from '../../src/passes/canonicalize.js';
import { specializeRules } from '../../src/passes/specialize.js';
import { fuseElementwise } from '../../src/passes/fusion.js';
import { debugprint } from '../../src/ir/printing.js';

const opsOf = (fg: FunctionGraph) => fg.toposort().map((n) => n.op.toString());
const graphOf = (inputs: theano.Variable[], out: theano.Variable) => new FunctionGraph(inputs, [out]);
const apply = (fg: FunctionGraph, rules: readonly Rule[]) => runRules(fg, 'test', rules);

describe('rules: graph before -> after', () => {
  it('merge: f(a, b) computed twice becomes one node; equal constants become one', () => {
    const x = T.dvector('x');
    const fg = graphOf([x], x.mul(2).add(x.mul(2)));
    expect(opsOf(fg).filter((o) => o === 'mul')).toHaveLength(2);
    mergePhase(fg);
    expect(opsOf(fg).filter((o) => o === 'mul')).toHaveLength(1);
  });

  it('merge never merges distinct inputs or random draws', () => {
    const a = T.dvector('a');
    const b = T.dvector('b');
    const srng = new T.RandomStreams(1);
    const fg = graphOf(
      [a, b],
      a
        .add(b)
        .add(srng.uniform({ size: [2], dtype: 'float64' }))
        .add(srng.uniform({ size: [2], dtype: 'float64' })),
    );
    mergePhase(fg);
    expect(opsOf(fg).filter((o) => o.startsWith('random_'))).toHaveLength(2);
    expect(fg.leaves().filter((v) => v === a || v === b)).toHaveLength(2);
  });

  it('constant folding: op(constants) -> constant', () => {
    const x = T.dscalar('x');
    const fg = graphOf([x], x.add(T.add(2, 3).mul(4)));
    apply(fg, [foldConstants]);
    expect(opsOf(fg)).toEqual(['add']);
    expect((fg.toposort()[0]!.inputs[1] as theano.Constant).value.item()).toBe(20);
  });

  it.each([
    ['x * 1', (x: theano.Variable) => x.mul(1)],
    ['1 * x', (x: theano.Variable) => T.mul(1, x)],
    ['x + 0', (x: theano.Variable) => x.add(0)],
    ['x - 0', (x: theano.Variable) => x.sub(0)],
    ['x / 1', (x: theano.Variable) => x.div(1)],
    ['--x', (x: theano.Variable) => x.neg().neg()],
  ])('canonicalize: %s -> x', (_name, build) => {
    const x = T.dmatrix('x');
    const fg = graphOf([x], build(x).sum());
    apply(fg, [foldConstants]);
    apply(fg, canonicalizeRules);
    expect(opsOf(fg)).toEqual(['sum{axis=(0,1)}']);
  });

  it('canonicalize keeps x * 1 when the 1 broadcasts x to a larger shape or changes its dtype', () => {
    const x = T.dvector('x');
    const ones = theano.ndarray([[1], [1]], undefined, 'float64');
    const fg = graphOf([x], x.mul(T.asTensor(ones)));
    apply(fg, canonicalizeRules);
    expect(opsOf(fg)).toContain('mul');
    const i = T.ivector('i');
    const fg2 = graphOf([i], i.div(1));
    apply(fg2, canonicalizeRules);
    expect(opsOf(fg2)).toContain('div');
  });

  it('canonicalize merges repeated dimshuffles and reshapes', () => {
    const x = T.dmatrix('x');
    const fg = graphOf([x], x.T.T.dimshuffle('x', 0, 1).reshape([6]).reshape([2, 3]));
    apply(fg, canonicalizeRules);
    expect(opsOf(fg)).toEqual(['dimshuffle{pattern=(x,0,1)}', 'reshape{ndim=2}']);
  });

  it('specialize: x ** 2 -> sqr(x)', () => {
    const x = T.dvector('x');
    const fg = graphOf([x], x.pow(2));
    apply(fg, [foldConstants]);
    apply(fg, specializeRules);
    expect(opsOf(fg)).toEqual(['sqr']);
  });

  it('fusion: a chain and a tree of elementwise ops become one kernel', () => {
    const x = T.dmatrix('x');
    const b = T.dvector('b');
    const fg = graphOf([x, b], T.nnet.sigmoid(x.add(b)).mul(x.exp()).sum());
    apply(fg, [fuseElementwise]);
    const kinds = opsOf(fg);
    expect(kinds.filter((k) => k.startsWith('fused'))).toEqual(['fused{mul(sigmoid(add(a0, a1)), exp(a0))}']);
    expect(kinds).toContain('sum{axis=(0,1)}');
  });

  it('fusion leaves a value used twice computed once (not fused into both users)', () => {
    const x = T.dvector('x');
    const shared = x.exp();
    const fg = new FunctionGraph([x], [shared.add(1), shared.mul(2)]);
    apply(fg, [fuseElementwise]);
    expect(opsOf(fg).filter((o) => o === 'exp')).toHaveLength(1);
  });

  it('debugprint of a compiled function shows fused nodes with their scalar expression', () => {
    const x = T.dvector('x');
    const f = theano.function([x], x.mul(2).add(1).exp());
    expect(debugprint(f)).toMatch(/^fused\{exp\(add\(mul\(a0, a1\), a2\)\)\} \[id A\]/);
    expect(f.kernels().map((k) => k.name)).toEqual(['fused{exp(add(mul(a0, a1), a2))}']);
  });
});

describe('rewrites preserve values (FAST_RUN against FAST_COMPILE on random inputs)', () => {
  const unary = [
    (v: theano.Variable) => v.exp(),
    (v: theano.Variable) => T.tanh(v),
    (v: theano.Variable) => T.nnet.sigmoid(v),
    (v: theano.Variable) => v.mul(1),
    (v: theano.Variable) => v.add(0),
    (v: theano.Variable) => v.neg().neg(),
    (v: theano.Variable) => v.sqr(),
    (v: theano.Variable) => v.pow(2),
  ];
  const binary = [
    (a: theano.Variable, b: theano.Variable) => a.add(b),
    (a: theano.Variable, b: theano.Variable) => a.mul(b),
    (a: theano.Variable, b: theano.Variable) => a.sub(b),
    (a: theano.Variable, b: theano.Variable) => T.maximum(a, b),
  ];

  it('random elementwise graphs, their gradients, and folded constants agree', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(unary.length - 1), fc.nat(binary.length - 1), fc.boolean()), { minLength: 1, maxLength: 6 }),
        fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: 6, maxLength: 6 }),
        fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: 3, maxLength: 3 }),
        (program, xs, bs) => {
          const x = T.dmatrix('x');
          const b = T.dvector('b');
          let v: theano.Variable = x;
          for (const [u, op, useB] of program) v = binary[op]!(unary[u]!(v), useB ? b : x.mul(0.5));
          const cost = v.sum();
          const outs = [v, ...T.grad(cost, [x, b], { disconnectedInputs: 'ignore' })];
          const args = [theano.ndarray(xs, [2, 3], 'float64'), theano.ndarray(bs, [3], 'float64')];
          const fast = theano.function([x, b], outs)(...args);
          const plain = theano.function([x, b], outs, { mode: 'FAST_COMPILE' })(...args);
          fast.forEach((arr, k) => {
            Array.from(arr.data).forEach((val, i) => {
              const ref = plain[k]!.data[i]!;
              if (!Number.isFinite(ref)) expect(val).toBe(ref);
              else expect(Math.abs(val - ref)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(ref)));
            });
          });
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('f.kernels()', () => {
  it('lists each kernel with the user-level ops it computes and the source that runs', () => {
    const x = T.dmatrix('x');
    const w = T.dmatrix('w');
    const f = theano.function([x, w], T.nnet.sigmoid(T.dot(x, w).add(2).mul(3)));
    const kernels = f.kernels();
    expect(kernels.map((k) => k.ops)).toEqual([
      ['dot', 'add'],
      ['mul', 'sigmoid'],
    ]);
    const fused = kernels[1]!;
    expect(fused.backend).toBe('cpu');
    expect(fused.source).toMatch(/for \(let i0 = 0/);
    expect(fused.source).toMatch(/Math\.exp/);
    // The listed source is what runs: calling it directly computes the kernel.
    const run = new Function(`return (${fused.source})`)() as (o: Float64Array, i: Float64Array[], s: number[], st: number[][]) => void;
    const out = new Float64Array(2);
    run(
      out,
      [new Float64Array([0, 1]), new Float64Array([3])],
      [1, 2],
      [
        [0, 1],
        [0, 0],
      ],
    );
    expect(Array.from(out)).toEqual([0.5, 1 / (1 + Math.exp(-3))]);
  });
});

describe('reduction fusion', () => {
  it('sum of an elementwise expression used nowhere else is one pass: sum(sqr(w)) -> fusedSum{sqr(a0)}', () => {
    const w = T.dmatrix('w');
    const b = T.dvector('b');
    const f = theano.function([w, b], w.sqr().sum().add(w.add(b).exp().sum()));
    const names = f.fgraph.toposort().map((n) => n.op.toString());
    expect(names).toContain('fusedSum{sqr(a0)}');
    expect(names).toContain('fusedSum{exp(add(a0, a1))}');
    expect(names.filter((n) => n.startsWith('sum'))).toEqual([]);
    const ref = theano.function([w, b], w.sqr().sum().add(w.add(b).exp().sum()), { mode: 'FAST_COMPILE' });
    const args = [
      theano.ndarray(
        [
          [1, -2, 3],
          [0.5, 0, -1],
        ],
        undefined,
        'float64',
      ),
      theano.ndarray([0.1, 0.2, 0.3], undefined, 'float64'),
    ];
    expect(f(...args).item()).toBeCloseTo(ref(...args).item(), 12);
    const kernel = f.kernels().find((k) => k.name === 'fusedSum{sqr(a0)}')!;
    expect(kernel.ops).toEqual(['sqr', 'sum']);
    expect(kernel.source).toMatch(/acc \+= r/);
  });

  it('keeps values and gradients equal to the unfused graph on random inputs', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: 6, maxLength: 6 }), (xs) => {
        const x = T.dmatrix('x');
        const cost = T.nnet.sigmoid(x).mul(x).sum();
        const outs = [cost, T.grad(cost, x)];
        const a = theano.ndarray(xs, [2, 3], 'float64');
        const fast = theano.function([x], outs)(a);
        const plain = theano.function([x], outs, { mode: 'FAST_COMPILE' })(a);
        expect(fast[0]!.item()).toBeCloseTo(plain[0]!.item(), 12);
        Array.from(fast[1]!.data).forEach((v, i) => expect(v).toBeCloseTo(plain[1]!.data[i]!, 12));
      }),
      { numRuns: 30 },
    );
  });

  it('the fused sum is differentiable itself (a gradient of a compiled graph is not needed, but the op has one)', async () => {
    const { FusedSum } = await import('../../src/ops/elemwise/fused-sum.js');
    const { sqrOp } = await import('../../src/ops/elemwise/sqr.js');
    const { apply1 } = await import('../../src/ir/op.js');
    const x = T.dvector('x');
    const s = apply1(new FusedSum([{ op: sqrOp, args: [0], dtype: 'float64' }], 1), [x]);
    expect(theano.function([x], T.grad(s, x))([1, -3]).toArray()).toEqual([2, -6]);
  });
});

describe('gradient blockers', () => {
  it('zeroGrad(x) and disconnectedGrad(x) -> x once compiled', () => {
    const x = T.dvector('x');
    const f = theano.function([x], theano.gradient.zeroGrad(x).add(theano.gradient.disconnectedGrad(x)).exp());
    expect(f.fgraph.toposort().map((n) => n.op.toString())).toEqual(['fused{exp(add(a0, a0))}']);
    expect(f([0]).toArray()).toEqual([1]);
  });
});

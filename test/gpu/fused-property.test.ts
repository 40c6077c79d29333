// Property: random elementwise expressions (fused by the optimizer into one kernel) give the same values on the GPU
// backend as on the CPU backend, with broadcasting of a row and a column.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as theano from '../../src/index.js';
import { T, type NDArray, type Variable } from '../../src/index.js';
import { gpuTestModes } from './harness.js';

type Expr = { op: string; args: Expr[] } | { leaf: 0 | 1 | 2 };

const UNARY: Record<string, (a: Variable) => Variable> = {
  tanh: (a) => T.tanh(a),
  sigmoid: (a) => T.nnet.sigmoid(a),
  abs: (a) => T.abs(a),
  neg: (a) => T.neg(a),
  sqr: (a) => T.sqr(a),
  relu: (a) => T.nnet.relu(a),
  softplus: (a) => T.nnet.softplus(a),
  expTanh: (a) => T.exp(T.tanh(a)),
};
const BINARY: Record<string, (a: Variable, b: Variable) => Variable> = {
  add: (a, b) => T.add(a, b),
  sub: (a, b) => T.sub(a, b),
  mul: (a, b) => T.mul(a, b),
  maximum: (a, b) => T.maximum(a, b),
  minimum: (a, b) => T.minimum(a, b),
  safeDiv: (a, b) => T.div(a, T.add(1, T.sqr(b))),
};

const exprArb: fc.Arbitrary<Expr> = fc.letrec<{ e: Expr }>((tie) => ({
  e: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({ leaf: fc.constantFrom<0 | 1 | 2>(0, 1, 2) }),
    fc.record({ op: fc.constantFrom(...Object.keys(UNARY)), args: fc.tuple(tie('e')).map((t) => [...t]) }),
    fc.record({ op: fc.constantFrom(...Object.keys(BINARY)), args: fc.tuple(tie('e'), tie('e')).map((t) => [...t]) }),
  ),
})).e;

function build(e: Expr, leaves: Variable[]): Variable {
  if ('leaf' in e) return leaves[e.leaf]!;
  const args = e.args.map((a) => build(a, leaves));
  return args.length === 1 ? UNARY[e.op]!(args[0]!) : BINARY[e.op]!(args[0]!, args[1]!);
}

// Spread over [-3, 3] (fc.float favours 0 and tiny values, which would leave the ops' far branches untested).
const valuesArb = (n: number) =>
  fc.array(
    fc.integer({ min: -3000, max: 3000 }).map((v) => v / 1000),
    { minLength: n, maxLength: n },
  );

describe.each(gpuTestModes())('random fused expressions, GPU vs CPU (%s)', (mode) => {
  it('agree within float32 tolerances', { timeout: 300_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(exprArb, valuesArb(12), valuesArb(4), valuesArb(3), async (e, a, r, c) => {
        const x = T.matrix('x');
        const row = T.tensor('float32', [1, null], 'r');
        const col = T.tensor('float32', [null, 1], 'c');
        // Plus x: every expression is a matrix, even one built from the row or column alone.
        const out = T.add(build(e, [x, row, col]), T.mul(x, 0.5));
        const args = [theano.ndarray(a, [3, 4], 'float32'), theano.ndarray(r, [1, 4], 'float32'), theano.ndarray(c, [3, 1], 'float32')];
        const cpu = (await theano.function([x, row, col], out, { device: 'cpu', onUnusedInput: 'ignore' }).run(...args)) as NDArray;
        const g = theano.function([x, row, col], out, { device: 'gpu', gpuMode: mode, onUnusedInput: 'ignore' });
        const gpu = (await g.run(...args)) as NDArray;
        expect(g.kernels().some((k) => k.backend === `gpu:${mode}`)).toBe(true);
        expect(gpu.shape).toEqual(cpu.shape);
        cpu.data.forEach((v, i) => expect(Math.abs(gpu.data[i]! - v)).toBeLessThanOrEqual(1e-4 * Math.abs(v) + 1e-5));
      }),
      { numRuns: 100, seed: 20261205 },
    );
  });
});

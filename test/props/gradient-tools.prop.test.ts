/**
 * T.jacobian, T.hessian, theano.gradient.Lop / Rop, considerConstant, zeroGrad and disconnectedGrad: against
 * finite differences and identities on random inputs and random graphs, and Theano's own test cases.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as theano from '../../src/index.js';
import { T, DisconnectedInputError, GradientError } from '../../src/index.js';
import type { NDArray, Variable } from '../../src/index.js';
import { findKink, graphArb, valuesAwayFromKinks } from '../../src/testing/index.js';
import { assertProperty } from './config.js';

const { Lop, Rop, zeroGrad, disconnectedGrad, verifyGrad } = theano.gradient;
const seedArb = fc.integer({ min: 0, max: 0x3fffffff });
const dim = fc.integer({ min: 1, max: 4 });

/** Central differences of every output element with respect to every element of `x`: shape (out size, x size). */
function fdJacobian(f: (x: NDArray) => NDArray, x: NDArray, h = 1e-6): number[][] {
  const base = f(x);
  const cols: number[][] = [];
  for (let i = 0; i < x.size; i++) {
    const p = x.copy();
    const m = x.copy();
    p.data[i]! += h;
    m.data[i]! -= h;
    const fp = f(p);
    const fm = f(m);
    cols.push(Array.from(fp.data, (v, k) => (v - fm.data[k]!) / (2 * h)));
  }
  return Array.from({ length: base.size }, (_, r) => cols.map((c) => c[r]!));
}

function expectAllClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what: string): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (!(Math.abs(a - e) <= tol * Math.max(1, Math.abs(e)))) expect.fail(`${what}: element ${i} is ${a}, expected ${e} (tolerance ${tol})`);
  }
}

describe('T.jacobian', () => {
  it('property: equals central differences, row by row, for vector expressions of vectors and matrices', () => {
    assertProperty(
      fc.property(dim, dim, seedArb, (n, m, seed) => {
        const x = T.tensor('float64', [n], 'x');
        const W = T.tensor('float64', [m, n], 'W');
        const y = T.mul(T.tanh(T.dot(W, x)), T.sum(T.sqr(x)));
        const [Jx, JW] = T.jacobian(y, [x, W]);
        expect(Jx!.name).toBe('jacobian(expression, x)');
        const xv = valuesAwayFromKinks([n], seed);
        const Wv = valuesAwayFromKinks([m, n], seed + 1);
        const [jx, jw] = theano.function([x, W], [Jx!, JW!])(xv, Wv);
        expect(jx!.shape).toEqual([m, n]);
        expect(jw!.shape).toEqual([m, m, n]);
        const fy = theano.function([x, W], y);
        expectAllClose(jx!.data, fdJacobian((v) => fy(v, Wv), xv).flat(), 1e-6, 'dy/dx');
        expectAllClose(jw!.data, fdJacobian((v) => fy(xv, v), Wv).flat(), 1e-6, 'dy/dW');
      }),
      10,
    );
  });

  it('of a scalar is T.grad; of a matrix or an expression of unknown length is a clear error', () => {
    const x = T.tensor('float64', [3], 'x');
    const g = T.jacobian(T.sum(T.sqr(x)), x);
    expect(theano.function([x], g)([1, 2, 3]).toArray()).toEqual([2, 4, 6]);
    expect(() => T.jacobian(T.outer(x, x), x)).toThrow(/expects a vector \(or scalar\) expression.*Flatten it first/);
    const v = T.dvector('v');
    expect(() => T.jacobian(T.tanh(v), v)).toThrow(GradientError);
    expect(() => T.jacobian(T.tanh(v), v)).toThrow(
      /length of the output of tanh \(float64 vector\) must be known when the graph is built.*static shapes, e\.g\. T\.tensor\('float64', \[3\], 'x'\)/,
    );
  });
});

describe('T.hessian', () => {
  it('property: equals central differences of the gradient and is symmetric (vectors and matrices)', () => {
    assertProperty(
      fc.property(dim, dim, seedArb, (n, k, seed) => {
        const x = T.tensor('float64', [n], 'x');
        const A = T.tensor('float64', [k, n], 'A');
        const cost = T.add(T.sum(T.mul(T.tanh(x), x)), T.sum(T.exp(T.dot(A, T.mul(x, x)))).mul(0.1));
        const [Hx, HA] = T.hessian(cost, [x, A]);
        const xv = valuesAwayFromKinks([n], seed);
        const Av = valuesAwayFromKinks([k, n], seed + 1, { max: 0.5 });
        const [hx, hA] = theano.function([x, A], [Hx!, HA!])(xv, Av);
        expect(hx!.shape).toEqual([n, n]);
        expect(hA!.shape).toEqual([k, n, k, n]);
        const [gxFn, gAFn] = [theano.function([x, A], T.grad(cost, x)), theano.function([x, A], T.grad(cost, A))];
        expectAllClose(hx!.data, fdJacobian((v) => gxFn(v, Av), xv).flat(), 1e-6, 'd2c/dx2');
        expectAllClose(hA!.data, fdJacobian((v) => gAFn(xv, v), Av).flat(), 1e-6, 'd2c/dA2');
        for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) expect(hx!.get(i, j)).toBeCloseTo(hx!.get(j, i), 10);
      }),
      10,
    );
  });

  it('needs a scalar cost and static shapes', () => {
    const x = T.tensor('float64', [2], 'x');
    expect(() => T.hessian(T.sqr(x), x)).toThrow(/the cost must be a scalar/);
    expect(() => T.hessian(T.sum(T.sqr(T.dvector('v'))), T.dvector('w'))).toThrow(/shape of 'w' \(float64 vector\) must be known when the graph is built/);
  });
});

describe('Lop and Rop', () => {
  it('property: Lop(f, wrt, v) equals T.grad(sum(f * v), wrt) on random graphs', () => {
    assertProperty(
      fc.property(graphArb(), (c) => {
        const b = c.build();
        const outShape = theano.function(b.inputs, b.output, { onUnusedInput: 'ignore' })(...b.points).shape;
        const v = T.tensor('float64', outShape.length, 'v');
        const vv = valuesAwayFromKinks(outShape, c.seed + 3);
        const lop = Lop(b.output, b.inputs, v, { disconnectedInputs: 'ignore' });
        const viaGrad = T.grad(T.sum(T.mul(b.output, v)), b.inputs, { disconnectedInputs: 'ignore' });
        const f = theano.function([...b.inputs, v], [...lop, ...viaGrad], { onUnusedInput: 'ignore' });
        const r = f(...b.points, vv);
        b.inputs.forEach((_, k) => expectAllClose(r[k]!.data, r[k + b.inputs.length]!.data, 1e-12, `Lop wrt input ${k}\n${c.toString()}`));
      }),
      25,
    );
  });

  it('property: Rop(f, wrt, v) equals directional central differences, and ⟨u, Rop v⟩ = ⟨Lop u, v⟩, on random graphs', () => {
    let checked = 0;
    assertProperty(
      fc.property(graphArb(), (c) => {
        const b = c.build();
        const fwd = theano.function(b.inputs, b.output, { onUnusedInput: 'ignore' });
        fc.pre(findKink(b.output, b.inputs, b.points, 1e-3) === null);
        const base = fwd(...b.points);
        const vs = b.inputs.map((w) => T.tensor('float64', w.ndim, `v_${w.name}`));
        const vVals = b.points.map((p, i) => valuesAwayFromKinks(p.shape, c.seed + 11 * i));
        const u = T.tensor('float64', base.ndim, 'u');
        const uVal = valuesAwayFromKinks(base.shape, c.seed + 7);
        const rop = Rop(b.output, b.inputs, vs, { disconnectedOutputs: 'ignore' });
        const lop = Lop(b.output, b.inputs, u, { disconnectedInputs: 'ignore' });
        const f = theano.function([...b.inputs, ...vs, u], [rop, ...lop], { onUnusedInput: 'ignore' });
        const [jv, ...jtu] = f(...b.points, ...vVals, uVal);
        // Directional central differences: (f(x + h v) - f(x - h v)) / 2h.
        const h = 1e-6;
        const shifted = (s: number) =>
          fwd(
            ...b.points.map((p, i) =>
              theano.ndarray(
                Float64Array.from(p.data, (x, k) => x + s * h * vVals[i]!.data[k]!),
                p.shape.slice(),
                'float64',
              ),
            ),
          );
        const plus = shifted(1);
        const minus = shifted(-1);
        expect(jv!.shape).toEqual(base.shape);
        for (let k = 0; k < base.size; k++) {
          const fd = (plus.data[k]! - minus.data[k]!) / (2 * h);
          const a = jv!.data[k]!;
          const absErr = Math.abs(a - fd);
          if (absErr > 1e-4 && absErr / Math.max(Math.abs(a) + Math.abs(fd), 1e-8) > 1e-4)
            expect.fail(`Rop element ${k}: ${a}, finite differences ${fd}\n${c.toString()}`);
        }
        // The adjoint identity, to rounding.
        let left = 0;
        for (let k = 0; k < base.size; k++) left += uVal.data[k]! * jv!.data[k]!;
        let right = 0;
        jtu.forEach((g, i) => g.data.forEach((x, k) => (right += x * vVals[i]!.data[k]!)));
        expect(Math.abs(left - right)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(left)));
        checked++;
      }),
      25,
    );
    expect(checked).toBeGreaterThan(0);
  });

  it('take single variables or arrays, check ranks, and handle disconnected outputs', () => {
    const x = T.dvector('x');
    const y = T.dvector('y');
    const v = T.dvector('v');
    const f = T.mul(T.tanh(x), y);
    const [jx, jy] = Lop(f, [x, y], v);
    const out = theano.function([x, y, v], [jx!, jy!, Rop(f, x, v), Rop([f, T.sqr(x)], [x, y], [v, v])[1]!])([0.5, -1], [2, 3], [1, 0.5]);
    const t = [Math.tanh(0.5), Math.tanh(-1)];
    expect(out[0]!.data[0]).toBeCloseTo(1 * 2 * (1 - t[0]! ** 2), 12);
    expect(out[1]!.data[1]).toBeCloseTo(0.5 * t[1]!, 12);
    expect(out[2]!.data[1]).toBeCloseTo(0.5 * 3 * (1 - t[1]! ** 2), 12);
    expect(Array.from(out[3]!.data)).toEqual([2 * 0.5 * 1, 2 * -1 * 0.5]);
    expect(() => Lop(f, x, T.dmatrix('m'))).toThrow(/must have the rank of/);
    expect(() => Rop(f, [x, y], v)).toThrow(/2 variables but 1 evaluation points/);
    const z = T.dvector('z');
    expect(() => Rop(T.tanh(z), x, v)).toThrow(DisconnectedInputError);
    expect(
      theano
        .function([z, v], Rop(T.tanh(z), x, v, { disconnectedOutputs: 'ignore' }), { onUnusedInput: 'ignore' })([1, 2], [1, 1])
        .toArray(),
    ).toEqual([0, 0]);
  });

  it("Theano's TestZeroGrad.test_rop: the Rop of zeroGrad(x) is zero", () => {
    const x = T.dvector('x');
    const v = T.dvector('v');
    const f = theano.function([x, v], Rop(zeroGrad(x), x, v), { onUnusedInput: 'ignore' });
    expect(Array.from(f([0.3, -1.2, 2, 0.1, 5], [1, 2, 3, 4, 5]).data).every((e) => e === 0)).toBe(true);
  });
});

describe('considerConstant, zeroGrad, disconnectedGrad', () => {
  const a = valuesAwayFromKinks([5, 5], 77);
  const gradOf = (expr: Variable, x: Variable, opts?: Parameters<typeof T.grad>[2]) =>
    theano.function([x], T.grad(T.sum(expr), x, opts), { onUnusedInput: 'ignore' })(a);
  const valueOf = (expr: Variable, x: Variable) => theano.function([x], expr, { onUnusedInput: 'ignore' })(a);

  it("Theano's TestZeroGrad.test_grad and TestDisconnectedGrad.test_grad tables", () => {
    for (const block of [zeroGrad, disconnectedGrad]) {
      const x = T.dmatrix('x');
      const table: [Variable, Variable][] = [
        [T.mul(x, block(x)), x],
        [T.mul(x, block(T.exp(x))), T.exp(x)],
        [T.mul(T.pow(x, 2), block(x)), T.mul(2, T.pow(x, 2))],
      ];
      for (const [expr, want] of table) expectAllClose(gradOf(expr, x).data, valueOf(want, x).data, 1e-12, `${block.name}: ${theano.printing.pp(expr)}`);
    }
    const x = T.dmatrix('x');
    expect(Array.from(gradOf(zeroGrad(x), x).data).every((v) => v === 0)).toBe(true);
  });

  it("Theano's TestDisconnectedGrad.test_disconnected_paths", () => {
    const x = T.dmatrix('x');
    expect(() => T.grad(T.sum(disconnectedGrad(x)), x)).toThrow(DisconnectedInputError);
    expect(() => T.grad(T.sum(disconnectedGrad(x)), x)).toThrow(/only through ops that pass no gradient \(disconnectedGrad\)/);
    expect(() => T.grad(T.sum(T.add(x, disconnectedGrad(x))), x)).not.toThrow();
    const p = T.dmatrix('p');
    const q = T.dmatrix('q');
    const y = T.add(p, disconnectedGrad(q));
    expect(() => T.grad(T.sum(y), q)).toThrow(DisconnectedInputError);
    expect(() => T.grad(T.sum(y), p)).not.toThrow();
    // zeroGrad keeps the input connected: zeros, no error.
    expect(() => T.grad(T.sum(zeroGrad(q)), q)).not.toThrow();
  });

  it('are identities forward, and verifyGrad sees the truncated gradient', () => {
    const x = T.dmatrix('x');
    expect(Array.from(valueOf(zeroGrad(T.exp(x)), x).data)).toEqual(Array.from(valueOf(T.exp(x), x).data));
    expect(Array.from(valueOf(disconnectedGrad(T.tanh(x)), x).data)).toEqual(Array.from(valueOf(T.tanh(x), x).data));
    expect(() => verifyGrad((v) => T.mul(v, zeroGrad(v)), [[1, 2]])).toThrow(GradientError);
    expect(theano.printing.pp(zeroGrad(x))).toBe('zeroGrad(x)');
  });

  it("considerConstant: Theano's TestConsiderConstant.test_grad cases, as T.grad's option", () => {
    const x = T.dmatrix('x');
    const e = T.exp(x);
    expectAllClose(gradOf(T.mul(x, e), x, { considerConstant: [e] }).data, valueOf(e, x).data, 1e-12, 'x * cc(exp(x))');
    const c = T.mul(x, 1);
    expectAllClose(gradOf(T.mul(T.pow(x, 2), c), x, { considerConstant: [c] }).data, valueOf(T.mul(2, T.pow(x, 2)), x).data, 1e-12, 'x² * cc(x)');
    // Only through a constant: disconnected, as Theano.
    expect(() => gradOf(e, x, { considerConstant: [e] })).toThrow(/only through ops that pass no gradient \(considerConstant\)/);
    expect(Array.from(gradOf(e, x, { considerConstant: [e], disconnectedInputs: 'ignore' }).data).every((v) => v === 0)).toBe(true);
    // A wrt listed as constant is still differentiated (it depends on nothing anyway).
    expectAllClose(gradOf(T.sqr(x), x, { considerConstant: [x] }).data, valueOf(T.mul(2, x), x).data, 1e-12, 'cc(wrt)');
    // With knownGrads: the known gradient of e stops at e.
    const k = T.grad(T.sum(T.mul(x, e)), x, { considerConstant: [e], knownGrads: [[e, T.mul(e, 0).add(1)]] });
    expectAllClose(theano.function([x], k)(a).data, valueOf(e, x).data, 1e-12, 'knownGrads with a constant');
  });
});

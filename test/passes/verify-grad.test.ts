/**
 * theano.gradient.verifyGrad: Theano's documented examples reproduce Theano's verdict, and the method's parts
 * (projection, one-sided or central differences, tolerances by dtype, the both-tolerances rule, seeds, errors).
 */
import { describe, expect, it } from 'vitest';
import * as theano from '../../src/index.js';
import { T, GradientError, GradientCheckError, TypeMismatchError } from '../../src/index.js';
import { RandomState } from '../../src/util/rng.js';
import { badDouble, bigScale, cos, double, failNeg, tinyScale } from '../props/planted-ops.js';

const { verifyGrad } = theano.gradient;

/** numpy.random.rand(...shape) with a seeded generator, as float64 nested-free NDArrays. */
function rand(shape: number[], rng: RandomState, lo = 0, hi = 1): theano.NDArray {
  const n = shape.reduce((a, b) => a * b, 1);
  return theano.ndarray(rng.uniform(lo, hi, n), shape, 'float64');
}
function randn(shape: number[], rng: RandomState): theano.NDArray {
  const n = shape.reduce((a, b) => a * b, 1);
  return theano.ndarray(rng.normal(0, 1, n), shape, 'float64');
}

describe("Theano's documented verify_grad examples give Theano's verdict", () => {
  it('gradient.py docstring: verify_grad(tanh, [[2, 3, 4], [-1, 3.3, 9.9]]) passes', () => {
    expect(() =>
      verifyGrad(T.tanh, [
        [
          [2, 3, 4],
          [-1, 3.3, 9.9],
        ],
      ]),
    ).not.toThrow();
  });

  it('unittest.txt test_verify_exprgrad: (x + cos(y)) / (4 z)^2 on x (3, 1), y (2,), z () passes', () => {
    const fun = (x: theano.Variable, y: theano.Variable, z: theano.Variable) => T.div(T.add(x, cos(y)), T.sqr(T.mul(4, z)));
    const report = verifyGrad(fun, [[[1], [1.1], [1.2]], [0.1, 0.2], 2], { rng: new RandomState(42) });
    expect(report.worst!.absErr).toBeLessThan(1e-4);
  });

  it('unittest.txt test_flatten_outdimNone: Flatten on [[0, 1, 2], [3, 4, 5]] passes', () => {
    expect(() =>
      verifyGrad(
        (a) => T.flatten(a),
        [
          [
            [0, 1, 2],
            [3, 4, 5],
          ],
        ],
      ),
    ).not.toThrow();
  });

  it('unittest.txt test_crossentropy_softmax_grad: crossentropy(softmax(x + b), y_idx = [0, 2]) passes', () => {
    const yIdx = theano.ndarray([0, 2], [2], 'int32');
    const fun = (x: theano.Variable, b: theano.Variable) => T.nnet.categoricalCrossentropy(T.nnet.softmax(T.add(x, b)), yIdx);
    expect(() =>
      verifyGrad(fun, [
        [
          [-1, 0, 1],
          [3, 2, 1],
        ],
        [1, 2, 3],
      ]),
    ).not.toThrow();
  });

  it("extending_theano.txt DoubleOp: 2x passes on rand(5, 7, 2); with the '* 2' removed from its grad it fails", () => {
    const rng = new RandomState(1);
    const pt = rand([5, 7, 2], rng);
    expect(() => verifyGrad(double, [pt])).not.toThrow();
    expect(() => verifyGrad(badDouble, [pt])).toThrow(GradientError);
  });

  it('extending_theano_solution_1 ProdOp x * y and SumDiffOp x + y, x - y pass with n_tests = 1 (rng 43)', () => {
    const rng = new RandomState(43);
    const pts = [rand([5, 4], rng), rand([5, 4], rng)];
    expect(() => verifyGrad(T.mul, pts, { nTests: 1, rng })).not.toThrow();
    expect(() => verifyGrad(T.add, pts, { nTests: 1, rng })).not.toThrow();
    expect(() => verifyGrad(T.sub, pts, { nTests: 1, rng })).not.toThrow();
  });

  it('sparse/tests test_grad_fail: a negation whose gradient forgot the sign raises GradientError', () => {
    const rng = new RandomState(3);
    expect(() => verifyGrad(failNeg, [rand([10, 40], rng)])).toThrow(GradientError);
  });

  it('tests/test_gradient.py: duplicate input, quadratic, cubic and their gradients-of-gradients pass', () => {
    const rng = new RandomState(2012);
    const vx = randn([2], rng);
    const vA = randn([2, 2], rng);
    verifyGrad((x) => T.mul(x, x), [vx]);
    verifyGrad((x, A) => T.dot(x, T.dot(A, x)), [vx, vA]);
    verifyGrad((x, A) => T.dot(T.mul(x, x), A), [vx, vA]);
    verifyGrad((x, A) => T.dot(T.mul(x, x), T.dot(A, x)), [vx, vA]);
    verifyGrad((x, A) => T.grad(T.dot(x, T.dot(A, x)), x), [vx, vA]);
    verifyGrad((x, A) => T.grad(T.dot(T.mul(x, x), T.dot(A, x)), x), [vx, vA]);
  });

  it('nnet: sigmoid, softplus and softmax on rand(3, 4) pass', () => {
    const rng = new RandomState(5);
    for (const f of [T.nnet.sigmoid, T.nnet.softplus, T.nnet.softmax]) expect(() => verifyGrad(f, [rand([3, 4], rng, -2, 2)])).not.toThrow();
  });
});

describe('verifyGrad: the method', () => {
  it('fails only when both the absolute and the relative error exceed their tolerances', () => {
    // bigScale: gradient 1e6 + 1 against 1e6: abs. error ~1 > 1e-4, rel. error ~5e-7 < 1e-4: passes.
    expect(() => verifyGrad(bigScale, [[0.3, -0.7]], { eps: 1e-3 })).not.toThrow();
    // tinyScale: gradient 2e-6 against 1e-6: rel. error 1/3 > 1e-4, abs. error ~1e-6 < 1e-4: passes.
    expect(() => verifyGrad(tinyScale, [[0.3, -0.7]])).not.toThrow();
    // With a tolerance that each exceeds, both fail.
    expect(() => verifyGrad(bigScale, [[0.3, -0.7]], { eps: 1e-3, relTol: 1e-8 })).toThrow(GradientError);
    expect(() => verifyGrad(tinyScale, [[0.3, -0.7]], { absTol: 1e-8 })).toThrow(GradientError);
  });

  it('the error names the input, the worst element, the analytic and numeric values and both errors', () => {
    let err: unknown;
    try {
      verifyGrad(
        (x, y) => T.add(T.sum(x), failNeg(y)),
        [
          [1, 2],
          [
            [0.5, -1.5, 2.5],
            [1, 2, 3],
          ],
        ],
      );
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(GradientError);
    expect(err).toBeInstanceOf(GradientCheckError);
    const e = err as GradientCheckError;
    expect(e.name).toBe('GradientError');
    expect(e.message).toMatch(/input 1 of 2 \(float64 matrix, shape \(2, 3\)\)/);
    expect(e.message).toMatch(
      /at element \[\d, \d\]: analytic -?[\d.]+, numeric -?[\d.]+; abs\. error [\d.e-]+ > abs\. tolerance 0\.0001, rel\. error [\d.e-]+ > rel\. tolerance 0\.0001/,
    );
    expect(e.message).toMatch(/seed 42, eps 1e-7, one-sided differences/);
    expect(e.details.input).toBe(1);
    expect(e.details.analytic).toBeCloseTo(-e.details.numeric, 5);
    expect(e.details.index).toHaveLength(2);
  });

  it('tolerances and eps follow the points dtype: float32 uses eps 3e-4 and tolerance 1e-2', () => {
    const x32 = theano.ndarray([0.3, -1.2, 0.8], [3], 'float32');
    const r32 = verifyGrad(T.tanh, [x32]);
    expect([r32.eps, r32.absTol, r32.relTol]).toEqual([3e-4, 1e-2, 1e-2]);
    const r64 = verifyGrad(T.tanh, [[0.3, -1.2, 0.8]]);
    expect([r64.eps, r64.absTol, r64.relTol]).toEqual([1e-7, 1e-4, 1e-4]);
    // Mixed: the largest eps and tolerance, as Theano.
    const rMixed = verifyGrad(T.mul, [x32, [1, 2, 3]]);
    expect([rMixed.eps, rMixed.absTol]).toEqual([3e-4, 1e-2]);
  });

  it('float32 tolerates a 0.1% gradient error that float64 catches (the cost of the lower precision)', async () => {
    const { skewedExp } = await import('../props/planted-ops.js');
    expect(() => verifyGrad(skewedExp, [theano.ndarray([0.3, -0.2, 0.5], [3], 'float32')])).not.toThrow();
    expect(() => verifyGrad(skewedExp, [[0.3, -0.2, 0.5]])).toThrow(GradientError);
  });

  it('central differences are more accurate than one-sided ones', () => {
    const pt = [[0.7, -0.4, 1.1]];
    const oneSided = verifyGrad(T.exp, pt, { eps: 1e-4 });
    const central = verifyGrad(T.exp, pt, { eps: 1e-4, central: true });
    expect(central.central).toBe(true);
    expect(central.worst!.absErr).toBeLessThan(oneSided.worst!.absErr / 100);
    // A large one-sided step makes its own error; central differences still pass.
    expect(() => verifyGrad(T.exp, pt, { eps: 1e-2 })).toThrow(GradientError);
    expect(() => verifyGrad(T.exp, pt, { eps: 1e-2, central: true, absTol: 1e-4, relTol: 1e-4 })).not.toThrow();
  });

  it('is seeded: the same seed gives the same projections, another seed others; nTests projections are tried', () => {
    const pt = [
      [
        [0.5, -1],
        [1.5, 0.25],
      ],
    ];
    const a = verifyGrad(T.tanh, pt, { seed: 7 });
    const b = verifyGrad(T.tanh, pt, { seed: 7 });
    const c = verifyGrad(T.tanh, pt, { seed: 8 });
    expect(a.worst).toEqual(b.worst);
    expect(a.worst!.analytic).not.toBe(c.worst!.analytic);
    // The planted error shows up on the first projection; the test number is in the message.
    expect(() => verifyGrad(failNeg, pt, { nTests: 3 })).toThrow(/random projection 1 of 3/);
    const rng = new RandomState(1);
    verifyGrad(T.tanh, pt, { rng, nTests: 3 });
    const after = rng.random();
    const rng2 = new RandomState(1);
    rng2.uniform(0.5, 1.5, 12);
    expect(after).toBe(rng2.random());
  });

  it('checks the shape of the analytic gradient', async () => {
    const { unreducedAdd } = await import('../props/planted-ops.js');
    expect(() =>
      verifyGrad(unreducedAdd, [
        [
          [1, 2],
          [3, 4],
        ],
        [[0.5, 0.25]],
      ]),
    ).toThrow(/input 1 of 2 .* has shape \(2, 2\); expected \(1, 2\)/);
  });

  it('inputs that do not reach the output get zero gradients and pass', () => {
    expect(() => verifyGrad((x, _y) => T.tanh(x), [[1, 2], [3]])).not.toThrow();
  });

  it('rejects integer points, several outputs and non-float outputs with clear errors', () => {
    expect(() => verifyGrad(T.tanh, [theano.ndarray([1, 2], [2], 'int32')])).toThrow(TypeMismatchError);
    expect(() => verifyGrad(((x: theano.Variable) => [x, x]) as never, [[1, 2]])).toThrow(/one symbolic variable; got an array/);
    expect(() => verifyGrad((x) => T.argmax(x), [[1, 2]])).toThrow(/must return a float/);
  });

  it('works in every mode', () => {
    for (const mode of ['FAST_RUN', 'FAST_COMPILE', 'DEBUG_MODE'] as const) {
      expect(() => verifyGrad((x) => T.nnet.softmax(T.tanh(x)), [[[0.1, 0.5, -0.3]]], { mode })).not.toThrow();
      expect(() => verifyGrad(failNeg, [[0.1, 0.5]], { mode })).toThrow(GradientError);
    }
  });

  it('float32 points keep their dtype; the step is the representable one', () => {
    // In float32, 100.5 + 3e-4 is 100.5 + 39 ulps = 100.5 + 2.975e-4: dividing by eps would be 0.8% off for 2x;
    // dividing by the step taken is exact.
    const r = verifyGrad((x) => T.mul(x, 2), [theano.ndarray([100.5, -3.25], [2], 'float32')]);
    expect(r.worst!.relErr).toBeLessThan(1e-6);
    expect(() => verifyGrad(T.sqr, [theano.ndarray([1e9], [1], 'float32')], { eps: 1e-3 })).toThrow(/too small to change element 0/);
  });
});

/** T.nnet.sigmoid, softplus and relu: forward against the definitions, stability at ±800, gradients. */
import { describe, expect, it } from 'vitest';
import * as theano from '../../src/index.js';
import { T } from '../../src/index.js';
import { checkGrad, expectClose, toND } from '../helpers/check.js';
import * as R from '../helpers/reference.js';

const { sigmoid, softplus, relu } = T.nnet;

describe('sigmoid', () => {
  it('matches 1 / (1 + exp(-x)) on a 3x5 matrix and a 2x3x4 tensor', () => {
    const x = T.dmatrix('x');
    const t = T.dtensor3('t');
    const rand = R.rng(1);
    const xv = R.randArr([3, 5], rand, -6, 6);
    const tv = R.randArr([2, 3, 4], rand, -6, 6);
    const [ox, ot] = theano.function([x, t], [sigmoid(x), sigmoid(t)])(toND(xv), toND(tv));
    const def = (v: number): number => 1 / (1 + Math.exp(-v));
    expectClose(ox!, R.map(xv, def), { rtol: 1e-14 });
    expectClose(ot!, R.map(tv, def), { rtol: 1e-14 });
  });

  it('is stable at ±800: 1 and 0 (tiny, not NaN), and symmetric: s(-x) = 1 - s(x)', () => {
    const v = T.dvector('v');
    const out = theano.function([v], sigmoid(v))([800, -800, 0, 40, -40, 745, -745]);
    expect(out.data.every((p) => Number.isFinite(p))).toBe(true);
    expect(out.get(0)).toBe(1);
    expect(out.get(1)).toBeGreaterThanOrEqual(0);
    expect(out.get(1)).toBeLessThan(1e-300);
    expect(out.get(2)).toBe(0.5);
    // Far in the negative tail the value is exp(x) to full relative precision (1 - s(40) would be 0).
    expect(Math.abs(out.get(4) - Math.exp(-40)) / Math.exp(-40)).toBeLessThan(1e-14);
    expect(out.get(6)).toBeGreaterThan(0);
  });

  it('gradient matches finite differences, and is 0 (not NaN) at ±800', () => {
    const x = T.dmatrix('x');
    checkGrad({ wrt: [x], values: [R.randArr([3, 5], R.rng(2), -4, 4)], out: sigmoid(x), ref: (a) => R.map(a, R.sigmoid1) });
    const v = T.dvector('v');
    const g = theano.function([v], T.grad(T.sum(sigmoid(v)), v))([800, -800]);
    expect(g.toArray()).toEqual([0, 0]);
  });

  it('float32 in, float32 out; int32 in, float64 out', () => {
    expect(sigmoid(T.fmatrix('f')).dtype).toBe('float32');
    expect(sigmoid(T.ivector('i')).dtype).toBe('float64');
  });
});

describe('softplus', () => {
  it('matches log(1 + exp(x)) where that is representable', () => {
    const x = T.dmatrix('x');
    const xv = R.randArr([3, 5], R.rng(3), -10, 10);
    const out = theano.function([x], softplus(x))(toND(xv));
    expectClose(
      out,
      R.map(xv, (v) => Math.log(1 + Math.exp(v))),
      { rtol: 1e-12, atol: 1e-15 },
    );
  });

  it('is stable at ±800: softplus(800) = 800, softplus(-800) = 0, and exact in the far tails', () => {
    const v = T.dvector('v');
    const out = theano.function([v], softplus(v))([800, -800, 50, -50, 0]);
    expect(out.get(0)).toBe(800);
    expect(out.get(1)).toBeGreaterThanOrEqual(0);
    expect(out.get(1)).toBeLessThan(1e-300);
    expectClose(out, [800, 0, 50 + Math.exp(-50), Math.exp(-50), Math.LN2], { rtol: 1e-15, atol: 1e-300 });
  });

  it('gradient is the sigmoid, and 1 / 0 at ±800', () => {
    const x = T.dmatrix('x');
    checkGrad({ wrt: [x], values: [R.randArr([3, 5], R.rng(4), -5, 5)], out: softplus(x), ref: (a) => R.map(a, R.softplus1) });
    const v = T.dvector('v');
    expect(
      theano
        .function(
          [v],
          T.grad(T.sum(softplus(v)), v),
        )([800, -800])
        .toArray(),
    ).toEqual([1, 0]);
  });
});

describe('relu', () => {
  it('max(x, 0) on a 2x3x4 tensor, including exact zeros', () => {
    const t = T.dtensor3('t');
    const tv = R.randArr([2, 3, 4], R.rng(5), -2, 2);
    tv.data[3] = 0;
    const out = theano.function([t], relu(t))(toND(tv));
    expectClose(
      out,
      R.map(tv, (v) => (v > 0 ? v : 0)),
    );
  });

  it('keeps the input dtype (int32 stays int32, float32 stays float32)', () => {
    const i = T.ivector('i');
    const r = relu(i);
    expect(r.dtype).toBe('int32');
    expect(theano.function([i], r)([-3, 0, 4]).toArray()).toEqual([0, 0, 4]);
    expect(relu(T.fmatrix('f')).dtype).toBe('float32');
  });

  it('leaky variant relu(x, alpha) = x for x > 0, alpha * x below', () => {
    const x = T.dmatrix('x');
    const xv = R.randAwayFromZero([3, 5], R.rng(6));
    expectClose(
      theano.function([x], relu(x, 0.1))(toND(xv)),
      R.map(xv, (v) => (v > 0 ? v : 0.1 * v)),
      { rtol: 1e-15 },
    );
  });

  it('gradient away from 0 (plain and leaky); the gradient at exactly 0 is 0', () => {
    const x = T.dmatrix('x');
    const rand = R.rng(7);
    checkGrad({ wrt: [x], values: [R.randAwayFromZero([3, 5], rand)], out: relu(x), ref: (a) => R.map(a, (v) => Math.max(v, 0)) });
    checkGrad({ wrt: [x], values: [R.randAwayFromZero([3, 5], rand)], out: relu(x, 0.2), ref: (a) => R.map(a, (v) => (v > 0 ? v : 0.2 * v)) });
    const v = T.dvector('v');
    expect(
      theano
        .function(
          [v],
          T.grad(T.sum(relu(v)), v),
        )([0, 1, -1])
        .toArray(),
    ).toEqual([0, 1, 0]);
  });
});

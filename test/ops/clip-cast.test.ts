/** clip (forward, bounds broadcasting, gradients to x and to symbolic bounds) and cast (conversions, gradient). */
import { describe, expect, it } from 'vitest';
import * as theano from '../../src/index.js';
import { T } from '../../src/index.js';
import { checkGrad, expectClose, toND } from '../helpers/check.js';
import * as R from '../helpers/reference.js';

const clipRef = (x: number, lo: number, hi: number): number => (x < lo ? lo : x > hi ? hi : x);

describe('clip', () => {
  it('clips a 3x5 matrix to number bounds', () => {
    const x = T.dmatrix('x');
    const xv = R.randArr([3, 5], R.rng(1), -2, 2);
    const out = theano.function([x], T.clip(x, -0.5, 0.75))(toND(xv));
    expect(out.dtype).toBe('float64');
    expectClose(
      out,
      R.map(xv, (v) => clipRef(v, -0.5, 0.75)),
    );
  });

  it('broadcasts per-column bounds (vectors) against a matrix', () => {
    const x = T.dmatrix('x');
    const lo = T.dvector('lo');
    const hi = T.dvector('hi');
    const rand = R.rng(2);
    const xv = R.randArr([3, 5], rand, -2, 2);
    const lov = R.randArr([5], rand, -1, 0);
    const hiv = R.randArr([5], rand, 0, 1);
    const out = theano.function([x, lo, hi], T.clip(x, lo, hi))(toND(xv), toND(lov), toND(hiv));
    expectClose(out, R.zipWith([xv, lov, hiv], clipRef));
  });

  it('keeps NaN and int dtypes', () => {
    const v = T.dvector('v');
    expectClose(theano.function([v], T.clip(v, 0, 1))([NaN, -1, 2, 0.5]), [NaN, 0, 1, 0.5]);
    const i = T.ivector('i');
    const c = T.clip(i, 0, 5);
    expect(c.dtype).toBe('int32');
    expect(theano.function([i], c)([-3, 2, 9]).toArray()).toEqual([0, 2, 5]);
  });

  it('gradient: to x inside the bounds, to the bound that applied outside (symbolic scalar bounds)', () => {
    const x = T.dmatrix('x');
    const lo = T.dscalar('lo');
    const hi = T.dscalar('hi');
    // Values kept at least 0.05 away from the bounds -0.5 and 0.6.
    const rand = R.rng(3);
    const xv = R.arr([3, 5], () => {
      for (;;) {
        const v = -2 + 4 * rand();
        if (Math.abs(v + 0.5) > 0.05 && Math.abs(v - 0.6) > 0.05) return v;
      }
    });
    expect(xv.data.some((v) => v < -0.5) && xv.data.some((v) => v > 0.6) && xv.data.some((v) => v > -0.5 && v < 0.6)).toBe(true);
    checkGrad({
      wrt: [x, lo, hi],
      values: [xv, R.scalarArr(-0.5), R.scalarArr(0.6)],
      out: T.clip(x, lo, hi),
      ref: (a, l, h) => R.zipWith([a!, l!, h!], clipRef),
    });
  });
});

describe('cast', () => {
  it('float64 to int32 truncates toward zero', () => {
    const v = T.dvector('v');
    const c = T.cast(v, 'int32');
    expect(c.dtype).toBe('int32');
    const out = theano.function([v], c)([-2.7, -1.5, -0.2, 0, 0.9, 1.5, 2.5, 3.99]);
    expect(out.dtype).toBe('int32');
    expect(out.toArray()).toEqual([-2, -1, 0, 0, 0, 1, 2, 3]);
  });

  it('to bool: non-zero (and NaN) is true', () => {
    const v = T.dvector('v');
    const out = theano.function([v], T.cast(v, 'bool'))([0, -0, 2, -0.5, NaN]);
    expect(out.dtype).toBe('bool');
    expect(out.toArray()).toEqual([0, 0, 1, 1, 1]);
  });

  it('float64 to float32 rounds to nearest (Math.fround); int32 to float64 is exact', () => {
    const v = T.dvector('v');
    const vals = [0.1, 1 / 3, 16777217, -2.5e-8];
    const out = theano.function([v], v.astype('float32'))(vals);
    expect(out.dtype).toBe('float32');
    expect(out.toArray()).toEqual(vals.map(Math.fround));
    const i = T.ivector('i');
    const d = theano.function([i], T.cast(i, 'float64'))([2147483647, -2147483648, 7]);
    expect(d.dtype).toBe('float64');
    expect(d.toArray()).toEqual([2147483647, -2147483648, 7]);
  });

  it('casting to the same dtype is the identity', () => {
    const x = T.dmatrix('x');
    expect(T.cast(x, 'float64')).toBe(x);
  });

  it('gradient flows through a float64 -> float32 -> float64 round trip', () => {
    const x = T.dmatrix('x');
    const rand = R.rng(4);
    checkGrad({
      wrt: [x],
      values: [R.randArr([3, 5], rand)],
      out: T.cast(T.tanh(x), 'float32').mul(T.cast(x, 'float32')),
      ref: (a) => R.map(a, (v) => Math.tanh(v) * v),
      forwardTol: 1e-6,
      rtol: 1e-5,
      atol: 1e-6,
    });
  });
});

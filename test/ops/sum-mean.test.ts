/** T.sum and T.mean: every axis, several axes, all, negative axes; dtypes; empty inputs; gradients. */
import { describe, expect, it } from 'vitest';
import * as theano from '../../src/index.js';
import { T } from '../../src/index.js';
import { checkGrad, expectClose, toND } from '../helpers/check.js';
import * as R from '../helpers/reference.js';

type Axis = number | number[] | undefined;
const axes3: Axis[] = [0, 1, 2, -1, -3, [0, 2], [1, 2], [0, 1], [2, 0], [0, 1, 2], undefined];
const axes2: Axis[] = [0, 1, -1, [0, 1], undefined];
const label = (a: Axis): string => (a === undefined ? 'all' : JSON.stringify(a));

const cases = [
  ['sum', T.sum, R.sum],
  ['mean', T.mean, R.mean],
] as const;

for (const [name, op, ref] of cases) {
  describe(`${name}: forward`, () => {
    it(`over each axis, several axes and all of a 2x3x4 tensor`, () => {
      const t = T.dtensor3('t');
      const tv = R.randArr([2, 3, 4], R.rng(1));
      for (const axis of axes3) {
        const out = theano.function([t], op(t, axis))(toND(tv));
        expect(out.dtype).toBe('float64');
        expectClose(out, ref(tv, axis), { rtol: 1e-14, atol: 1e-15, what: `axis ${label(axis)}` });
      }
    });

    it('over each axis and all of a 3x5 matrix, with the method form', () => {
      const m = T.dmatrix('m');
      const mv = R.randArr([3, 5], R.rng(2));
      for (const axis of axes2) {
        const out = theano.function([m], m[name](axis))(toND(mv));
        expectClose(out, ref(mv, axis), { rtol: 1e-14, atol: 1e-15, what: `axis ${label(axis)}` });
      }
    });

    it('of a 1x1x4 (size-1 axes) and of a vector', () => {
      const t = T.dtensor3('t');
      const tv = R.randArr([1, 1, 4], R.rng(3));
      expectClose(theano.function([t], op(t, [0, 1]))(toND(tv)), ref(tv, [0, 1]), { rtol: 1e-15 });
      const v = T.dvector('v');
      const out = theano.function([v], op(v))([1, 2, 3, 4]);
      expect(out.shape).toEqual([]);
      expect(out.item()).toBe(name === 'sum' ? 10 : 2.5);
    });

    it('an out-of-range axis is an error naming the variable', () => {
      const m = T.dmatrix('m');
      expect(() => op(m, 2)).toThrowError(/'m'/);
      expect(() => op(m, -3)).toThrowError(theano.TypeMismatchError);
    });

    it('gradient over each axis configuration of a 2x3x4 tensor', () => {
      const t = T.dtensor3('t');
      const rand = R.rng(4);
      for (const axis of axes3) {
        checkGrad({ wrt: [t], values: [R.randArr([2, 3, 4], rand)], out: op(t, axis), ref: (a) => ref(a, axis) });
      }
    });

    it('gradient of a reduction of a broadcast expression (x + b summed over rows)', () => {
      const x = T.dmatrix('x');
      const b = T.dvector('b');
      const rand = R.rng(5);
      checkGrad({
        wrt: [x, b],
        values: [R.randArr([3, 5], rand), R.randArr([5], rand)],
        out: op(T.sqr(x.add(b)), 0),
        ref: (a, bb) =>
          ref(
            R.map(R.add(a!, bb!), (v) => v * v),
            0,
          ),
      });
    });
  });
}

describe('sum: dtypes and edge cases', () => {
  it('sum of bool is int32 and counts', () => {
    const m = T.dmatrix('m');
    const s = T.sum(T.gt(m, 0), 1);
    expect(s.dtype).toBe('int32');
    const mv = R.randArr([3, 5], R.rng(6));
    const out = theano.function([m], [s, T.sum(T.gt(m, 0))])(toND(mv));
    expect(out[0]!.dtype).toBe('int32');
    expectClose(
      out[0]!,
      R.sum(
        R.map(mv, (v) => (v > 0 ? 1 : 0)),
        1,
      ),
    );
    expect(out[1]!.dtype).toBe('int32');
    expect(out[1]!.item()).toBe(mv.data.filter((v) => v > 0).length);
  });

  it('sum of int32 is int32; sum of float32 is float32 and accumulates accurately', () => {
    const i = T.imatrix('i');
    expect(T.sum(i).dtype).toBe('int32');
    expect(
      theano
        .function(
          [i],
          T.sum(i, 0),
        )([
          [1, 2, 3],
          [4, 5, -6],
        ])
        .toArray(),
    ).toEqual([5, 7, -3]);
    const f = T.fvector('f');
    const s = T.sum(f);
    expect(s.dtype).toBe('float32');
    // 2^24 + 1 + 1 + ...: a float32 running sum would stay at 2^24.
    const vals = new Float32Array([16777216, ...new Array<number>(100).fill(1)]);
    expect(theano.function([f], s)(theano.ndarray(vals)).item()).toBe(16777316);
    expect(
      theano
        .function(
          [f],
          T.sum(T.reshape(f, [1, 101]), 1),
        )(theano.ndarray(vals))
        .get(0),
    ).toBe(16777316);
  });

  it('sum of uint8 is int32 (no wrap-around at 256)', () => {
    const b = T.bvector('b');
    const s = T.sum(b);
    expect(s.dtype).toBe('int32');
    expect(
      theano
        .function(
          [b],
          s,
        )(theano.ndarray([200, 100, 255], undefined, 'uint8'))
        .item(),
    ).toBe(555);
  });

  it('sum over an empty axis is 0; mean over it is NaN', () => {
    const m = T.dmatrix('m');
    const [s, mu] = theano.function([m], [T.sum(m, 0), T.mean(m, 0)])(theano.ndarray(new Float64Array(0), [0, 3]));
    expect(s!.toArray()).toEqual([0, 0, 0]);
    expectClose(mu!, [NaN, NaN, NaN]);
    expect(
      theano
        .function(
          [m],
          T.sum(m),
        )(theano.ndarray(new Float64Array(0), [0, 3]))
        .item(),
    ).toBe(0);
  });
});

describe('mean: dtypes', () => {
  it('mean of int32 is float64 with the exact quotient', () => {
    const i = T.imatrix('i');
    const mu = T.mean(i, 1);
    expect(mu.dtype).toBe('float64');
    const out = theano.function(
      [i],
      [mu, T.mean(i)],
    )([
      [1, 2],
      [3, 6],
    ]);
    expect(out[0]!.dtype).toBe('float64');
    expect(out[0]!.toArray()).toEqual([1.5, 4.5]);
    expect(out[1]!.item()).toBe(3);
  });

  it('mean of a bool mask is the fraction (accuracy)', () => {
    const y = T.ivector('y');
    const p = T.ivector('p');
    const acc = T.mean(T.eq(y, p));
    expect(acc.dtype).toBe('float64');
    expect(theano.function([y, p], acc)([1, 2, 3, 4], [1, 0, 3, 0]).item()).toBe(0.5);
  });

  it('mean of float32 stays float32', () => {
    const f = T.fmatrix('f');
    const mu = T.mean(f, 0);
    expect(mu.dtype).toBe('float32');
    expect(
      theano
        .function(
          [f],
          mu,
        )(
          theano.ndarray(
            [
              [1, 2],
              [2, 4],
            ],
            undefined,
            'float32',
          ),
        )
        .toArray(),
    ).toEqual([1.5, 3]);
  });
});

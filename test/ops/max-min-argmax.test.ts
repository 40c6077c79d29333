/** T.max, T.min (NaN propagation, ties, gradients) and T.argmax (first on ties, first NaN, int32). */
import { describe, expect, it } from 'vitest';
import * as theano from '../../src/index.js';
import { T } from '../../src/index.js';
import { checkGrad, expectClose, toND } from '../helpers/check.js';
import * as R from '../helpers/reference.js';

type Axis = number | number[] | undefined;
const axes3: Axis[] = [0, 1, 2, -1, [0, 2], [1, 2], [0, 1, 2], undefined];

const extrema = [
  ['max', T.max, R.max],
  ['min', T.min, R.min],
] as const;

for (const [name, op, ref] of extrema) {
  describe(name, () => {
    it('over each axis, several axes and all of a 2x3x4 tensor', () => {
      const t = T.dtensor3('t');
      const tv = R.randArr([2, 3, 4], R.rng(1), -5, 5);
      for (const axis of axes3) {
        expectClose(theano.function([t], op(t, axis))(toND(tv)), ref(tv, axis), { what: `axis ${JSON.stringify(axis)}` });
      }
    });

    it('with ties, infinities and NaN (NaN wins, as NumPy)', () => {
      const m = T.dmatrix('m');
      const mv = R.fromNested([
        [1, 3, 3, -2],
        [NaN, 0, 5, 5],
        [-Infinity, -Infinity, -Infinity, -Infinity],
        [2, Infinity, NaN, -1],
      ]);
      const f = theano.function([m], [op(m, 1), op(m, 0), op(m)]);
      const [rows, cols, all] = f(toND(mv));
      expectClose(rows!, ref(mv, 1));
      expectClose(cols!, ref(mv, 0));
      expect(Number.isNaN(all!.item())).toBe(true);
      // Hand-worked: rows of the fixture.
      expectClose(rows!, name === 'max' ? [3, NaN, -Infinity, NaN] : [-2, NaN, -Infinity, NaN]);
    });

    it('keeps int32 and float32 dtypes', () => {
      const i = T.imatrix('i');
      const r = op(i, 0);
      expect(r.dtype).toBe('int32');
      expect(
        theano
          .function(
            [i],
            r,
          )([
            [1, -7],
            [4, 2],
          ])
          .toArray(),
      ).toEqual(name === 'max' ? [4, 2] : [1, -7]);
      expect(op(T.fmatrix('f')).dtype).toBe('float32');
    });

    it('an empty input is an error', () => {
      const m = T.dmatrix('m');
      expect(() => theano.function([m], op(m))(theano.ndarray(new Float64Array(0), [0, 3]))).toThrowError(theano.ShapeError);
    });

    it('gradient (distinct values) over each axis configuration', () => {
      const t = T.dtensor3('t');
      const rand = R.rng(2);
      for (const axis of axes3) {
        checkGrad({ wrt: [t], values: [R.randDistinct([2, 3, 4], rand, 0.1)], out: op(t, axis), ref: (a) => ref(a, axis) });
      }
    });

    it('gradient of a max-based expression on a 3x5 matrix: x - max(x, 1)[:, None]', () => {
      const x = T.dmatrix('x');
      checkGrad({
        wrt: [x],
        values: [R.randDistinct([3, 5], R.rng(3), 0.2)],
        out: T.exp(x.sub(op(x, 1).dimshuffle(0, 'x'))),
        ref: (a) => R.map(R.sub(a, R.dimshuffle(ref(a, 1), [0, 'x'])), Math.exp),
      });
    });

    it('tied extrema all receive the gradient (Theano)', () => {
      const v = T.dvector('v');
      const g = theano.function([v], T.grad(op(v), v))([2, 2, 1, name === 'max' ? 0 : 3]);
      const hit = name === 'max' ? [1, 1, 0, 0] : [0, 0, 1, 0];
      expect(g.toArray()).toEqual(hit);
    });
  });
}

describe('argmax', () => {
  it('over each axis of a 2x3x4 tensor, and over the flattened array', () => {
    const t = T.dtensor3('t');
    const tv = R.randArr([2, 3, 4], R.rng(4));
    for (const axis of [0, 1, 2, -1, -2]) {
      const out = theano.function([t], T.argmax(t, axis))(toND(tv));
      expect(out.dtype).toBe('int32');
      expectClose(out, R.argmax(tv, axis), { what: `axis ${axis}` });
    }
    const flat = theano.function([t], T.argmax(t))(toND(tv));
    expect(flat.shape).toEqual([]);
    expect(flat.item()).toBe(R.argmax(tv).data[0]);
  });

  it('takes the first maximum on ties', () => {
    const m = T.dmatrix('m');
    const out = theano.function(
      [m],
      [T.argmax(m, 1), T.argmax(m, 0), T.argmax(m)],
    )([
      [1, 3, 3, 0],
      [5, 5, 5, 0],
      [5, -2, -1, 0],
    ]);
    expect(out.map((o) => o.toArray())).toEqual([[1, 0, 0], [1, 1, 1, 0], 4]);
  });

  it('the first NaN counts as the maximum (NumPy); -Infinity rows give 0', () => {
    const m = T.dmatrix('m');
    const mv = R.fromNested([
      [1, NaN, 7, NaN],
      [NaN, 2, 3, 4],
      [-Infinity, -Infinity, -Infinity, -Infinity],
    ]);
    const out = theano.function([m], T.argmax(m, 1))(toND(mv));
    expect(out.toArray()).toEqual([1, 0, 0]);
    expectClose(out, R.argmax(mv, 1));
  });

  it('of an int matrix (predictions vs labels)', () => {
    const i = T.imatrix('i');
    expect(
      theano
        .function(
          [i],
          T.argmax(i, 1),
        )([
          [0, 9, 2],
          [7, 1, 7],
        ])
        .toArray(),
    ).toEqual([1, 0]);
  });

  it('several axes are rejected, naming the variable', () => {
    expect(() => T.argmax(T.dtensor3('t'), [0, 1])).toThrowError(/'t'/);
  });

  it('passes no gradient: a cost using argmax only through an int path is disconnected', () => {
    const x = T.dmatrix('x');
    const cost = T.sum(T.cast(T.argmax(x, 1), 'float64'));
    expect(() => T.grad(cost, x)).toThrowError(theano.DisconnectedInputError);
  });
});

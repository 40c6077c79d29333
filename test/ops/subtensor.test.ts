/**
 * Basic indexing x.get(...) with numbers, int scalar variables and T.slice (Python semantics: negative
 * indices, steps, negative steps, clamping, empty results), its errors, and its gradient.
 */
import { describe, expect, it } from 'vitest';
import * as theano from '../../src/index.js';
import { T } from '../../src/index.js';
import { checkGrad, expectClose, toND } from '../helpers/check.js';
import * as R from '../helpers/reference.js';

type Idx = number | R.PySlice;
const S = (start?: number | null, stop?: number | null, step?: number | null): R.PySlice => ({ start, stop, step });
const toT = (i: Idx): number | ReturnType<typeof T.slice> => (typeof i === 'number' ? i : T.slice(i.start, i.stop, i.step));
const show = (idx: Idx[]): string =>
  idx.map((i) => (typeof i === 'number' ? String(i) : `${i.start ?? ''}:${i.stop ?? ''}${i.step != null ? `:${i.step}` : ''}`)).join(', ');

describe('Python slice semantics of the reference (hand-worked, list(range(n))[...])', () => {
  it('agrees with Python on known cases', () => {
    expect(R.pySliceIndices(5, S(null, null, -2))).toEqual([4, 2, 0]);
    expect(R.pySliceIndices(5, S(-2))).toEqual([3, 4]);
    expect(R.pySliceIndices(5, S(10))).toEqual([]);
    expect(R.pySliceIndices(5, S(3, 1))).toEqual([]);
    expect(R.pySliceIndices(5, S(-100, 2))).toEqual([0, 1]);
    expect(R.pySliceIndices(5, S(3, null, -1))).toEqual([3, 2, 1, 0]);
    expect(R.pySliceIndices(5, S(-1, -6, -1))).toEqual([4, 3, 2, 1, 0]);
    expect(R.pySliceIndices(5, S(10, 0, -3))).toEqual([4, 1]);
    expect(R.pySliceIndices(5, S(1, 100, 3))).toEqual([1, 4]);
  });
});

const matrixIndices: Idx[][] = [
  [0],
  [2],
  [-1],
  [-3],
  [1, 3],
  [-1, -2],
  [S(1)],
  [S(null, 2)],
  [S(-2)],
  [S(null, -1)],
  [S(null, null, 2)],
  [S(null, null, -1)],
  [S(), S(1, 4)],
  [S(), S(null, null, -2)],
  [S(), S(-1, 0, -1)],
  [S(), S(3, null, -2)],
  [S(), S(-2, -5, -1)],
  [S(1, 3), S(0, 5, 2)],
  [S(-100, 100), S(-100, 100)],
  [S(2, 1)],
  [S(5)],
  [S(), S(4, 1)],
  [S(), S(10, 0, -3)],
  [1, S(null, null, -1)],
  [S(null, null, -1), -2],
  [S(0, 3, 2), 4],
];

const tensorIndices: Idx[][] = [
  [1],
  [-2, 1],
  [1, -1, 2],
  [S(), 1],
  [S(), S(), -1],
  [S(), S(null, null, -1), S(1, 3)],
  [S(null, null, -1), S(1), S(null, null, 3)],
  [0, S(2, 0, -1), S(-1, 0, -2)],
  [S(), 2, S(3)],
];

describe('subtensor: forward', () => {
  it('a 3x5 matrix with ints, negative ints, slices, steps and negative steps', () => {
    const x = T.dmatrix('x');
    const xv = R.randArr([3, 5], R.rng(1));
    for (const idx of matrixIndices) {
      const out = theano.function([x], x.get(...idx.map(toT)))(toND(xv));
      expectClose(out, R.basicIndex(xv, idx), { what: `x[${show(idx)}]` });
    }
  });

  it('a 2x3x4 tensor', () => {
    const t = T.dtensor3('t');
    const tv = R.randArr([2, 3, 4], R.rng(2));
    for (const idx of tensorIndices) {
      const out = theano.function([t], t.get(...idx.map(toT)))(toND(tv));
      expectClose(out, R.basicIndex(tv, idx), { what: `t[${show(idx)}]` });
    }
  });

  it('the result type has the rank of the result (ints remove axes wherever they are)', () => {
    const x = T.dmatrix('x');
    const t = T.dtensor3('t');
    expect(x.get(1).ndim).toBe(1);
    expect(x.get(T.slice(), 1).ndim).toBe(1);
    expect(x.get(1, 2).ndim).toBe(0);
    expect(t.get(1).ndim).toBe(2);
    expect(t.get(1, T.slice(0, 2)).ndim).toBe(2);
    expect(t.get(T.slice(), 0, T.slice()).ndim).toBe(2);
    expect(t.get(0, 1).ndim).toBe(1);
    // Static sizes from a constant: c[1, 0:2] of a (3, 4, 5) constant is (2, 5).
    const c = theano.ndarray(new Float64Array(60), [3, 4, 5]);
    expect(T.asTensor(c).get(1, T.slice(0, 2)).type.shape).toEqual([2, 5]);
    expect(T.asTensor(c).get(T.slice(null, null, -2), 3).type.shape).toEqual([2, 5]);
    // Downstream ops see the right rank: a row of x summed over its only axis.
    const xv = R.randArr([3, 5], R.rng(10));
    expectClose(theano.function([x], x.get(1).sum(0))(toND(xv)), R.sum(R.basicIndex(xv, [1]), 0), { rtol: 1e-15 });
    expectClose(theano.function([x], T.dot(x.get(0), x.T))(toND(xv)), R.dot(R.basicIndex(xv, [0]), R.transpose(xv)), { rtol: 1e-14 });
  });

  it('hand-worked: rows and columns of a 3x4 matrix', () => {
    const x = T.dmatrix('x');
    const xv = [
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [8, 9, 10, 11],
    ];
    const f = (...idx: Parameters<typeof x.get>) =>
      theano
        .function(
          [x],
          x.get(...idx),
        )(xv)
        .toArray();
    expect(f(1)).toEqual([4, 5, 6, 7]);
    expect(f(-1, -1)).toEqual(11);
    expect(f(T.slice(), 2)).toEqual([2, 6, 10]);
    expect(f(T.slice(null, null, -1), T.slice(3, 0, -2))).toEqual([
      [11, 9],
      [7, 5],
      [3, 1],
    ]);
    expect(f(T.slice(1, 2))).toEqual([[4, 5, 6, 7]]);
  });

  it('empty results have the right shape (and reduce to 0)', () => {
    const x = T.dmatrix('x');
    const xv = R.randArr([3, 5], R.rng(3));
    const [a, b, s] = theano.function([x], [x.get(T.slice(2, 1)), x.get(T.slice(), T.slice(5)), T.sum(x.get(T.slice(3)))])(toND(xv));
    expect(a!.shape).toEqual([0, 5]);
    expect(b!.shape).toEqual([3, 0]);
    expect(s!.item()).toBe(0);
  });

  it('symbolic int scalars as indices and slice bounds (mini-batch i * bs : (i + 1) * bs)', () => {
    const x = T.dmatrix('x');
    const i = T.iscalar('i');
    const bs = 2;
    const xv = R.randArr([7, 3], R.rng(4));
    const f = theano.function([x, i], x.get(T.slice(i.mul(bs), i.add(1).mul(bs))));
    for (const k of [0, 1, 2, 3]) expectClose(f(toND(xv), k), R.basicIndex(xv, [S(k * bs, (k + 1) * bs)]), { what: `batch ${k}` });
    const j = T.iscalar('j');
    const s = T.iscalar('s');
    const g = theano.function([x, i, j, s], x.get(i, T.slice(j, null, s)));
    expectClose(g(toND(xv), -2, 2, -1), R.basicIndex(xv, [-2, S(2, null, -1)]));
    expectClose(g(toND(xv), 3, 0, 2), R.basicIndex(xv, [3, S(0, null, 2)]));
  });

  it('keeps int32 and bool dtypes', () => {
    const i = T.imatrix('i');
    const r = i.get(T.slice(null, null, -1), 0);
    expect(r.dtype).toBe('int32');
    expect(
      theano
        .function(
          [i],
          r,
        )([
          [1, 2],
          [3, 4],
        ])
        .toArray(),
    ).toEqual([3, 1]);
  });
});

describe('subtensor: errors', () => {
  it('an index out of range (positive and negative) names the variable, axis and shape', () => {
    const x = T.dmatrix('x');
    for (const idx of [[3], [-4], [0, 5], [0, -6]]) {
      const f = theano.function([x], x.get(...idx));
      let msg = '';
      try {
        f(toND(R.arr([3, 5])));
      } catch (e) {
        expect(e).toBeInstanceOf(theano.IndexError);
        msg = (e as Error).message;
      }
      expect(msg, `x[${idx}]`).toMatch(/'x'/);
      expect(msg).toContain('(3, 5)');
      expect(msg).toContain(String(idx[idx.length - 1]));
    }
  });

  it('a symbolic index out of range is an error at run time', () => {
    const x = T.dmatrix('x');
    const i = T.iscalar('i');
    const f = theano.function([x, i], x.get(i));
    expect(() => f(toND(R.arr([3, 5])), 3)).toThrowError(theano.IndexError);
    expect(f(toND(R.arr([3, 5], (k) => k)), -3).toArray()).toEqual([0, 1, 2, 3, 4]);
  });

  it('too many indices, a float index and a zero step are rejected', () => {
    const x = T.dmatrix('x');
    expect(() => x.get(0, 0, 0)).toThrowError(/'x'/);
    expect(() => x.get(T.dscalar('f'))).toThrowError(theano.TypeMismatchError);
    expect(() => x.get(1.5)).toThrowError(theano.TypeMismatchError);
    expect(() => theano.function([x], x.get(T.slice(null, null, 0)))(toND(R.arr([3, 5])))).toThrowError(/step/);
  });
});

describe('subtensor: gradients', () => {
  it('the gradient scatters into zeros of the input shape, for ints, slices and negative steps', () => {
    const x = T.dmatrix('x');
    const t = T.dtensor3('t');
    const rand = R.rng(5);
    for (const idx of [[1], [-1, 2], [S(1)], [S(), S(null, null, -2)], [S(-1, 0, -1), S(1, 4)], [S(2, 1)]] as Idx[][]) {
      checkGrad({ wrt: [x], values: [R.randArr([3, 5], rand)], out: T.sqr(x.get(...idx.map(toT))), ref: (a) => R.map(R.basicIndex(a, idx), (v) => v * v) });
    }
    for (const idx of tensorIndices.slice(0, 6)) {
      checkGrad({ wrt: [t], values: [R.randArr([2, 3, 4], rand)], out: t.get(...idx.map(toT)), ref: (a) => R.basicIndex(a, idx) });
    }
  });

  it('overlapping slices of one variable accumulate: x[0:2] * x[1:3]', () => {
    const x = T.dmatrix('x');
    checkGrad({
      wrt: [x],
      values: [R.randArr([3, 5], R.rng(6))],
      out: x.get(T.slice(0, 2)).mul(x.get(T.slice(1, 3))),
      ref: (a) => R.mul(R.basicIndex(a, [S(0, 2)]), R.basicIndex(a, [S(1, 3)])),
    });
  });

  it('with a symbolic index', () => {
    const x = T.dmatrix('x');
    const i = T.iscalar('i');
    checkGrad({ wrt: [x], values: [R.randArr([3, 5], R.rng(7))], out: T.exp(x.get(i)), ref: (a) => R.map(R.basicIndex(a, [-2]), Math.exp), fixed: [[i, -2]] });
  });
});

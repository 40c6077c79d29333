/** x.shape(i) (symbolic sizes) and T.arange (int and float, negative steps, empty, symbolic bounds). */
import { describe, expect, it } from 'vitest';
import * as theano from '../../src/index.js';
import { T } from '../../src/index.js';
import { checkGrad, expectClose, toND } from '../helpers/check.js';
import * as R from '../helpers/reference.js';

describe('x.shape(i)', () => {
  it('gives each run-time size as an int32 scalar, negative i counting from the end', () => {
    const t = T.dtensor3('t');
    const s = [t.shape(0), t.shape(1), t.shape(2), t.shape(-1)];
    for (const v of s) {
      expect(v.dtype).toBe('int32');
      expect(v.ndim).toBe(0);
    }
    const f = theano.function([t], s);
    expect(f(toND(R.arr([2, 3, 4]))).map((o) => o.item())).toEqual([2, 3, 4, 4]);
    expect(f(toND(R.arr([5, 1, 0]))).map((o) => o.item())).toEqual([5, 1, 0, 0]);
    expect(f(toND(R.arr([2, 3, 4])))[0]!.dtype).toBe('int32');
  });

  it('in arithmetic: a mean written as sum / shape', () => {
    const m = T.dmatrix('m');
    const mv = R.randArr([3, 5], R.rng(1));
    const out = theano.function([m], T.sum(m, 0).div(m.shape(0)))(toND(mv));
    expectClose(out, R.mean(mv, 0), { rtol: 1e-15 });
  });

  it('an axis out of range is rejected', () => {
    expect(() => T.dmatrix('m').shape(2)).toThrowError(/'m'/);
  });

  it('passes no gradient but does not block the gradient of the data: sum(x) / x.shape(0)', () => {
    const m = T.dmatrix('m');
    checkGrad({ wrt: [m], values: [R.randArr([3, 5], R.rng(2))], out: T.sum(m).div(m.shape(0)), ref: (a) => R.scalarArr(R.sum(a).data[0]! / 3) });
  });
});

describe('T.arange', () => {
  it('arange(n) with a number and with a symbolic int', () => {
    const n = T.iscalar('n');
    const a = T.arange(n);
    expect(a.dtype).toBe('int32');
    const f = theano.function([n], a);
    expect(f(5).toArray()).toEqual(R.arangeRef(0, 5));
    expect(f(5).dtype).toBe('int32');
    expect(f(0).toArray()).toEqual([]);
    expect(f(-3).toArray()).toEqual([]);
    expect(theano.function([], T.arange(4))().toArray()).toEqual([0, 1, 2, 3]);
  });

  it('arange(start, stop, step) with positive and negative steps, and empty ranges', () => {
    const cases: [number, number, number][] = [
      [2, 11, 3],
      [2, 12, 3],
      [10, 0, -2],
      [10, -1, -3],
      [-4, 3, 1],
      [5, 5, 1],
      [5, 2, 1],
      [2, 5, -1],
    ];
    for (const [a, b, s] of cases) {
      expect(
        theano
          .function([], T.arange(a, b, s))()
          .toArray(),
        `arange(${a}, ${b}, ${s})`,
      ).toEqual(R.arangeRef(a, b, s));
    }
  });

  it('a non-integer step gives float64 values start + i * step', () => {
    const a = T.arange(0, 1, 0.25);
    expect(a.dtype).toBe('float64');
    expect(theano.function([], a)().toArray()).toEqual([0, 0.25, 0.5, 0.75]);
    expect(theano.function([], T.arange(1, 0, -0.3))().shape).toEqual([4]);
  });

  it('symbolic start, stop and step', () => {
    const a = T.iscalar('a');
    const b = T.iscalar('b');
    const s = T.iscalar('s');
    const f = theano.function([a, b, s], T.arange(a, b, s));
    expect(f(1, 10, 4).toArray()).toEqual([1, 5, 9]);
    expect(f(3, -3, -2).toArray()).toEqual([3, 1, -1]);
  });

  it('a zero step is an error', () => {
    const s = T.iscalar('s');
    expect(() => theano.function([s], T.arange(0, 5, s))(0)).toThrowError(theano.ShapeError);
  });

  it('arange over a batch: x.shape(0)', () => {
    const m = T.dmatrix('m');
    expect(
      theano
        .function(
          [m],
          T.arange(m.shape(0)),
        )(toND(R.arr([4, 2])))
        .toArray(),
    ).toEqual([0, 1, 2, 3]);
  });
});

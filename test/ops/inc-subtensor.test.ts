/** T.setSubtensor / T.incSubtensor on basic indices: forward (y broadcast to the region), errors, gradients. */
import { describe, expect, it } from 'vitest';
import * as theano from '../../src/index.js';
import { T } from '../../src/index.js';
import { checkGrad, dtensor, expectClose, toND } from '../helpers/check.js';
import * as R from '../helpers/reference.js';

type Idx = number | R.PySlice;
const S = (start?: number | null, stop?: number | null, step?: number | null): R.PySlice => ({ start, stop, step });
const toT = (i: Idx): number | ReturnType<typeof T.slice> => (typeof i === 'number' ? i : T.slice(i.start, i.stop, i.step));

/** Index, and the shape of a y that broadcasts to its region of a 3x5 matrix. */
const cases: [Idx[], number[]][] = [
  [[1], [5]],
  [[1], []],
  [[-1, 2], []],
  [[S(1)], [2, 5]],
  [[S(1)], [5]],
  [[S(1)], [2, 1]],
  [
    [S(), S(null, null, -2)],
    [3, 3],
  ],
  [
    [S(), S(null, null, -2)],
    [1, 3],
  ],
  [
    [S(-1, 0, -1), S(1, 4)],
    [2, 3],
  ],
  [[S(), 3], [3]],
  [
    [S(0, 3, 2), S(4, 0, -3)],
    [2, 2],
  ],
  [[S(2, 1)], [5]],
];

for (const mode of ['set', 'inc'] as const) {
  const op = mode === 'set' ? T.setSubtensor : T.incSubtensor;
  describe(`${mode}Subtensor`, () => {
    it('forward on a 3x5 matrix for many regions and y shapes; x itself is unchanged', () => {
      const rand = R.rng(mode === 'set' ? 1 : 2);
      for (const [idx, ys] of cases) {
        const x = T.dmatrix('x');
        const y = dtensor(ys.length, 'y');
        const xv = R.randArr([3, 5], rand);
        const yv = R.randArr(ys, rand);
        const xnd = toND(xv);
        const f = theano.function([x, y], [op(x.get(...idx.map(toT)), y), x]);
        const [out, xAfter] = f(xnd, toND(yv));
        expectClose(out!, R.basicSetInc(xv, idx, yv, mode), { what: `${mode} [${JSON.stringify(idx)}] y ${JSON.stringify(ys)}` });
        expectClose(xAfter!, xv);
        expectClose(xnd, xv);
      }
    });

    it('on a 2x3x4 tensor with a number as y, and with a broadcast (1, 4) y under negative steps', () => {
      const t = T.dtensor3('t');
      const rand = R.rng(3);
      const tv = R.randArr([2, 3, 4], rand);
      const idx: Idx[] = [S(), 1, S(null, null, -1)];
      const out = theano.function([t], op(t.get(...idx.map(toT)), 2.5))(toND(tv));
      expectClose(out, R.basicSetInc(tv, idx, R.scalarArr(2.5), mode));
      const y = T.dmatrix('y');
      const idx2: Idx[] = [S(null, null, -1), S(2, 0, -1)];
      const yv = R.randArr([1, 4], rand);
      const out2 = theano.function([t, y], op(t.get(...idx2.map(toT)), y))(toND(tv), toND(yv));
      expectClose(out2, R.basicSetInc(tv, idx2, yv, mode));
      checkGrad({
        wrt: [t, y],
        values: [tv, yv],
        out: op(t.get(...idx2.map(toT)), y).mul(t),
        ref: (a, b) => R.mul(R.basicSetInc(a!, idx2, b!, mode), a!),
      });
    });

    it('hand-worked on a 2x3 matrix', () => {
      const x = T.dmatrix('x');
      const out = theano.function(
        [x],
        op(x.get(T.slice(), T.slice(1)), 10),
      )([
        [1, 2, 3],
        [4, 5, 6],
      ]);
      expect(out.toArray()).toEqual(
        mode === 'set'
          ? [
              [1, 10, 10],
              [4, 10, 10],
            ]
          : [
              [1, 12, 13],
              [4, 15, 16],
            ],
      );
    });

    it('with a symbolic index', () => {
      const x = T.dmatrix('x');
      const i = T.iscalar('i');
      const y = T.dvector('y');
      const rand = R.rng(4);
      const xv = R.randArr([3, 5], rand);
      const yv = R.randArr([5], rand);
      const f = theano.function([x, i, y], op(x.get(i), y));
      expectClose(f(toND(xv), -1, toND(yv)), R.basicSetInc(xv, [-1], yv, mode));
      expect(() => f(toND(xv), 3, toND(yv))).toThrowError(theano.IndexError);
    });

    it('a y that does not broadcast to the region names y and x', () => {
      const x = T.dmatrix('x');
      const y = T.dmatrix('y');
      const f = theano.function([x, y], op(x.get(T.slice(1)), y));
      let msg = '';
      try {
        f(toND(R.arr([3, 5])), toND(R.arr([3, 5])));
      } catch (e) {
        expect(e).toBeInstanceOf(theano.ShapeError);
        msg = (e as Error).message;
      }
      expect(msg).toMatch(/'y'/);
      expect(msg).toMatch(/'x'/);
      expect(msg).toContain('(3, 5)');
    });

    it('the first argument must be an indexed tensor; y may not have more axes than the region', () => {
      const x = T.dmatrix('x');
      expect(() => op(x, 1)).toThrowError(theano.TypeMismatchError);
      expect(() => op(x.get(0), T.dmatrix('y'))).toThrowError(theano.ShapeError);
    });

    it('gradients wrt x and y for several regions and broadcast y', () => {
      const rand = R.rng(mode === 'set' ? 5 : 6);
      for (const [idx, ys] of cases) {
        const x = T.dmatrix('x');
        const y = dtensor(ys.length, 'y');
        checkGrad({
          wrt: [x, y],
          values: [R.randArr([3, 5], rand), R.randArr(ys, rand)],
          out: T.tanh(op(x.get(...idx.map(toT)), y)),
          ref: (a, b) => R.map(R.basicSetInc(a!, idx, b!, mode), Math.tanh),
        });
      }
    });

    it('gradient when the result feeds a further computation using x again', () => {
      const x = T.dmatrix('x');
      const y = T.dvector('y');
      const rand = R.rng(7);
      checkGrad({
        wrt: [x, y],
        values: [R.randArr([3, 5], rand), R.randArr([5], rand)],
        out: op(x.get(0), y.mul(y)).mul(x),
        ref: (a, b) => R.mul(R.basicSetInc(a!, [0], R.mul(b!, b!), mode), a!),
      });
    });
  });
}

/** x.dimshuffle(...) (permutations, 'x' axes, dropping size-1 axes), x.T, and their gradients. */
import { describe, expect, it } from 'vitest';
import * as theano from '../../src/index.js';
import { T } from '../../src/index.js';
import { checkGrad, dtensor, expectClose, toND } from '../helpers/check.js';
import * as R from '../helpers/reference.js';

type Pat = (number | 'x')[];

describe('dimshuffle: forward', () => {
  it('every permutation of a 2x3x4 tensor', () => {
    const t = T.dtensor3('t');
    const tv = R.randArr([2, 3, 4], R.rng(1));
    const perms: Pat[] = [
      [0, 1, 2],
      [0, 2, 1],
      [1, 0, 2],
      [1, 2, 0],
      [2, 0, 1],
      [2, 1, 0],
    ];
    for (const p of perms) {
      const out = theano.function([t], t.dimshuffle(...p))(toND(tv));
      expectClose(out, R.dimshuffle(tv, p), { what: `(${p})` });
    }
  });

  it("inserting broadcastable 'x' axes: vector to column, row, and (1, n, 1, 1)", () => {
    const v = T.dvector('v');
    const vv = R.randArr([5], R.rng(2));
    for (const p of [
      [0, 'x'],
      ['x', 0],
      ['x', 0, 'x', 'x'],
    ] as Pat[]) {
      const out = theano.function([v], v.dimshuffle(...p))(toND(vv));
      expectClose(out, R.dimshuffle(vv, p), { what: `(${p})` });
    }
    const m = T.dmatrix('m');
    const mv = R.randArr([3, 5], R.rng(3));
    expectClose(theano.function([m], m.dimshuffle(1, 'x', 0))(toND(mv)), R.dimshuffle(mv, [1, 'x', 0]));
  });

  it('a bias broadcast over a 4-d tensor with dimshuffle("x", 0, "x", "x"), as ConvPoolLayer does', () => {
    const x = T.dtensor4('x');
    const b = T.dvector('b');
    const rand = R.rng(4);
    const xv = R.randArr([2, 3, 2, 2], rand);
    const bv = R.randArr([3], rand);
    const out = theano.function([x, b], x.add(b.dimshuffle('x', 0, 'x', 'x')))(toND(xv), toND(bv));
    expectClose(out, R.add(xv, R.dimshuffle(bv, ['x', 0, 'x', 'x'])));
  });

  it('dropping an axis that is 1 at run time; an axis of another size is an error', () => {
    const m = T.dmatrix('m');
    const f = theano.function([m], m.dimshuffle(1));
    expect(f([[1, 2, 3]]).toArray()).toEqual([1, 2, 3]);
    expect(() =>
      f([
        [1, 2, 3],
        [4, 5, 6],
      ]),
    ).toThrowError(/'m'/);
  });

  it('invalid patterns are rejected when the graph is built', () => {
    const m = T.dmatrix('m');
    expect(() => m.dimshuffle(0, 0)).toThrowError(theano.TypeMismatchError);
    expect(() => m.dimshuffle(0, 2)).toThrowError(theano.TypeMismatchError);
  });

  it('x.T reverses the axes of matrices and 3-d tensors; a vector is unchanged', () => {
    const m = T.dmatrix('m');
    const t = T.dtensor3('t');
    const v = T.dvector('v');
    const rand = R.rng(5);
    const mv = R.randArr([3, 5], rand);
    const tv = R.randArr([2, 3, 4], rand);
    const [om, ot, ov] = theano.function([m, t, v], [m.T, t.T, v.T])(toND(mv), toND(tv), [1, 2, 3]);
    expectClose(om!, R.transpose(mv));
    expect(om!.shape).toEqual([5, 3]);
    expectClose(ot!, R.dimshuffle(tv, [2, 1, 0]));
    expect(ov!.toArray()).toEqual([1, 2, 3]);
    expect(theano.function([m], m.T.T)(toND(mv)).toArray()).toEqual(R.toNested(mv));
  });

  it('T.dimshuffle on an int matrix keeps int32', () => {
    const i = T.imatrix('i');
    const d = T.dimshuffle(i, 1, 0);
    expect(d.dtype).toBe('int32');
    expect(
      theano
        .function(
          [i],
          d,
        )([
          [1, 2, 3],
          [4, 5, 6],
        ])
        .toArray(),
    ).toEqual([
      [1, 4],
      [2, 5],
      [3, 6],
    ]);
  });
});

describe('dimshuffle: gradients', () => {
  it('permutations of a 2x3x4 tensor and the transpose of a 3x5 matrix', () => {
    const t = T.dtensor3('t');
    const rand = R.rng(6);
    for (const p of [
      [2, 0, 1],
      [1, 2, 0],
      [0, 2, 1],
    ] as Pat[]) {
      checkGrad({ wrt: [t], values: [R.randArr([2, 3, 4], rand)], out: t.dimshuffle(...p), ref: (a) => R.dimshuffle(a, p) });
    }
    const m = T.dmatrix('m');
    checkGrad({ wrt: [m], values: [R.randArr([3, 5], rand)], out: T.exp(m.T), ref: (a) => R.map(R.transpose(a), Math.exp) });
  });

  it("inserted 'x' axes, then broadcast: the gradient sums over the broadcast axes", () => {
    const v = T.dvector('v');
    const m = T.dmatrix('m');
    const rand = R.rng(7);
    checkGrad({
      wrt: [v, m],
      values: [R.randArr([3], rand), R.randArr([3, 5], rand)],
      out: v.dimshuffle(0, 'x').mul(m),
      ref: (a, b) => R.mul(R.dimshuffle(a!, [0, 'x']), b!),
    });
    const b = T.dvector('b');
    const x = T.dtensor4('x');
    checkGrad({
      wrt: [x, b],
      values: [R.randArr([2, 3, 2, 2], rand), R.randArr([3], rand)],
      out: T.tanh(x.add(b.dimshuffle('x', 0, 'x', 'x'))),
      ref: (a, bb) => R.map(R.add(a!, R.dimshuffle(bb!, ['x', 0, 'x', 'x'])), Math.tanh),
    });
  });

  it("dropping a size-1 axis while permuting and inserting: (2,1,4).dimshuffle(2, 'x', 0)", () => {
    const t = T.dtensor3('t');
    const rand = R.rng(9);
    const tv = R.randArr([2, 1, 4], rand);
    expectClose(theano.function([t], t.dimshuffle(2, 'x', 0))(toND(tv)), R.dimshuffle(tv, [2, 'x', 0]));
    checkGrad({ wrt: [t], values: [tv], out: T.tanh(t.dimshuffle(2, 'x', 0)), ref: (a) => R.map(R.dimshuffle(a, [2, 'x', 0]), Math.tanh) });
  });

  it('a dropped size-1 axis comes back in the gradient', () => {
    const m = dtensor(2, 'm');
    checkGrad({ wrt: [m], values: [R.randArr([1, 5], R.rng(8))], out: T.sqr(m.dimshuffle(1)), ref: (a) => R.map(R.reshape(a, [5]), (v) => v * v) });
  });
});

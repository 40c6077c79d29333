/** x.reshape (numbers, -1, symbolic entries), x.flatten(ndim), their errors and gradients. */
import { describe, expect, it } from 'vitest';
import * as theano from '../../src/index.js';
import { T } from '../../src/index.js';
import { checkGrad, expectClose, toND } from '../helpers/check.js';
import * as R from '../helpers/reference.js';

describe('reshape: forward', () => {
  it('row-major reshapes of a 2x3x4 tensor to several shapes', () => {
    const t = T.dtensor3('t');
    const tv = R.randArr([2, 3, 4], R.rng(1));
    for (const shape of [[24], [4, 6], [6, 4], [2, 12], [3, 2, 4], [1, 24], [2, 3, 2, 2], [1, 1, 24]]) {
      const out = theano.function([t], t.reshape(shape))(toND(tv));
      expectClose(out, R.reshape(tv, shape), { what: `[${shape}]` });
    }
  });

  it('hand-worked: arange(6) reshaped to (2, 3) and (3, 2)', () => {
    const v = T.dvector('v');
    const f = theano.function([v], [v.reshape([2, 3]), v.reshape([3, 2])]);
    const [a, b] = f([0, 1, 2, 3, 4, 5]);
    expect(a!.toArray()).toEqual([
      [0, 1, 2],
      [3, 4, 5],
    ]);
    expect(b!.toArray()).toEqual([
      [0, 1],
      [2, 3],
      [4, 5],
    ]);
  });

  it('one -1 entry is inferred, at any position', () => {
    const m = T.dmatrix('m');
    const mv = R.randArr([3, 8], R.rng(2));
    for (const [shape, full] of [
      [[-1], [24]],
      [
        [4, -1],
        [4, 6],
      ],
      [
        [-1, 4],
        [6, 4],
      ],
      [
        [2, -1, 3],
        [2, 4, 3],
      ],
    ] as [number[], number[]][]) {
      const out = theano.function([m], m.reshape(shape))(toND(mv));
      expect(out.shape).toEqual(full);
      expectClose(out, R.reshape(mv, full));
    }
  });

  it('symbolic entries: an int scalar input and x.shape(i)', () => {
    const m = T.dmatrix('m');
    const n = T.iscalar('n');
    const mv = R.randArr([3, 8], R.rng(3));
    const out = theano.function([m, n], m.reshape([n, -1]))(toND(mv), 6);
    expect(out.shape).toEqual([6, 4]);
    expectClose(out, R.reshape(mv, [6, 4]));
    const t = T.dtensor3('t');
    const tv = R.randArr([2, 3, 4], R.rng(4));
    const merged = theano.function([t], t.reshape([t.shape(0), t.shape(1).mul(t.shape(2))]))(toND(tv));
    expectClose(merged, R.reshape(tv, [2, 12]));
    const back = theano.function([t], t.reshape([t.shape(0), -1]).reshape([t.shape(0), t.shape(1), t.shape(2)]))(toND(tv));
    expectClose(back, tv);
  });

  it('size-0 arrays reshape', () => {
    const m = T.dmatrix('m');
    const out = theano.function([m], m.reshape([0, 5]))(theano.ndarray(new Float64Array(0), [5, 0]));
    expect(out.shape).toEqual([0, 5]);
  });

  it('int32 data keeps its dtype and values', () => {
    const i = T.imatrix('i');
    const r = i.reshape([-1]);
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
    ).toEqual([1, 2, 3, 4]);
  });
});

describe('reshape: errors', () => {
  it("a size mismatch at run time names the variable ('x') and both shapes", () => {
    const x = T.dmatrix('x');
    const f = theano.function([x], x.reshape([4, 4]));
    let msg = '';
    try {
      f(toND(R.arr([3, 5])));
    } catch (e) {
      expect(e).toBeInstanceOf(theano.ShapeError);
      msg = (e as Error).message;
    }
    expect(msg).toMatch(/'x'/);
    expect(msg).toContain('(3, 5)');
    expect(msg).toContain('(4, 4)');
  });

  it('a -1 that cannot divide the size is an error naming x and its shape', () => {
    const x = T.dmatrix('x');
    const f = theano.function([x], x.reshape([4, -1]));
    expect(() => f(toND(R.arr([3, 5])))).toThrowError(/'x'.*\(3, 5\)/);
  });

  it('two -1 entries are rejected when the graph is built', () => {
    const x = T.dmatrix('x');
    expect(() => x.reshape([-1, -1])).toThrowError(theano.ShapeError);
  });

  it('with a statically known size, a -1 that cannot divide it is rejected when the graph is built', () => {
    const c = theano.ndarray(new Float64Array(15), [3, 5]);
    expect(() => T.reshape(c, [4, -1])).toThrowError(theano.ShapeError);
    expect(() => T.reshape(c, [0, -1])).toThrowError(theano.ShapeError);
    expect(T.reshape(c, [5, -1]).type.shape).toEqual([5, 3]);
  });

  it('negative entries other than -1 are rejected', () => {
    const x = T.dmatrix('x');
    expect(() => x.reshape([-2, -3])).toThrowError(/'x'/);
  });

  it('a symbolic entry that does not fit is an error at run time', () => {
    const x = T.dmatrix('x');
    const n = T.iscalar('n');
    const f = theano.function([x, n], x.reshape([n, 3]));
    expect(() => f(toND(R.arr([3, 5])), 4)).toThrowError(/'x'/);
  });

  it('a float shape entry is rejected', () => {
    const x = T.dmatrix('x');
    expect(() => x.reshape([T.dscalar('s'), 3])).toThrowError(theano.TypeMismatchError);
  });
});

describe('flatten', () => {
  it('flatten(1), flatten(2), flatten(3) of a 2x3x4 tensor', () => {
    const t = T.dtensor3('t');
    const tv = R.randArr([2, 3, 4], R.rng(5));
    const [f1, f2, f3, fd] = theano.function([t], [t.flatten(1), t.flatten(2), t.flatten(3), t.flatten()])(toND(tv));
    expectClose(f1!, R.reshape(tv, [24]));
    expectClose(f2!, R.reshape(tv, [2, 12]));
    expectClose(f3!, tv);
    expectClose(fd!, R.reshape(tv, [24]));
    expect(t.flatten(2).ndim).toBe(2);
  });

  it('T.flatten of a 4-d tensor to (batch, features), as a conv layer output feeds a dense layer', () => {
    const x = T.dtensor4('x');
    const xv = R.randArr([2, 3, 2, 2], R.rng(6));
    expectClose(theano.function([x], T.flatten(x, 2))(toND(xv)), R.reshape(xv, [2, 12]));
  });

  it('an ndim out of range is rejected', () => {
    expect(() => T.dmatrix('m').flatten(3)).toThrowError(theano.TypeMismatchError);
    expect(() => T.dmatrix('m').flatten(0)).toThrowError(theano.TypeMismatchError);
  });
});

describe('reshape and flatten: gradients', () => {
  it('reshape to (4, 6), with -1, and with a symbolic entry', () => {
    const t = T.dtensor3('t');
    const rand = R.rng(7);
    checkGrad({ wrt: [t], values: [R.randArr([2, 3, 4], rand)], out: T.tanh(t.reshape([4, 6])), ref: (a) => R.map(R.reshape(a, [4, 6]), Math.tanh) });
    checkGrad({
      wrt: [t],
      values: [R.randArr([2, 3, 4], rand)],
      out: t.reshape([-1, 2]).mul(t.reshape([12, 2])),
      ref: (a) => R.map(R.reshape(a, [12, 2]), (v) => v * v),
    });
    const n = T.iscalar('n');
    checkGrad({
      wrt: [t],
      values: [R.randArr([2, 3, 4], rand)],
      out: T.sqr(t.reshape([n, -1])),
      ref: (a) => R.map(R.reshape(a, [3, 8]), (v) => v * v),
      fixed: [[n, 3]],
    });
  });

  it('flatten(2) feeding a dot, as network3 does', () => {
    const t = T.dtensor3('t');
    const W = T.dmatrix('W');
    const rand = R.rng(8);
    checkGrad({
      wrt: [t, W],
      values: [R.randArr([2, 3, 4], rand), R.randArr([12, 5], rand)],
      out: T.dot(t.flatten(2), W),
      ref: (a, w) => R.dot(R.reshape(a!, [2, 12]), w!),
    });
  });
});

/**
 * The two internal ops that gradients are built from (not public API, so imported from src/ops):
 * sumTo(g, ref) reduces a broadcast gradient to ref's run-time shape; fill(ref, v) broadcasts v to ref's shape.
 */
import { describe, expect, it } from 'vitest';
import * as theano from '../../src/index.js';
import { T } from '../../src/index.js';
import { sumTo } from '../../src/ops/sum-to.js';
import { fill } from '../../src/ops/elemwise/fill.js';
import { checkGrad, expectClose, toND } from '../helpers/check.js';
import * as R from '../helpers/reference.js';

describe('sumTo', () => {
  it('sums a (3, 4) array to (3, 1), (1, 4), (1, 1) and (3, 4), reading only the shape of ref', () => {
    const g = T.dmatrix('g');
    const ref = T.dmatrix('ref');
    const f = theano.function([g, ref], sumTo(g, ref));
    const gv = R.randArr([3, 4], R.rng(1));
    expectClose(f(toND(gv), toND(R.arr([3, 1], () => NaN))), R.reshape(R.sum(gv, 1), [3, 1]), { rtol: 1e-15 });
    expectClose(f(toND(gv), toND(R.arr([1, 4]))), R.reshape(R.sum(gv, 0), [1, 4]), { rtol: 1e-15 });
    expectClose(f(toND(gv), toND(R.arr([1, 1]))), R.reshape(R.sum(gv), [1, 1]), { rtol: 1e-15 });
    expectClose(f(toND(gv), toND(R.arr([3, 4]))), gv);
  });

  it('on a 2x3x4 tensor to (2, 1, 4) and (1, 3, 1)', () => {
    const g = T.dtensor3('g');
    const ref = T.dtensor3('ref');
    const f = theano.function([g, ref], sumTo(g, ref));
    const gv = R.randArr([2, 3, 4], R.rng(2));
    expectClose(f(toND(gv), toND(R.arr([2, 1, 4]))), R.reshape(R.sum(gv, 1), [2, 1, 4]), { rtol: 1e-14 });
    expectClose(f(toND(gv), toND(R.arr([1, 3, 1]))), R.reshape(R.sum(gv, [0, 2]), [1, 3, 1]), { rtol: 1e-14 });
  });

  it('a ref shape that g does not broadcast from is an error; ranks must agree', () => {
    const g = T.dmatrix('g');
    const ref = T.dmatrix('ref');
    expect(() => theano.function([g, ref], sumTo(g, ref))(toND(R.arr([3, 4])), toND(R.arr([2, 4])))).toThrowError(/'ref'/);
    expect(() => sumTo(g, T.dvector('v'))).toThrowError(theano.ShapeError);
  });

  it('gradient broadcasts back (through fill)', () => {
    const g = T.dmatrix('g');
    const ref = T.dmatrix('ref');
    checkGrad({
      wrt: [g],
      values: [R.randArr([3, 4], R.rng(3))],
      out: sumTo(g, ref),
      ref: (a) => R.reshape(R.sum(a, 0), [1, 4]),
      fixed: [[ref, toND(R.arr([1, 4]))]],
    });
  });
});

describe('fill', () => {
  it('broadcasts v to the shape of ref without reading ref', () => {
    const ref = T.dmatrix('ref');
    const v = T.dvector('v');
    const out = theano.function([ref, v], fill(ref, v))(toND(R.arr([3, 4], () => NaN)), [1, 2, 3, 4]);
    expect(out.toArray()).toEqual([
      [1, 2, 3, 4],
      [1, 2, 3, 4],
      [1, 2, 3, 4],
    ]);
  });

  it('gradient goes to v (summed over the broadcast axes), none to ref', () => {
    const ref = T.dmatrix('ref');
    const v = T.dvector('v');
    checkGrad({
      wrt: [v],
      values: [R.randArr([4], R.rng(4))],
      out: fill(ref, v),
      ref: (a) => R.zipWith([R.arr([3, 4]), a], (_r, x) => x),
      fixed: [[ref, toND(R.arr([3, 4]))]],
    });
  });
});

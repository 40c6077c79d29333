/**
 * Comparisons (eq neq lt gt le ge: bool results, NaN semantics, broadcasting, no gradient) and
 * switch (forward with broadcasting of all three operands, gradient to both branches).
 */
import { describe, expect, it } from 'vitest';
import * as theano from '../../src/index.js';
import { T } from '../../src/index.js';
import { checkGrad, expectClose, toND, type Variable } from '../helpers/check.js';
import * as R from '../helpers/reference.js';

const comparisons: [string, (a: Variable, b: Variable) => Variable, (a: number, b: number) => boolean][] = [
  ['eq', T.eq, (a, b) => a === b],
  ['neq', T.neq, (a, b) => a !== b],
  ['lt', T.lt, (a, b) => a < b],
  ['gt', T.gt, (a, b) => a > b],
  ['le', T.le, (a, b) => a <= b],
  ['ge', T.ge, (a, b) => a >= b],
];

describe('comparisons', () => {
  for (const [name, op, ref] of comparisons) {
    it(`${name}: bool result, with ties, NaN and broadcasting (3,5) vs (5,)`, () => {
      const a = T.dmatrix('a');
      const b = T.dvector('b');
      const out = op(a, b);
      expect(out.dtype).toBe('bool');
      // Small integers make ties frequent; one NaN in each operand.
      const rand = R.rng(name.length + 40);
      const av = R.arr([3, 5], () => Math.floor(rand() * 3));
      const bv = R.arr([5], () => Math.floor(rand() * 3));
      av.data[7] = NaN;
      bv.data[2] = NaN;
      const got = theano.function([a, b], out)(toND(av), toND(bv));
      expect(got.dtype).toBe('bool');
      expect(got.shape).toEqual([3, 5]);
      expectClose(
        got,
        R.zipWith([av, bv], (x, y) => (ref(x, y) ? 1 : 0)),
      );
    });
  }

  it('compare an int vector with a float vector and with a JS number', () => {
    const i = T.ivector('i');
    const f = T.fvector('f');
    const g = theano.function([i, f], [T.lt(i, f), T.ge(i, 2), T.eq(f, 0.5)]);
    const [lt, ge, eq] = g([1, 2, 3], theano.ndarray([1.5, 2, 0.5], undefined, 'float32'));
    expect([lt!.dtype, ge!.dtype, eq!.dtype]).toEqual(['bool', 'bool', 'bool']);
    expect(lt!.toArray()).toEqual([1, 0, 0]);
    expect(ge!.toArray()).toEqual([0, 1, 1]);
    expect(eq!.toArray()).toEqual([0, 0, 1]);
  });

  it('a bool result can be summed (int32) and cast to float for a mask', () => {
    const x = T.dmatrix('x');
    const pos = T.gt(x, 0);
    const count = T.sum(pos);
    expect(count.dtype).toBe('int32');
    const xv = R.randArr([3, 5], R.rng(3));
    const [c, masked] = theano.function([x], [count, x.mul(T.cast(pos, 'float64'))])(toND(xv));
    expect(c!.dtype).toBe('int32');
    expect(c!.item()).toBe(xv.data.filter((v) => v > 0).length);
    expectClose(
      masked!,
      R.map(xv, (v) => (v > 0 ? v : 0)),
    );
  });

  it('comparisons pass no gradient: grad of x * cast(x > 0) is the mask', () => {
    const x = T.dmatrix('x');
    const xv = R.randAwayFromZero([3, 5], R.rng(4));
    checkGrad({ wrt: [x], values: [xv], out: x.mul(T.cast(T.gt(x, 0), 'float64')), ref: (a) => R.map(a, (v) => (v > 0 ? v : 0)) });
  });
});

describe('switch', () => {
  it('picks a where cond is non-zero, b elsewhere, broadcasting cond (3,1), a scalar, b (3,5)', () => {
    const c = T.dmatrix('c');
    const a = T.dscalar('a');
    const b = T.dmatrix('b');
    const rand = R.rng(6);
    const cv = R.fromNested([[1], [0], [-2]]);
    const bv = R.randArr([3, 5], rand);
    const out = theano.function([c, a, b], T.switch(c, a, b))(toND(cv), 7.5, toND(bv));
    expectClose(
      out,
      R.zipWith([cv, R.scalarArr(7.5), bv], (p, q, r) => (p !== 0 ? q : r)),
    );
  });

  it('with a bool condition from a comparison, and NaN as condition counts as true', () => {
    const x = T.dmatrix('x');
    const rand = R.rng(7);
    const xv = R.randArr([3, 5], rand);
    const out = theano.function([x], T.switch(T.lt(x, 0), x.mul(-2), x))(toND(xv));
    expectClose(
      out,
      R.map(xv, (v) => (v < 0 ? -2 * v : v)),
    );
    const c = T.dvector('c');
    expect(
      theano
        .function(
          [c],
          T.switch(c, 1, 2),
        )([NaN, 0, -0])
        .toArray(),
    ).toEqual([1, 2, 2]);
  });

  it('result dtype is the upcast of the branches', () => {
    const cond = T.gt(T.dvector('v'), 0);
    expect(T.switch(cond, T.ivector('i'), T.ivector('j')).dtype).toBe('int32');
    expect(T.switch(cond, T.fvector('f'), T.dvector('d')).dtype).toBe('float64');
    expect(T.switch(cond, T.ivector('i'), T.fvector('f')).dtype).toBe('float64');
  });

  it('gradient goes to the branch that was taken, summed back to each branch shape', () => {
    const c = T.dmatrix('c');
    const a = T.dvector('a');
    const b = T.dmatrix('b');
    const rand = R.rng(8);
    const cv = R.arr([3, 5], () => (rand() < 0.5 ? 1 : 0));
    checkGrad({
      wrt: [a, b],
      values: [R.randArr([5], rand), R.randArr([3, 5], rand)],
      out: T.switch(c, T.sqr(a), b.mul(3)),
      ref: (av, bv) => R.zipWith([cv, av!, bv!], (p, q, r) => (p !== 0 ? q * q : 3 * r)),
      fixed: [[c, R.toNested(cv)]],
    });
  });

  it('piecewise function of one variable: switch(x > 0, x, 0.1 * x) away from 0', () => {
    const x = T.dmatrix('x');
    checkGrad({
      wrt: [x],
      values: [R.randAwayFromZero([3, 5], R.rng(9))],
      out: T.switch(T.gt(x, 0), x, x.mul(0.1)),
      ref: (a) => R.map(a, (v) => (v > 0 ? v : 0.1 * v)),
    });
  });
});

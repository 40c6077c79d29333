/** T.dot in all four rank combinations, T.outer, dtypes, shape errors, gradients. */
import { describe, expect, it } from 'vitest';
import * as theano from '../../src/index.js';
import { T } from '../../src/index.js';
import { checkGrad, dtensor, expectClose, toND } from '../helpers/check.js';
import * as R from '../helpers/reference.js';

const combos: [string, number[], number[]][] = [
  ['matrix . matrix', [3, 5], [5, 4]],
  ['matrix . vector', [3, 5], [5]],
  ['vector . matrix', [5], [5, 4]],
  ['vector . vector', [5], [5]],
];

describe('dot: forward', () => {
  for (const [name, sa, sb] of combos) {
    it(`${name} (${sa} with ${sb}) matches the triple loop`, () => {
      const a = dtensor(sa.length, 'a');
      const b = dtensor(sb.length, 'b');
      const rand = R.rng(sa.length * 3 + sb.length);
      const av = R.randArr(sa, rand);
      const bv = R.randArr(sb, rand);
      const out = theano.function([a, b], T.dot(a, b))(toND(av), toND(bv));
      expect(out.dtype).toBe('float64');
      expectClose(out, R.dot(av, bv), { rtol: 1e-13, atol: 1e-14 });
      expectClose(theano.function([a, b], a.dot(b))(toND(av), toND(bv)), R.dot(av, bv), { rtol: 1e-13, atol: 1e-14 });
    });
  }

  it('hand-worked 2x3 . 3x2 and vector . vector', () => {
    const a = T.dmatrix('a');
    const b = T.dmatrix('b');
    expect(
      theano
        .function([a, b], T.dot(a, b))(
          [
            [1, 2, 3],
            [4, 5, 6],
          ],
          [
            [7, 8],
            [9, 10],
            [11, 12],
          ],
        )
        .toArray(),
    ).toEqual([
      [58, 64],
      [139, 154],
    ]);
    const u = T.dvector('u');
    const v = T.dvector('v');
    const s = theano.function([u, v], T.dot(u, v))([1, 2, 3], [4, -5, 6]);
    expect(s.shape).toEqual([]);
    expect(s.item()).toBe(12);
  });

  it('x.dot(w) with x.T (the transpose of a non-square matrix)', () => {
    const x = T.dmatrix('x');
    const xv = R.randArr([3, 5], R.rng(7));
    expectClose(theano.function([x], x.T.dot(x))(toND(xv)), R.dot(R.transpose(xv), xv), { rtol: 1e-13, atol: 1e-14 });
    expectClose(theano.function([x], T.dot(x, x.T))(toND(xv)), R.dot(xv, R.transpose(xv)), { rtol: 1e-13, atol: 1e-14 });
  });

  it('inner size 0 gives zeros; empty outer sizes give empty results', () => {
    const a = T.dmatrix('a');
    const b = T.dmatrix('b');
    const f = theano.function([a, b], T.dot(a, b));
    expect(f(theano.ndarray(new Float64Array(0), [2, 0]), theano.ndarray(new Float64Array(0), [0, 3])).toArray()).toEqual([
      [0, 0, 0],
      [0, 0, 0],
    ]);
    expect(f(theano.ndarray(new Float64Array(0), [0, 4]), toND(R.arr([4, 3]))).shape).toEqual([0, 3]);
  });

  it('NaN and Inf propagate through zeros as in NumPy (0 * Inf = NaN)', () => {
    const a = T.dmatrix('a');
    const b = T.dmatrix('b');
    const f = theano.function([a, b], T.dot(a, b));
    expectClose(
      f(
        [
          [0, 1],
          [1, 1],
        ],
        [
          [Infinity, 1],
          [1, 1],
        ],
      ),
      [
        [NaN, 1],
        [Infinity, 2],
      ],
    );
    expectClose(f([[0, 0]], [[NaN], [1]]), [[NaN]]);
  });

  it('dtypes: int32 . int32 is int32; float32 . float32 is float32; float32 . float64 is float64', () => {
    const i = T.imatrix('i');
    const j = T.imatrix('j');
    const p = T.dot(i, j);
    expect(p.dtype).toBe('int32');
    expect(
      theano
        .function([i, j], p)(
          [
            [1, 2],
            [3, 4],
          ],
          [[5], [6]],
        )
        .toArray(),
    ).toEqual([[17], [39]]);
    expect(T.dot(T.fmatrix('f'), T.fmatrix('g')).dtype).toBe('float32');
    expect(T.dot(T.fmatrix('f'), T.dvector('d')).dtype).toBe('float64');
  });

  it('a float32 product is the float64 product rounded (accumulated in higher precision)', () => {
    const a = T.fmatrix('a');
    const b = T.fmatrix('b');
    const rand = R.rng(11);
    const av = R.map(R.randArr([3, 50], rand), Math.fround);
    const bv = R.map(R.randArr([50, 4], rand), Math.fround);
    const out = theano.function([a, b], T.dot(a, b))(toND(av, 'float32'), toND(bv, 'float32'));
    expect(out.dtype).toBe('float32');
    expectClose(out, R.dot(av, bv), { rtol: 1e-6, atol: 1e-6 });
  });

  it('an inner-size mismatch at run time names both variables and both shapes', () => {
    const a = T.dmatrix('a');
    const b = T.dmatrix('b');
    const f = theano.function([a, b], T.dot(a, b));
    let msg = '';
    try {
      f(toND(R.arr([3, 5])), toND(R.arr([4, 2])));
    } catch (e) {
      expect(e).toBeInstanceOf(theano.ShapeError);
      msg = (e as Error).message;
    }
    expect(msg).toMatch(/'a'/);
    expect(msg).toMatch(/'b'/);
    expect(msg).toContain('(3, 5)');
    expect(msg).toContain('(4, 2)');
    const v = T.dvector('v');
    expect(() => theano.function([a, v], T.dot(a, v))(toND(R.arr([3, 5])), [1, 2, 3])).toThrowError(/'v'.*\(3,\)/);
  });

  it('a static mismatch (constants) is reported when the graph is built; rank 3 is rejected', () => {
    const c1 = theano.ndarray(new Float64Array(6), [2, 3]);
    const c2 = theano.ndarray(new Float64Array(8), [4, 2]);
    expect(() => T.dot(c1, c2)).toThrowError(theano.ShapeError);
    expect(() => T.dot(T.dtensor3('t'), T.dmatrix('m'))).toThrowError(/'t'/);
  });
});

describe('dot: gradients in all four rank combinations', () => {
  for (const [name, sa, sb] of combos) {
    it(name, () => {
      const a = dtensor(sa.length, 'a');
      const b = dtensor(sb.length, 'b');
      const rand = R.rng(20 + sa.length * 3 + sb.length);
      checkGrad({ wrt: [a, b], values: [R.randArr(sa, rand), R.randArr(sb, rand)], out: T.dot(a, b), ref: (p, q) => R.dot(p!, q!) });
    });
  }

  it('a layer: tanh(dot(x, W) + b) wrt x, W and b', () => {
    const x = T.dmatrix('x');
    const W = T.dmatrix('W');
    const b = T.dvector('b');
    const rand = R.rng(30);
    checkGrad({
      wrt: [x, W, b],
      values: [R.randArr([3, 5], rand), R.randArr([5, 4], rand), R.randArr([4], rand)],
      out: T.tanh(T.dot(x, W).add(b)),
      ref: (p, q, r) => R.map(R.add(R.dot(p!, q!), r!), Math.tanh),
    });
  });

  it('the same variable on both sides: dot(x, x.T) and dot(v, v)', () => {
    const x = T.dmatrix('x');
    const v = T.dvector('v');
    const rand = R.rng(31);
    checkGrad({ wrt: [x], values: [R.randArr([3, 5], rand)], out: T.dot(x, x.T), ref: (p) => R.dot(p, R.transpose(p)) });
    checkGrad({ wrt: [v], values: [R.randArr([5], rand)], out: T.dot(v, v), ref: (p) => R.dot(p, p) });
  });
});

describe('outer', () => {
  it('forward (3,) x (5,) and gradient', () => {
    const u = T.dvector('u');
    const v = T.dvector('v');
    const rand = R.rng(40);
    const uv = R.randArr([3], rand);
    const vv = R.randArr([5], rand);
    expectClose(theano.function([u, v], T.outer(u, v))(toND(uv), toND(vv)), R.outer(uv, vv));
    checkGrad({ wrt: [u, v], values: [uv, vv], out: T.outer(u, v), ref: (p, q) => R.outer(p!, q!) });
  });

  it('rejects non-vectors', () => {
    expect(() => T.outer(T.dmatrix('m'), T.dvector('v'))).toThrowError(theano.TypeMismatchError);
  });
});

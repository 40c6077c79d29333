/**
 * Elementwise arithmetic and math (forward): add sub mul div neg pow exp log log1p sqrt sqr abs sgn tanh
 * maximum minimum, against the float64 reference; NumPy broadcasting; result dtypes; run-time errors.
 */
import { describe, expect, it } from 'vitest';
import * as theano from '../../src/index.js';
import { T } from '../../src/index.js';
import { dtensor, expectClose, toND, type Variable } from '../helpers/check.js';
import * as R from '../helpers/reference.js';

type Unary = (x: Variable) => Variable;
type Binary = (x: Variable, y: Variable) => Variable;

const unaryCases: [string, Unary, (x: number) => number, [number, number]][] = [
  ['neg', T.neg, (x) => -x, [-3, 3]],
  ['exp', T.exp, Math.exp, [-3, 3]],
  ['log', T.log, Math.log, [0.05, 5]],
  ['log1p', T.log1p, Math.log1p, [-0.9, 5]],
  ['sqrt', T.sqrt, Math.sqrt, [0.01, 5]],
  ['sqr', T.sqr, (x) => x * x, [-3, 3]],
  ['abs', T.abs, (x) => (x < 0 ? -x : x), [-3, 3]],
  ['sgn', T.sgn, (x) => (x > 0 ? 1 : x < 0 ? -1 : 0), [-3, 3]],
  ['tanh', T.tanh, (x) => (Math.exp(x) - Math.exp(-x)) / (Math.exp(x) + Math.exp(-x)), [-3, 3]],
];

describe('unary elementwise ops: forward', () => {
  for (const [name, op, ref, [lo, hi]] of unaryCases) {
    it(`${name} on a 3x5 matrix and a 2x3x4 tensor matches the reference`, () => {
      const rand = R.rng(name.length * 7 + 1);
      const m = T.dmatrix('m');
      const t = T.dtensor3('t');
      const mv = R.randArr([3, 5], rand, lo, hi);
      const tv = R.randArr([2, 3, 4], rand, lo, hi);
      const f = theano.function([m, t], [op(m), op(t)]);
      const [om, ot] = f(toND(mv), toND(tv));
      expect(om!.dtype).toBe('float64');
      expectClose(om!, R.map(mv, ref), { rtol: 1e-14, atol: 1e-15 });
      expectClose(ot!, R.map(tv, ref), { rtol: 1e-14, atol: 1e-15 });
    });
  }

  it('special values follow IEEE / NumPy', () => {
    const v = T.dvector('v');
    const f = theano.function([v], [T.log(v), T.sqrt(v), T.log1p(v), T.exp(v), T.sgn(v), T.abs(v)]);
    const [log, sqrt, log1p, exp, sgn, abs] = f([0, -1, Infinity, NaN, 1]);
    expectClose(log!, [-Infinity, NaN, Infinity, NaN, 0]);
    expectClose(sqrt!, [0, NaN, Infinity, NaN, 1]);
    expectClose(log1p!, [0, -Infinity, Infinity, NaN, Math.LN2]);
    expectClose(exp!, [1, Math.exp(-1), Infinity, NaN, Math.E], { rtol: 1e-15 });
    expectClose(sgn!, [0, -1, 1, NaN, 1]);
    expectClose(abs!, [0, 1, Infinity, NaN, 1]);
    expect(theano.function([v], T.exp(v))([1000, -1000]).toArray()).toEqual([Infinity, 0]);
    expectClose(theano.function([v], T.log1p(v))([-2]), [NaN]);
  });

  it('log1p is accurate for tiny arguments (not log(1 + x))', () => {
    const v = T.dvector('v');
    const out = theano.function([v], T.log1p(v))([1e-20, -1e-18]);
    expectClose(out, [1e-20, -1e-18], { rtol: 1e-15, atol: 0 });
  });

  it('a float32 input stays float32 for float ops and rounds like Math.fround', () => {
    const x = T.fmatrix('x');
    const xv = theano.ndarray(
      [
        [0.1, 0.2, 0.3],
        [1.5, 2.5, 3.5],
      ],
      undefined,
      'float32',
    );
    const outs = theano.function([x], [T.exp(x), T.sqrt(x), T.tanh(x), T.neg(x), T.sqr(x)])(xv);
    const src = Array.from(xv.data);
    const fr = (f: (v: number) => number): number[][] => [src.slice(0, 3).map((v) => Math.fround(f(v))), src.slice(3).map((v) => Math.fround(f(v)))];
    for (const o of outs) expect(o.dtype).toBe('float32');
    expect(outs[0]!.toArray()).toEqual(fr(Math.exp));
    expect(outs[1]!.toArray()).toEqual(fr(Math.sqrt));
    expect(outs[2]!.toArray()).toEqual(fr(Math.tanh));
    expect(outs[3]!.toArray()).toEqual(fr((v) => -v));
    expect(outs[4]!.toArray()).toEqual(fr((v) => v * v));
  });
});

const binaryCases: [string, Binary, (x: number, y: number) => number, [number, number], [number, number]][] = [
  ['add', T.add, (x, y) => x + y, [-3, 3], [-3, 3]],
  ['sub', T.sub, (x, y) => x - y, [-3, 3], [-3, 3]],
  ['mul', T.mul, (x, y) => x * y, [-3, 3], [-3, 3]],
  ['div', T.div, (x, y) => x / y, [-3, 3], [0.3, 3]],
  ['pow', T.pow, (x, y) => Math.exp(y * Math.log(x)), [0.1, 3], [-2, 2]],
  ['maximum', T.maximum, (x, y) => (x >= y ? x : y), [-3, 3], [-3, 3]],
  ['minimum', T.minimum, (x, y) => (x <= y ? x : y), [-3, 3], [-3, 3]],
];

/** Shape pairs that NumPy broadcasts: equal, (3,1)+(1,4), vector + matrix, scalar * matrix, rank 3 with rank 2. */
const broadcastPairs: [number[], number[]][] = [
  [
    [3, 5],
    [3, 5],
  ],
  [
    [3, 1],
    [1, 4],
  ],
  [[5], [3, 5]],
  [[3, 5], [5]],
  [[], [3, 5]],
  [[3, 5], []],
  [
    [2, 3, 4],
    [3, 1],
  ],
  [
    [2, 1, 4],
    [2, 3, 1],
  ],
  [[4], [2, 3, 4]],
];

describe('binary elementwise ops: forward with NumPy broadcasting', () => {
  for (const [name, op, ref, xr, yr] of binaryCases) {
    it(`${name} broadcasts every shape pair as NumPy`, () => {
      const rand = R.rng(100 + name.length);
      for (const [sx, sy] of broadcastPairs) {
        const x = dtensor(sx.length, 'x');
        const y = dtensor(sy.length, 'y');
        const xv = name === 'div' ? R.randArr(sx, rand, ...xr) : R.randArr(sx, rand, ...xr);
        const yv = name === 'div' ? R.randAwayFromZero(sy, rand, ...yr) : R.randArr(sy, rand, ...yr);
        const out = theano.function([x, y], op(x, y))(toND(xv), toND(yv));
        expect(out.dtype).toBe('float64');
        expectClose(out, R.zipWith([xv, yv], ref), { rtol: 1e-13, atol: 1e-14, what: `${name} [${sx}] with [${sy}]` });
      }
    });
  }

  it('hand-worked fixture: (2,1) + (1,3) and matrix - row vector', () => {
    const a = T.dmatrix('a');
    const b = T.dmatrix('b');
    const v = T.dvector('v');
    expect(
      theano
        .function([a, b], a.add(b))([[10], [20]], [[1, 2, 3]])
        .toArray(),
    ).toEqual([
      [11, 12, 13],
      [21, 22, 23],
    ]);
    expect(
      theano
        .function([a, v], a.sub(v))(
          [
            [1, 2, 3],
            [4, 5, 6],
          ],
          [1, 1, 2],
        )
        .toArray(),
    ).toEqual([
      [0, 1, 1],
      [3, 4, 4],
    ]);
    expect(
      theano
        .function(
          [a],
          a.mul(3),
        )([
          [1, 2, 3],
          [4, 5, 6],
        ])
        .toArray(),
    ).toEqual([
      [3, 6, 9],
      [12, 15, 18],
    ]);
    expect(
      theano
        .function(
          [a],
          T.sub(1, a),
        )([[1, 2, 3]])
        .toArray(),
    ).toEqual([[0, -1, -2]]);
    expect(
      theano
        .function(
          [a],
          T.div(6, a),
        )([[1, 2, 3]])
        .toArray(),
    ).toEqual([[6, 3, 2]]);
  });

  it('a symbolic scalar times a matrix, and a 0-d result of two scalars', () => {
    const s = T.dscalar('s');
    const t = T.dscalar('t');
    const m = T.dmatrix('m');
    const mv = R.randArr([3, 5], R.rng(3));
    const out = theano.function([s, m], s.mul(m))(2.5, toND(mv));
    expectClose(
      out,
      R.map(mv, (x) => 2.5 * x),
      { rtol: 1e-15 },
    );
    const z = theano.function([s, t], s.sub(t))(5, 7);
    expect(z.shape).toEqual([]);
    expect(z.item()).toBe(-2);
  });

  it('division by zero and pow edge cases follow IEEE', () => {
    const a = T.dvector('a');
    const b = T.dvector('b');
    expectClose(theano.function([a, b], a.div(b))([1, -1, 0, 3], [0, 0, 0, -0]), [Infinity, -Infinity, NaN, -Infinity]);
    expectClose(theano.function([a, b], a.pow(b))([0, 2, -8, 4, -2], [0, -1, 1 / 3, 0.5, 3]), [1, 0.5, NaN, 2, -8]);
  });

  it('maximum and minimum propagate NaN from either side', () => {
    const a = T.dvector('a');
    const b = T.dvector('b');
    const f = theano.function([a, b], [T.maximum(a, b), T.minimum(a, b)]);
    const [mx, mn] = f([NaN, 1, 2, -Infinity], [1, NaN, 3, -5]);
    expectClose(mx!, [NaN, NaN, 3, -5]);
    expectClose(mn!, [NaN, NaN, 2, -Infinity]);
  });

  it('method sugar matches the functions (x.add(y).mul(2).sub(1).div(4))', () => {
    const x = T.dmatrix('x');
    const y = T.dvector('y');
    const rand = R.rng(9);
    const xv = R.randArr([3, 5], rand);
    const yv = R.randArr([5], rand);
    const out = theano.function([x, y], x.add(y).mul(2).sub(1).div(4).neg().abs().sqrt())(toND(xv), toND(yv));
    expectClose(
      out,
      R.zipWith([xv, yv], (p, q) => Math.sqrt(Math.abs(-(((p + q) * 2 - 1) / 4)))),
      { rtol: 1e-14 },
    );
  });
});

describe('elementwise result dtypes', () => {
  it('int32 / int32 is a float64 true division', () => {
    const a = T.ivector('a');
    const b = T.ivector('b');
    const q = T.div(a, b);
    expect(q.dtype).toBe('float64');
    const out = theano.function([a, b], q)([7, -7, 1], [2, 2, 3]);
    expect(out.dtype).toBe('float64');
    expectClose(out, [3.5, -3.5, 1 / 3], { rtol: 1e-15 });
  });

  it('int32 + float32 is float64 (NumPy promotion), with exact values', () => {
    const a = T.ivector('a');
    const b = T.fvector('b');
    const s = T.add(a, b);
    expect(s.dtype).toBe('float64');
    const out = theano.function([a, b], s)([16777217, 1], theano.ndarray([0.5, 0.25], undefined, 'float32'));
    expect(out.dtype).toBe('float64');
    // 16777217 is not representable in float32: the float64 result keeps it.
    expect(out.toArray()).toEqual([16777217.5, 1.25]);
  });

  it('float32 with float64 is float64; float32 with int32 constants and JS numbers stays float32', () => {
    const f = T.fmatrix('f');
    const d = T.dmatrix('d');
    expect(T.add(f, d).dtype).toBe('float64');
    const doubled = f.mul(2);
    expect(doubled.dtype).toBe('float32');
    expect(f.mul(0.5).dtype).toBe('float32');
    expect(f.add(1).sub(3).div(2).dtype).toBe('float32');
    const out = theano.function(
      [f],
      doubled,
    )(
      theano.ndarray(
        [
          [1.5, 2],
          [3, 4],
        ],
        undefined,
        'float32',
      ),
    );
    expect(out.dtype).toBe('float32');
    expect(out.toArray()).toEqual([
      [3, 4],
      [6, 8],
    ]);
  });

  it('int32 arithmetic stays int32 with integer JS numbers', () => {
    const a = T.ivector('a');
    const b = T.ivector('b');
    for (const v of [a.add(b), a.sub(b), a.mul(b), a.add(3), a.mul(2), T.maximum(a, b), T.neg(a), T.abs(a), T.sqr(a)]) {
      expect(v.dtype).toBe('int32');
    }
    const f = theano.function([a, b], [a.add(b), a.mul(b), a.sub(3), T.maximum(a, b), T.neg(a), T.abs(a)]);
    const outs = f([1, -2, 3], [4, 5, -6]);
    expect(outs.map((o) => o.dtype)).toEqual(['int32', 'int32', 'int32', 'int32', 'int32', 'int32']);
    expect(outs.map((o) => o.toArray())).toEqual([
      [5, 3, -3],
      [4, -10, -18],
      [-2, -5, 0],
      [4, 5, 3],
      [-1, 2, -3],
      [1, 2, 3],
    ]);
  });

  it('int32 with a non-integer JS number is a float', () => {
    const a = T.ivector('a');
    const s = a.add(1.5);
    expect(s.dtype === 'float64' || s.dtype === 'float32').toBe(true);
    expect(theano.function([a], s)([1, 2]).toArray()).toEqual([2.5, 3.5]);
  });

  it('float functions of int32 give float64 (exp, log, sqrt, tanh, log1p)', () => {
    const a = T.ivector('a');
    const outs = [T.exp(a), T.log(a), T.sqrt(a), T.tanh(a), T.log1p(a)];
    for (const o of outs) expect(o.dtype).toBe('float64');
    const vals = theano.function([a], outs)([1, 4, 9]);
    for (const o of vals) expect(o.dtype).toBe('float64');
    expectClose(vals[0]!, [Math.E, Math.exp(4), Math.exp(9)], { rtol: 1e-15 });
    expectClose(vals[2]!, [1, 2, 3]);
  });

  it('int32 ** int32 stays int32', () => {
    const a = T.ivector('a');
    const b = T.ivector('b');
    const p = T.pow(a, b);
    expect(p.dtype).toBe('int32');
    expect(theano.function([a, b], p)([2, 3, -2], [3, 2, 3]).toArray()).toEqual([8, 9, -8]);
  });
});

describe('elementwise run-time shape errors', () => {
  it('a broadcasting mismatch between two matrices names both inputs and their shapes', () => {
    const a = T.dmatrix('a');
    const b = T.dmatrix('b');
    const f = theano.function([a, b], a.add(b));
    expect(() => f(toND(R.arr([3, 5])), toND(R.arr([3, 4])))).toThrowError(theano.ShapeError);
    try {
      f(toND(R.arr([3, 5])), toND(R.arr([3, 4])));
    } catch (e) {
      const m = (e as Error).message;
      expect(m).toMatch(/'a'/);
      expect(m).toMatch(/'b'/);
      expect(m).toContain('(3, 5)');
      expect(m).toContain('(3, 4)');
    }
  });

  it('a matrix + vector mismatch names the vector by its name and its own shape', () => {
    const a = T.dmatrix('a');
    const v = T.dvector('v');
    const f = theano.function([a, v], T.mul(a, v));
    let msg = '';
    try {
      f(toND(R.arr([3, 5])), toND(R.arr([4])));
    } catch (e) {
      expect(e).toBeInstanceOf(theano.ShapeError);
      msg = (e as Error).message;
    }
    expect(msg).toMatch(/'a'/);
    expect(msg).toMatch(/'v'/);
    expect(msg).toContain('(3, 5)');
    expect(msg).toContain('(4,)');
  });

  it('the same compiled function works for a later call with other shapes', () => {
    const a = T.dmatrix('a');
    const b = T.dmatrix('b');
    const f = theano.function([a, b], a.mul(b));
    const rand = R.rng(5);
    for (const [sa, sb] of [
      [
        [3, 5],
        [3, 5],
      ],
      [
        [2, 1],
        [1, 6],
      ],
      [
        [4, 3],
        [1, 3],
      ],
    ] as [number[], number[]][]) {
      const av = R.randArr(sa, rand);
      const bv = R.randArr(sb, rand);
      expectClose(f(toND(av), toND(bv)), R.mul(av, bv), { rtol: 1e-15 });
    }
  });
});

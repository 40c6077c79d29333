/**
 * Gradients of the elementwise ops: T.grad(T.sum(op(...) * R), inputs) against central differences of the
 * float64 reference, with inputs away from kinks; gradients through broadcasting keep the input's shape.
 */
import { describe, expect, it } from 'vitest';
import * as theano from '../../src/index.js';
import { T } from '../../src/index.js';
import { checkGrad, dtensor, expectClose, toND, type Variable } from '../helpers/check.js';
import * as R from '../helpers/reference.js';

type Unary = (x: Variable) => Variable;
type Binary = (x: Variable, y: Variable) => Variable;

/** Each op with its reference and a sampler that keeps away from kinks and singularities. */
const unaryCases: [string, Unary, (x: number) => number, (shape: number[], rand: () => number) => R.Arr][] = [
  ['neg', T.neg, (x) => -x, (s, r) => R.randArr(s, r, -2, 2)],
  ['exp', T.exp, Math.exp, (s, r) => R.randArr(s, r, -2, 2)],
  ['log', T.log, Math.log, (s, r) => R.randArr(s, r, 0.2, 4)],
  ['log1p', T.log1p, Math.log1p, (s, r) => R.randArr(s, r, -0.7, 4)],
  ['sqrt', T.sqrt, Math.sqrt, (s, r) => R.randArr(s, r, 0.2, 4)],
  ['sqr', T.sqr, (x) => x * x, (s, r) => R.randArr(s, r, -2, 2)],
  ['abs', T.abs, Math.abs, (s, r) => R.randAwayFromZero(s, r)],
  ['sgn', T.sgn, Math.sign, (s, r) => R.randAwayFromZero(s, r)],
  ['tanh', T.tanh, Math.tanh, (s, r) => R.randArr(s, r, -2, 2)],
];

describe('unary elementwise gradients', () => {
  for (const [name, op, ref, sample] of unaryCases) {
    it(`${name}: 3x5 matrix and 2x3x4 tensor`, () => {
      const rand = R.rng(name.length * 13 + 5);
      const x = T.dmatrix('x');
      checkGrad({ wrt: [x], values: [sample([3, 5], rand)], out: op(x), ref: (a) => R.map(a, ref) });
      const t = T.dtensor3('t');
      checkGrad({ wrt: [t], values: [sample([2, 3, 4], rand)], out: op(t), ref: (a) => R.map(a, ref), seed: 7 });
    });
  }

  it('sgn has a zero gradient away from 0', () => {
    const x = T.dmatrix('x');
    const g = T.grad(T.sum(T.sgn(x).mul(x)), x);
    const xv = R.randAwayFromZero([3, 5], R.rng(2));
    // d/dx (sgn(x) * x) = sgn(x) (+ 0 from sgn) = |x|' away from 0.
    expectClose(theano.function([x], g)(toND(xv)), R.map(xv, Math.sign));
  });
});

const binaryCases: [string, Binary, (x: number, y: number) => number][] = [
  ['add', T.add, (x, y) => x + y],
  ['sub', T.sub, (x, y) => x - y],
  ['mul', T.mul, (x, y) => x * y],
  ['div', T.div, (x, y) => x / y],
  ['pow', T.pow, (x, y) => Math.pow(x, y)],
  ['maximum', T.maximum, (x, y) => Math.max(x, y)],
  ['minimum', T.minimum, (x, y) => Math.min(x, y)],
];

const shapePairs: [number[], number[]][] = [
  [
    [3, 5],
    [3, 5],
  ],
  [
    [3, 1],
    [1, 4],
  ],
  [[3, 5], [5]],
  [[5], [3, 5]],
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
];

describe('binary elementwise gradients, through broadcasting', () => {
  for (const [name, op, ref] of binaryCases) {
    it(`${name}: gradients have each input's shape for every broadcast pair`, () => {
      const rand = R.rng(31 + name.length);
      for (const [sx, sy] of shapePairs) {
        const x = dtensor(sx.length, 'x');
        const y = dtensor(sy.length, 'y');
        let xv: R.Arr;
        let yv: R.Arr;
        if (name === 'pow') {
          xv = R.randArr(sx, rand, 0.3, 2);
          yv = R.randArr(sy, rand, -1.5, 2);
        } else if (name === 'div') {
          xv = R.randArr(sx, rand, -2, 2);
          yv = R.randAwayFromZero(sy, rand, 0.5, 2);
        } else if (name === 'maximum' || name === 'minimum') {
          // x and y far apart where they meet: no ties within eps.
          xv = R.randArr(sx, rand, -2, 2);
          yv = R.map(R.randArr(sy, rand, -2, 2), (v) => v);
          const tooClose = R.zipWith([xv, yv], (a, b) => (Math.abs(a - b) < 1e-3 ? 1 : 0));
          expect(tooClose.data.every((v) => v === 0)).toBe(true);
        } else {
          xv = R.randArr(sx, rand, -2, 2);
          yv = R.randArr(sy, rand, -2, 2);
        }
        checkGrad({ wrt: [x, y], values: [xv, yv], out: op(x, y), ref: (a, b) => R.zipWith([a!, b!], ref), seed: sx.length * 10 + sy.length });
      }
    });
  }

  it('a bias vector added to every row gets the column sums (shape (5,))', () => {
    const x = T.dmatrix('x');
    const b = T.dvector('b');
    const cost = T.sum(T.sqr(x.add(b)));
    const [gx, gb] = T.grad(cost, [x, b]);
    const rand = R.rng(8);
    const xv = R.randArr([3, 5], rand);
    const bv = R.randArr([5], rand);
    const [gxv, gbv] = theano.function([x, b], [gx!, gb!])(toND(xv), toND(bv));
    expect(gbv!.shape).toEqual([5]);
    const twice = R.map(R.add(xv, bv), (v) => 2 * v);
    expectClose(gxv!, twice);
    expectClose(gbv!, R.sum(twice, 0), { rtol: 1e-14 });
  });

  it('a scalar variable times a matrix: the gradient is 0-d', () => {
    const s = T.dscalar('s');
    const m = T.dmatrix('m');
    const rand = R.rng(4);
    checkGrad({ wrt: [s, m], values: [R.scalarArr(0.7), R.randArr([3, 5], rand)], out: s.mul(m).add(s), ref: (a, b) => R.add(R.mul(a!, b!), a!) });
  });

  it('a variable used several times accumulates (x*x + x, and x / (1 + x*x) * x)', () => {
    const x = T.dmatrix('x');
    const rand = R.rng(5);
    checkGrad({ wrt: [x], values: [R.randArr([3, 5], rand)], out: x.mul(x).add(x), ref: (a) => R.map(a, (v) => v * v + v) });
    checkGrad({ wrt: [x], values: [R.randArr([3, 5], rand)], out: x.div(x.mul(x).add(1)).mul(x), ref: (a) => R.map(a, (v) => (v / (v * v + 1)) * v) });
    const g = T.grad(T.sum(x.mul(x).add(x)), x);
    const xv = R.randArr([3, 5], rand);
    expectClose(
      theano.function([x], g)(toND(xv)),
      R.map(xv, (v) => 2 * v + 1),
      { rtol: 1e-15 },
    );
  });

  it('a chain of several ops with broadcasting: exp(tanh(x) * y) / (1 + sqr(x)) - log(z)', () => {
    const x = T.dmatrix('x');
    const y = T.dvector('y');
    const z = T.dmatrix('z');
    const rand = R.rng(77);
    checkGrad({
      wrt: [x, y, z],
      values: [R.randArr([3, 5], rand), R.randArr([5], rand), R.randArr([3, 1], rand, 0.5, 2)],
      out: T.exp(T.tanh(x).mul(y)).div(T.sqr(x).add(1)).sub(T.log(z)),
      ref: (a, b, c) =>
        R.sub(
          R.div(
            R.map(R.mul(R.map(a!, Math.tanh), b!), Math.exp),
            R.map(a!, (v) => 1 + v * v),
          ),
          R.map(c!, Math.log),
        ),
    });
  });

  it('pow with a constant exponent (x ** 3) and a constant base (2 ** x)', () => {
    const x = T.dmatrix('x');
    const rand = R.rng(6);
    checkGrad({ wrt: [x], values: [R.randArr([3, 5], rand, -2, 2)], out: x.pow(3), ref: (a) => R.map(a, (v) => v * v * v) });
    checkGrad({ wrt: [x], values: [R.randArr([3, 5], rand, -2, 2)], out: T.pow(2, x), ref: (a) => R.map(a, (v) => Math.pow(2, v)) });
  });

  it('float32 inputs get float32 gradients that agree with the float64 ones', () => {
    const x = T.fmatrix('x');
    const y = T.fvector('y');
    const [gx, gy] = T.grad(T.sum(T.tanh(x.mul(y))), [x, y]);
    expect(gx!.dtype).toBe('float32');
    expect(gy!.dtype).toBe('float32');
    const rand = R.rng(10);
    const xv = R.randArr([3, 5], rand);
    const yv = R.randArr([5], rand);
    const [gxv, gyv] = theano.function([x, y], [gx!, gy!])(toND(xv, 'float32'), toND(yv, 'float32'));
    // Reference from the float32-rounded inputs, in float64.
    const xr = R.map(xv, Math.fround);
    const yr = R.map(yv, Math.fround);
    const sech2 = R.zipWith([xr, yr], (a, b) => 1 - Math.tanh(a * b) ** 2);
    expectClose(gxv!, R.mul(sech2, yr), { rtol: 1e-5, atol: 1e-6 });
    expectClose(gyv!, R.sum(R.mul(sech2, xr), 0), { rtol: 1e-5, atol: 1e-6 });
  });
});

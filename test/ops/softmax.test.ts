/**
 * T.nnet.softmax, logSoftmax, categoricalCrossentropy, binaryCrossentropy, and the book's cost
 * -mean(log(softmax(x))[arange(n), y]): forward against the reference, stability, gradients.
 */
import { describe, expect, it } from 'vitest';
import * as theano from '../../src/index.js';
import { T } from '../../src/index.js';
import { checkGrad, expectClose, toND } from '../helpers/check.js';
import * as R from '../helpers/reference.js';

const { softmax, logSoftmax, categoricalCrossentropy, binaryCrossentropy } = T.nnet;

describe('softmax', () => {
  it('matches exp(x) / sum(exp(x)) per row of a 3x5 matrix; rows sum to 1', () => {
    const x = T.dmatrix('x');
    const xv = R.randArr([3, 5], R.rng(1), -3, 3);
    const out = theano.function([x], softmax(x))(toND(xv));
    const def = R.arr([3, 5]);
    for (let r = 0; r < 3; r++) {
      let s = 0;
      for (let j = 0; j < 5; j++) s += Math.exp(R.at(xv, r, j));
      for (let j = 0; j < 5; j++) def.data[r * 5 + j] = Math.exp(R.at(xv, r, j)) / s;
    }
    expectClose(out, def, { rtol: 1e-14 });
    expectClose(R.sum(R.fromNested(out.toArray() as R.NestedNum), 1), [1, 1, 1], { rtol: 1e-14 });
  });

  it('a vector is one row', () => {
    const v = T.dvector('v');
    const vv = R.randArr([5], R.rng(2), -3, 3);
    expectClose(theano.function([v], softmax(v))(toND(vv)), R.softmax(vv), { rtol: 1e-14 });
  });

  it('is stable for large inputs: rows of 1000s and -1000s', () => {
    const x = T.dmatrix('x');
    const out = theano.function(
      [x],
      softmax(x),
    )([
      [1000, 1000, 0],
      [-1000, -1000, -1000],
      [1000, 999, 998],
    ]);
    expect(out.data.every((p) => Number.isFinite(p))).toBe(true);
    const e1 = Math.exp(-1);
    const e2 = Math.exp(-2);
    expectClose(
      out,
      [
        [0.5, 0.5, 0],
        [1 / 3, 1 / 3, 1 / 3],
        [1 / (1 + e1 + e2), e1 / (1 + e1 + e2), e2 / (1 + e1 + e2)],
      ],
      { rtol: 1e-14, atol: 1e-300 },
    );
  });

  it('keeps float32', () => {
    const x = T.fmatrix('x');
    const out = theano.function([x], softmax(x))(theano.ndarray([[1, 2, 3]], undefined, 'float32'));
    expect(out.dtype).toBe('float32');
    expectClose(out, R.softmax(R.fromNested([[1, 2, 3]])), { rtol: 1e-6 });
  });

  it('rejects integer and rank-3 inputs', () => {
    expect(() => softmax(T.imatrix('i'))).toThrowError(theano.TypeMismatchError);
    expect(() => softmax(T.dtensor3('t'))).toThrowError(theano.TypeMismatchError);
  });

  it('gradient on a 3x5 matrix and on a vector', () => {
    const x = T.dmatrix('x');
    const rand = R.rng(3);
    checkGrad({ wrt: [x], values: [R.randArr([3, 5], rand, -2, 2)], out: softmax(x), ref: R.softmax });
    const v = T.dvector('v');
    checkGrad({ wrt: [v], values: [R.randArr([5], rand, -2, 2)], out: softmax(v), ref: R.softmax });
  });

  it('gradient through a layer: softmax(dot(x, W) + b) wrt W and b', () => {
    const x = T.dmatrix('x');
    const W = T.dmatrix('W');
    const b = T.dvector('b');
    const rand = R.rng(4);
    const xv = R.randArr([3, 4], rand);
    checkGrad({
      wrt: [W, b],
      values: [R.randArr([4, 5], rand), R.randArr([5], rand)],
      out: softmax(T.dot(x, W).add(b)),
      ref: (w, bb) => R.softmax(R.add(R.dot(xv, w!), bb!)),
      fixed: [[x, toND(xv)]],
    });
  });
});

describe('logSoftmax and log(softmax)', () => {
  it('logSoftmax matches x - log(sum(exp(x))) per row, on a matrix and a vector', () => {
    const x = T.dmatrix('x');
    const v = T.dvector('v');
    const rand = R.rng(5);
    const xv = R.randArr([3, 5], rand, -3, 3);
    const vv = R.randArr([5], rand, -3, 3);
    const [ox, ov] = theano.function([x, v], [logSoftmax(x), logSoftmax(v)])(toND(xv), toND(vv));
    expectClose(ox!, R.logSoftmax(xv), { rtol: 1e-13, atol: 1e-14 });
    expectClose(ov!, R.logSoftmax(vv), { rtol: 1e-13, atol: 1e-14 });
  });

  it('logSoftmax is finite for rows with a spread of 2000', () => {
    const x = T.dmatrix('x');
    const out = theano.function([x], logSoftmax(x))([[1000, 0, -1000]]);
    expectClose(out, [[0, -1000, -2000]], { rtol: 1e-15 });
  });

  it('log(softmax(x)) matches the reference for moderate inputs', () => {
    const x = T.dmatrix('x');
    const xv = R.randArr([3, 5], R.rng(6), -3, 3);
    expectClose(theano.function([x], T.log(softmax(x)))(toND(xv)), R.logSoftmax(xv), { rtol: 1e-13, atol: 1e-14 });
  });

  it('gradients of logSoftmax and of log(softmax(x))', () => {
    const x = T.dmatrix('x');
    const rand = R.rng(7);
    checkGrad({ wrt: [x], values: [R.randDistinct([3, 5], rand, 0.3)], out: logSoftmax(x), ref: R.logSoftmax });
    checkGrad({ wrt: [x], values: [R.randArr([3, 5], rand, -2, 2)], out: T.log(softmax(x)), ref: R.logSoftmax });
  });
});

describe("the book's cost: -mean(log(softmax(x))[arange(n), y])", () => {
  const nll = (p: R.Arr, labels: number[]): number => -labels.reduce((s, yv, r) => s + R.at(R.logSoftmax(p), r, yv), 0) / labels.length;

  it('forward on a 4x5 batch', () => {
    const x = T.dmatrix('x');
    const y = T.ivector('y');
    const rand = R.rng(8);
    const xv = R.randArr([4, 5], rand, -2, 2);
    const labels = [3, 0, 4, 3];
    const cost = T.neg(T.mean(T.log(softmax(x)).get(T.arange(y.shape(0)), y)));
    const out = theano.function([x, y], cost)(toND(xv), labels);
    expect(out.shape).toEqual([]);
    expect(Math.abs(out.item() - nll(xv, labels))).toBeLessThan(1e-13);
  });

  it('gradient wrt the logits, and wrt W and b of a softmax layer', () => {
    const x = T.dmatrix('x');
    const y = T.ivector('y');
    const rand = R.rng(9);
    const labels = [1, 4, 4, 0];
    checkGrad({
      wrt: [x],
      values: [R.randArr([4, 5], rand, -2, 2)],
      out: T.neg(T.mean(T.log(softmax(x)).get(T.arange(y.shape(0)), y))),
      ref: (p) => R.scalarArr(nll(p, labels)),
      fixed: [[y, labels]],
    });
    const inp = T.dmatrix('inp');
    const W = T.dmatrix('W');
    const b = T.dvector('b');
    const inpv = R.randArr([4, 3], rand);
    const p = softmax(T.dot(inp, W).add(b));
    checkGrad({
      wrt: [W, b],
      values: [R.randArr([3, 5], rand), R.randArr([5], rand)],
      out: T.neg(T.mean(T.log(p).get(T.arange(y.shape(0)), y))),
      ref: (w, bb) => R.scalarArr(nll(R.add(R.dot(inpv, w!), bb!), labels)),
      fixed: [
        [inp, toND(inpv)],
        [y, labels],
      ],
    });
  });
});

describe('cross-entropies', () => {
  it('categoricalCrossentropy with int labels is -log p[i, y_i]; with one-hot rows the same', () => {
    const p = T.dmatrix('p');
    const y = T.ivector('y');
    const t = T.dmatrix('t');
    const rand = R.rng(10);
    const pv = R.softmax(R.randArr([4, 5], rand));
    const labels = [2, 2, 0, 4];
    const onehot = R.arr([4, 5], (i) => (i % 5 === labels[Math.floor(i / 5)] ? 1 : 0));
    const [a, b] = theano.function([p, y, t], [categoricalCrossentropy(p, y), categoricalCrossentropy(p, t)])(toND(pv), labels, toND(onehot));
    const expected = labels.map((l, r) => -Math.log(R.at(pv, r, l)));
    expectClose(a!, expected, { rtol: 1e-15 });
    expectClose(b!, expected, { rtol: 1e-15 });
  });

  it('categoricalCrossentropy gradient wrt p (int labels and soft targets)', () => {
    const p = T.dmatrix('p');
    const y = T.ivector('y');
    const t = T.dmatrix('t');
    const rand = R.rng(11);
    const labels = [0, 3, 3];
    checkGrad({
      wrt: [p],
      values: [R.randArr([3, 4], rand, 0.1, 1)],
      out: categoricalCrossentropy(p, y),
      ref: (pv) => R.arr([3], (r) => -Math.log(R.at(pv, r, labels[r]!))),
      fixed: [[y, labels]],
    });
    const tv = R.softmax(R.randArr([3, 4], rand));
    checkGrad({
      wrt: [p, t],
      values: [R.randArr([3, 4], rand, 0.1, 1), tv],
      out: categoricalCrossentropy(p, t),
      ref: (pv, tt) => R.neg1(R.sum(R.mul(tt!, R.map(pv!, Math.log)), 1)),
    });
  });

  it('binaryCrossentropy forward and gradient wrt output and target', () => {
    const o = T.dmatrix('o');
    const t = T.dmatrix('t');
    const rand = R.rng(12);
    const ov = R.randArr([3, 5], rand, 0.05, 0.95);
    const tv = R.randArr([3, 5], rand, 0, 1);
    const ref = (a: R.Arr, b: R.Arr): R.Arr => R.zipWith([a, b], (p, q) => -(q * Math.log(p) + (1 - q) * Math.log(1 - p)));
    expectClose(theano.function([o, t], binaryCrossentropy(o, t))(toND(ov), toND(tv)), ref(ov, tv), { rtol: 1e-14 });
    checkGrad({ wrt: [o, t], values: [ov, tv], out: binaryCrossentropy(o, t), ref: (a, b) => ref(a!, b!) });
  });
});

/**
 * Advanced indexing x.get(intVector, ...) (repeated and negative indices, several vectors, p[arange(n), y]),
 * advanced inc/set (repeats accumulate when incrementing), errors, and gradients.
 */
import { describe, expect, it } from 'vitest';
import * as theano from '../../src/index.js';
import { T } from '../../src/index.js';
import { checkGrad, dtensor, expectClose, toND } from '../helpers/check.js';
import * as R from '../helpers/reference.js';

describe('advancedSubtensor: forward', () => {
  it('rows of a 3x5 matrix by an int vector, with repeats and negative indices', () => {
    const x = T.dmatrix('x');
    const iv = T.ivector('iv');
    const xv = R.randArr([3, 5], R.rng(1));
    const f = theano.function([x, iv], x.get(iv));
    for (const idx of [[0, 2], [2, 2, 0, 2], [-1, 0, -3], [1], []]) {
      const out = f(toND(xv), idx);
      expect(out.shape).toEqual([idx.length, 5]);
      if (idx.length) expectClose(out, R.take(xv, [idx]), { what: `x[[${idx}]]` });
    }
  });

  it('p[arange(n), y] picks one entry per row', () => {
    const p = T.dmatrix('p');
    const y = T.ivector('y');
    const pv = R.randArr([4, 5], R.rng(2));
    const labels = [3, 0, 4, 3];
    const out = theano.function([p, y], p.get(T.arange(y.shape(0)), y))(toND(pv), labels);
    expectClose(
      out,
      labels.map((l, r) => R.at(pv, r, l)),
    );
    expectClose(out, R.take(pv, [[0, 1, 2, 3], labels]));
  });

  it('two index vectors on a 2x3x4 tensor keep the trailing axis; a full slice after them is allowed', () => {
    const t = T.dtensor3('t');
    const a = T.ivector('a');
    const b = T.ivector('b');
    const tv = R.randArr([2, 3, 4], R.rng(3));
    const [o1, o2] = theano.function([t, a, b], [t.get(a, b), t.get(a, T.slice())])(toND(tv), [1, 0, 1, 1], [2, 2, -1, 0]);
    expectClose(
      o1!,
      R.take(tv, [
        [1, 0, 1, 1],
        [2, 2, -1, 0],
      ]),
    );
    expectClose(o2!, R.take(tv, [[1, 0, 1, 1]]));
  });

  it('a JS array of numbers is a constant index vector; a scalar next to a vector broadcasts', () => {
    const x = T.dmatrix('x');
    const i = T.iscalar('i');
    const iv = T.ivector('iv');
    const xv = R.randArr([3, 5], R.rng(4));
    expectClose(theano.function([x], x.get([2, 0, 2]))(toND(xv)), R.take(xv, [[2, 0, 2]]));
    expectClose(theano.function([x, i, iv], x.get(i, iv))(toND(xv), 1, [4, 0, 4]), R.take(xv, [[1], [4, 0, 4]]));
  });

  it('the static length of the result is the non-1 length when a scalar broadcasts against a vector', () => {
    const c = T.asTensor(
      theano.ndarray(
        Float64Array.from({ length: 15 }, (_, i) => i),
        [3, 5],
        'float64',
      ),
    );
    const g = c.get(1, [0, 2, 4]);
    expect(g.type.shape).toEqual([3]);
    expect(
      theano
        .function([], g.reshape([3]))()
        .toArray(),
    ).toEqual([5, 7, 9]);
    expect(T.dmatrix('x').get(1, T.ivector('iv')).type.shape).toEqual([null]);
    expect(c.get([2], [1]).type.shape).toEqual([1]);
  });

  it('a vector gathered by an int vector, and its gradient', () => {
    const v = T.dvector('v');
    const iv = T.ivector('iv');
    const rand = R.rng(14);
    const vv = R.randArr([5], rand);
    const idx = [4, -1, 0, 2, 4];
    expectClose(theano.function([v, iv], v.get(iv))(toND(vv), idx), R.take(vv, [idx]));
    checkGrad({ wrt: [v], values: [vv], out: T.exp(v.get(iv)), ref: (a) => R.map(R.take(a, [idx]), Math.exp), fixed: [[iv, idx]] });
  });

  it('keeps the dtype of x (int32)', () => {
    const m = T.imatrix('m');
    const g = m.get([1, 1]);
    expect(g.dtype).toBe('int32');
    expect(
      theano
        .function(
          [m],
          g,
        )([
          [1, 2],
          [3, 4],
        ])
        .toArray(),
    ).toEqual([
      [3, 4],
      [3, 4],
    ]);
  });
});

describe('advancedSubtensor: errors', () => {
  it('an out-of-range index names x, the axis and the bad index', () => {
    const x = T.dmatrix('x');
    const iv = T.ivector('iv');
    const f = theano.function([x, iv], x.get(iv));
    for (const bad of [[0, 3], [-4]]) {
      let msg = '';
      try {
        f(toND(R.arr([3, 5])), bad);
      } catch (e) {
        expect(e).toBeInstanceOf(theano.IndexError);
        msg = (e as Error).message;
      }
      expect(msg).toMatch(/'x'/);
      expect(msg).toContain('(3, 5)');
      expect(msg).toContain(String(bad[bad.length - 1]));
    }
  });

  it('index vectors of different lengths are an error', () => {
    const x = T.dmatrix('x');
    const a = T.ivector('a');
    const b = T.ivector('b');
    const f = theano.function([x, a, b], x.get(a, b));
    expect(() => f(toND(R.arr([3, 5])), [0, 1], [0, 1, 2])).toThrowError(theano.ShapeError);
  });

  it('float index vectors and slices that are not full after a vector are rejected', () => {
    const x = T.dmatrix('x');
    expect(() => x.get(T.dvector('f'))).toThrowError(theano.TypeMismatchError);
    expect(() => x.get(T.ivector('iv'), T.slice(1))).toThrowError(theano.TypeMismatchError);
  });
});

describe('advancedSubtensor: gradients', () => {
  it('repeated rows accumulate their gradients', () => {
    const x = T.dmatrix('x');
    const iv = T.ivector('iv');
    const idx = [2, 0, 2, 2];
    checkGrad({
      wrt: [x],
      values: [R.randArr([3, 5], R.rng(5))],
      out: T.sqr(x.get(iv)),
      ref: (a) => R.map(R.take(a, [idx]), (v) => v * v),
      fixed: [[iv, idx]],
    });
    // Hand-worked: d sum(x[[2, 0, 2, 2]]) / dx counts the picks of each row.
    const g = theano.function([x, iv], T.grad(T.sum(x.get(iv)), x))(toND(R.arr([3, 2])), idx);
    expect(g.toArray()).toEqual([
      [1, 1],
      [0, 0],
      [3, 3],
    ]);
  });

  it('p[arange(n), y] with repeated labels and a 3-d gather with two vectors', () => {
    const p = T.dmatrix('p');
    const y = T.ivector('y');
    const labels = [1, 1, 4];
    checkGrad({
      wrt: [p],
      values: [R.randArr([3, 5], R.rng(6), 0.2, 1)],
      out: T.log(p.get(T.arange(p.shape(0)), y)),
      ref: (a) => R.map(R.take(a, [[0, 1, 2], labels]), Math.log),
      fixed: [[y, labels]],
    });
    const t = T.dtensor3('t');
    const a = T.ivector('a');
    const b = T.ivector('b');
    checkGrad({
      wrt: [t],
      values: [R.randArr([2, 3, 4], R.rng(7))],
      out: t.get(a, b),
      ref: (v) =>
        R.take(v, [
          [1, 1, 0],
          [2, 2, -1],
        ]),
      fixed: [
        [a, [1, 1, 0]],
        [b, [2, 2, -1]],
      ],
    });
  });
});

for (const mode of ['set', 'inc'] as const) {
  const op = mode === 'set' ? T.setSubtensor : T.incSubtensor;
  describe(`advanced ${mode}Subtensor`, () => {
    it('forward with distinct indices and y broadcast to the selection', () => {
      const rand = R.rng(mode === 'set' ? 8 : 9);
      for (const ys of [[3, 5], [5], [], [3, 1]]) {
        const x = T.dmatrix('x');
        const iv = T.ivector('iv');
        const y = dtensor(ys.length, 'y');
        const idx = [2, -3, 1];
        const xv = R.randArr([3, 5], rand);
        const yv = R.randArr(ys, rand);
        const out = theano.function([x, iv, y], op(x.get(iv), y))(toND(xv), idx, toND(yv));
        expectClose(out, R.takeSetInc(xv, [idx], yv, mode), { what: `y ${JSON.stringify(ys)}` });
      }
    });

    it('p[arange(n), y] = / += a vector', () => {
      const p = T.dmatrix('p');
      const y = T.ivector('y');
      const v = T.dvector('v');
      const rand = R.rng(10);
      const pv = R.randArr([4, 5], rand);
      const vv = R.randArr([4], rand);
      const labels = [4, 0, 0, 2];
      const out = theano.function([p, y, v], op(p.get(T.arange(4), y), v))(toND(pv), labels, toND(vv));
      expectClose(out, R.takeSetInc(pv, [[0, 1, 2, 3], labels], vv, mode));
    });

    it('gradients wrt x and y (distinct indices)', () => {
      const x = T.dmatrix('x');
      const iv = T.ivector('iv');
      const y = T.dvector('y');
      const idx = [0, 2];
      checkGrad({
        wrt: [x, y],
        values: [R.randArr([3, 5], R.rng(11)), R.randArr([5], R.rng(12))],
        out: T.tanh(op(x.get(iv), y)),
        ref: (a, b) => R.map(R.takeSetInc(a!, [idx], b!, mode), Math.tanh),
        fixed: [[iv, idx]],
      });
    });
  });
}

describe('advanced incSubtensor with repeated indices', () => {
  it('accumulates every repeat (np.add.at), forward and gradient', () => {
    const x = T.dmatrix('x');
    const iv = T.ivector('iv');
    const y = T.dmatrix('y');
    const idx = [1, 1, 0, 1];
    const out = theano.function([x, iv, y], T.incSubtensor(x.get(iv), y))(
      [
        [0, 0],
        [10, 10],
      ],
      idx,
      [
        [1, 2],
        [3, 4],
        [5, 6],
        [7, 8],
      ],
    );
    expect(out.toArray()).toEqual([
      [5, 6],
      [21, 24],
    ]);
    const rand = R.rng(13);
    checkGrad({
      wrt: [x, y],
      values: [R.randArr([3, 5], rand), R.randArr([4, 5], rand)],
      out: T.sqr(T.incSubtensor(x.get(iv), y)),
      ref: (a, b) => R.map(R.takeSetInc(a!, [idx], b!, 'inc'), (v) => v * v),
      fixed: [[iv, idx]],
    });
  });

  it('set with repeated indices: the last write wins', () => {
    const x = T.dmatrix('x');
    const out = theano.function(
      [x],
      T.setSubtensor(
        x.get([0, 0]),
        T.asTensor(
          theano.ndarray(
            [
              [1, 2],
              [3, 4],
            ],
            undefined,
            'float64',
          ),
        ),
      ),
    )([
      [9, 9],
      [9, 9],
    ]);
    expect(out.toArray()).toEqual([
      [3, 4],
      [9, 9],
    ]);
  });
});

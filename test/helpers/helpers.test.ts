/** The references themselves, checked against hand-worked values and analytic derivatives (no tsano involved). */
import { describe, expect, it } from 'vitest';
import { numericGrad, numericGradProjected } from './numeric-grad.js';
import * as R from './reference.js';

describe('reference implementations', () => {
  it('broadcasting shapes and zipWith', () => {
    expect(R.broadcastShapes([3, 1], [1, 4])).toEqual([3, 4]);
    expect(R.broadcastShapes([5], [2, 3, 5], [])).toEqual([2, 3, 5]);
    expect(() => R.broadcastShapes([3, 5], [4])).toThrow();
    expect(R.toNested(R.add(R.fromNested([[10], [20]]), R.fromNested([[1, 2, 3]])))).toEqual([
      [11, 12, 13],
      [21, 22, 23],
    ]);
  });

  it('reductions, with NaN and ties', () => {
    const a = R.fromNested([
      [1, 5, 5],
      [7, NaN, 0],
    ]);
    expect(
      R.toNested(
        R.sum(
          R.fromNested([
            [1, 2, 3],
            [4, 5, 6],
          ]),
          0,
        ),
      ),
    ).toEqual([5, 7, 9]);
    expect(
      R.toNested(
        R.mean(
          R.fromNested([
            [1, 2, 3],
            [4, 5, 6],
          ]),
          1,
        ),
      ),
    ).toEqual([2, 5]);
    expect(R.toNested(R.max(a, 1))).toEqual([5, NaN]);
    expect(R.toNested(R.min(a, 0))).toEqual([1, NaN, 0]);
    expect(R.toNested(R.argmax(a, 1))).toEqual([1, 1]);
    expect(R.toNested(R.argmax(a))).toEqual(4);
    const t = R.arr([2, 3, 4], (i) => i);
    expect(R.toNested(R.sum(t, [0, 2]))).toEqual([0 + 1 + 2 + 3 + 12 + 13 + 14 + 15, 4 + 5 + 6 + 7 + 16 + 17 + 18 + 19, 8 + 9 + 10 + 11 + 20 + 21 + 22 + 23]);
  });

  it('dot, dimshuffle, softmax', () => {
    expect(
      R.toNested(
        R.dot(
          R.fromNested([
            [1, 2, 3],
            [4, 5, 6],
          ]),
          R.fromNested([
            [7, 8],
            [9, 10],
            [11, 12],
          ]),
        ),
      ),
    ).toEqual([
      [58, 64],
      [139, 154],
    ]);
    expect(R.toNested(R.dot(R.fromNested([1, 2]), R.fromNested([3, 4])))).toEqual(11);
    expect(
      R.toNested(
        R.dimshuffle(
          R.arr([2, 3], (i) => i),
          [1, 'x', 0],
        ),
      ),
    ).toEqual([[[0, 3]], [[1, 4]], [[2, 5]]]);
    const s = R.softmax(R.fromNested([[0, Math.log(3)]]));
    expect(s.data[0]).toBeCloseTo(0.25, 15);
    expect(s.data[1]).toBeCloseTo(0.75, 15);
  });

  it('indexing: take accumulates in takeSetInc, basicSetInc broadcasts', () => {
    const x = R.arr([3, 2]);
    expect(R.toNested(R.takeSetInc(x, [[2, 0, 2]], R.fromNested([1, 1]), 'inc'))).toEqual([
      [1, 1],
      [0, 0],
      [2, 2],
    ]);
    expect(R.toNested(R.basicSetInc(x, [{ start: 1 }], R.fromNested([5, 6]), 'set'))).toEqual([
      [0, 0],
      [5, 6],
      [5, 6],
    ]);
  });
});

describe('finite differences', () => {
  it('numericGrad matches analytic derivatives', () => {
    const x = R.fromNested([0.3, -1.2, 2]);
    const [g] = numericGrad(([a]) => a!.data.reduce((s, v) => s + Math.sin(v) * v, 0), [x]);
    x.data.forEach((v, i) => expect(Math.abs(g!.data[i]! - (Math.cos(v) * v + Math.sin(v)))).toBeLessThan(1e-9));
  });

  it('numericGradProjected matches analytic derivatives of sum(f(x) * r)', () => {
    const x = R.fromNested([
      [0.5, -0.7],
      [1.1, 0.2],
    ]);
    const r = R.fromNested([
      [1, -2],
      [0.5, 3],
    ]);
    const [g] = numericGradProjected(([a]) => R.map(a!, Math.exp), r, [x]);
    x.data.forEach((v, i) => expect(Math.abs(g!.data[i]! - r.data[i]! * Math.exp(v))).toBeLessThan(1e-9));
  });
});

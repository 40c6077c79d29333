import { describe, expect, it } from 'vitest';
import * as theano from '../../src/index.js';
import { useJsKernels } from '../helpers/check.js';
import { T, type SharedVariable, type Variable } from '../../src/index.js';

const sharedMatrix = (rows: number, cols: number, seed: number, name: string) => {
  const rng = new theano.RandomState(seed);
  return theano.shared(theano.ndarray(new Float32Array(rng.normal(0, 1, rows * cols)), [rows, cols]), { name });
};

/** One SGD step of a small softmax layer with an L2 term that reads W for the cost. */
function sgd(mode: 'FAST_RUN' | 'FAST_COMPILE' | 'DEBUG_MODE') {
  const w = sharedMatrix(6, 3, 1, 'w');
  const b = theano.shared(theano.ndarray(new Float32Array([0.1, -0.2, 0.3]), [3]), { name: 'b' });
  const x = T.matrix('x');
  const y = T.ivector('y');
  const p = T.nnet.softmax(T.dot(x, w).add(b));
  const cost = T.mean(T.log(p).get(T.arange(y.shape(0)), y))
    .neg()
    .add(w.sqr().sum().mul(0.01));
  const [gw, gb] = T.grad(cost, [w, b]);
  const f = theano.function([x, y], cost, {
    mode,
    updates: [
      [w, w.sub(gw!.mul(0.1))],
      [b, b.sub(gb!.mul(0.1))],
    ],
  });
  return { f, w, b };
}

const xs = [
  [1, 0, 0, 2, 0, 1],
  [0, 0, 3, 0, 1, 0],
];
const ys = [2, 0];

describe('updates written in place into the shared variables', () => {
  // Bit for bit holds for the JS kernels (float64 sums); the wasm kernels sum in float32 (test/codegen/wasm).
  useJsKernels();

  it("SGD's updates run in place and give bit for bit the values of the graph as written", () => {
    const fast = sgd('FAST_RUN');
    const plain = sgd('FAST_COMPILE');
    const overwritten = fast.f.kernels().flatMap((k) => (k.overwrites ? [k.overwrites] : []));
    expect(overwritten.sort()).toEqual(['b', 'w']);
    const storage = fast.w.getValue({ borrow: true }).data;
    for (let step = 0; step < 5; step++) {
      expect(fast.f(xs, ys).item()).toBe(plain.f(xs, ys).item());
      expect(Array.from(fast.w.getValue().data)).toEqual(Array.from(plain.w.getValue().data));
      expect(Array.from(fast.b.getValue().data)).toEqual(Array.from(plain.b.getValue().data));
    }
    expect(fast.w.getValue({ borrow: true }).data).toBe(storage);
  });

  it('DEBUG_MODE keeps old values until its reference has run (no update in place)', () => {
    const dbg = sgd('DEBUG_MODE');
    expect(dbg.f.kernels().some((k) => k.overwrites)).toBe(false);
    expect(() => dbg.f(xs, ys)).not.toThrow();
  });

  it('after setValue, the update goes into the new storage', () => {
    const fast = sgd('FAST_RUN');
    const plain = sgd('FAST_COMPILE');
    fast.f(xs, ys);
    plain.f(xs, ys);
    const fresh = sharedMatrix(6, 3, 9, 'fresh').getValue();
    fast.w.setValue(fresh.copy());
    plain.w.setValue(fresh.copy());
    fast.f(xs, ys);
    plain.f(xs, ys);
    expect(Array.from(fast.w.getValue().data)).toEqual(Array.from(plain.w.getValue().data));
  });

  it('updates that read each other see old values: swaps and cross sums', () => {
    const a = theano.shared(theano.ndarray([1, 2], [2], 'float64'), { name: 'a' });
    const c = theano.shared(theano.ndarray([10, 20], [2], 'float64'), { name: 'c' });
    const cross = theano.function([], [], {
      updates: [
        [a, a.add(c)],
        [c, c.add(a)],
      ] as [SharedVariable, Variable][],
    });
    cross();
    expect(Array.from(a.getValue().data)).toEqual([11, 22]);
    expect(Array.from(c.getValue().data)).toEqual([11, 22]);
    const swap = theano.function([], [], {
      updates: [
        [a, c],
        [c, a.mul(2)],
      ] as [SharedVariable, Variable][],
    });
    swap();
    expect(Array.from(a.getValue().data)).toEqual([11, 22]);
    expect(Array.from(c.getValue().data)).toEqual([22, 44]);
  });

  it('a shared variable that is also an output shows its old value', () => {
    const a = theano.shared(theano.ndarray([1, 2], [2], 'float64'), { name: 'a' });
    const f = theano.function([], [a, a.mul(3)], { updates: [[a, a.add(1)]] });
    const [old, tripled] = f();
    expect(Array.from(old!.data)).toEqual([1, 2]);
    expect(Array.from(tripled!.data)).toEqual([3, 6]);
    expect(Array.from(a.getValue().data)).toEqual([2, 3]);
  });
});

import { describe, expect, it } from 'vitest';
import * as theano from '../../src/index.js';
import { T, BackendError, type SharedVariable, type Variable } from '../../src/index.js';
import type { Op } from '../../src/ir/op.js';
import { apply1 } from '../../src/ir/op.js';
import { TensorType } from '../../src/ir/type.js';

describe('the generated driver', () => {
  it('runs the schedule from the second call of a shape signature, with the same results as the first', () => {
    const x = T.dmatrix('x');
    const w = theano.shared(
      theano.ndarray(
        [
          [1, 2],
          [3, 4],
        ],
        undefined,
        'float64',
      ),
      { name: 'w' },
    );
    const f = theano.function([x], [T.nnet.sigmoid(T.dot(x, w)).sum(), x.mul(2)], { updates: [[w, w.mul(0.5)]] });
    const g = theano.function([x], [T.nnet.sigmoid(T.dot(x, w)).sum(), x.mul(2)], { mode: 'FAST_COMPILE', noDefaultUpdates: true });
    expect(f.driverSource()).toBeUndefined();
    const a = [
      [0.5, -1],
      [2, 0.25],
    ];
    for (let call = 0; call < 4; call++) {
      const want = g(a).map((r) => Array.from(r.data));
      const got = f(a).map((r) => Array.from(r.data));
      expect(got).toEqual(want);
    }
    const src = f.driverSource()!;
    expect(src).toMatch(/^function drive\(v\) \{/);
    expect(src).toMatch(/run\[\d+\]\(i, o, nodes\[\d+\]\)/);
    expect(src.match(/run\[\d+\]\(/g)).toHaveLength(f.kernels().length);
  });

  it('handles shapes that change with values inside a signature (the last, smaller mini-batch) and new signatures', () => {
    const data = theano.shared(
      theano.ndarray(
        Array.from({ length: 25 }, (_, i) => i),
        [25],
        'float64',
      ),
      { name: 'data' },
    );
    const i = T.iscalar('i');
    const batch = data.get(T.slice(i.mul(10), i.add(1).mul(10)));
    const f = theano.function([i], batch.mul(2).add(1));
    const sizes = [0, 1, 2, 0, 2, 1, 2].map((k) => f(k).shape[0]);
    expect(sizes).toEqual([10, 10, 5, 10, 5, 10, 5]);
    expect(Array.from(f(2).data)).toEqual([41, 43, 45, 47, 49]);
    expect(f.driverSource()).toBeDefined();
  });

  it('an exception inside a kernel is still a BackendError naming the node when the driver runs', () => {
    let calls = 0;
    const flaky: Op = {
      name: 'flaky',
      inferTypes: ([a]) => [new TensorType(a!.dtype, a!.type.shape)],
      outputShapes: ([a]) => [a!.shape.slice()],
      perform: ([a], [o]) => {
        if (++calls > 2) throw new RangeError('boom');
        o!.data.set(a!.data);
      },
      grad: () => [null],
      toString: () => 'flaky',
    };
    const x = T.dvector('x');
    const f = theano.function([x], apply1(flaky, [x]));
    f([1]);
    f([1]);
    expect(f.driverSource()).toBeDefined();
    expect(() => f([1])).toThrow(BackendError);
    expect(() => f([1])).toThrow(/^flaky: the kernel failed \(RangeError: boom\); inputs 'x' \(float64 vector, shape \(1,\)\)/);
  });

  it('updates in place keep working through the driver, also after setValue', () => {
    const s = theano.shared(theano.ndarray([1, 2], [2], 'float64'), { name: 's' });
    const f = theano.function([], [], { updates: [[s, s.add(1)]] as [SharedVariable, Variable][] });
    for (let k = 0; k < 3; k++) f();
    expect(Array.from(s.getValue().data)).toEqual([4, 5]);
    s.setValue(theano.ndarray([10, 20, 30], [3], 'float64'));
    f();
    f();
    expect(Array.from(s.getValue().data)).toEqual([12, 22, 32]);
  });
});

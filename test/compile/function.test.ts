import { describe, expect, it } from 'vitest';
import * as theano from '../../src/index.js';
import { T } from '../../src/index.js';

describe('theano.function: updates', () => {
  it('computes every update from the old values, then applies them together', () => {
    const a = theano.shared(theano.ndarray([1], undefined, 'float64'), { name: 'a' });
    const b = theano.shared(theano.ndarray([10], undefined, 'float64'), { name: 'b' });
    // A swap only works if neither update sees the other's new value.
    const swap = theano.function([], [], {
      updates: [
        [a, b],
        [b, a],
      ],
    });
    swap();
    expect(a.getValue().toArray()).toEqual([10]);
    expect(b.getValue().toArray()).toEqual([1]);
    const step = theano.function([], [], {
      updates: [
        [a, a.add(b)],
        [b, a.mul(2)],
      ],
    });
    step(); // a = 10 + 1, b = 10 * 2 (old a)
    expect(a.getValue().toArray()).toEqual([11]);
    expect(b.getValue().toArray()).toEqual([20]);
  });

  it('returns outputs computed from the values before the updates', () => {
    const c = theano.shared(
      theano.ndarray(
        [
          [1, 2],
          [3, 4],
        ],
        undefined,
        'float64',
      ),
      { name: 'c' },
    );
    const inc = theano.function([], c.sum(), { updates: [[c, c.add(1)]] });
    expect(inc().item()).toBe(10);
    expect(inc().item()).toBe(14);
    expect(c.getValue().toArray()).toEqual([
      [3, 4],
      [5, 6],
    ]);
  });

  it('an output that is the shared variable itself is a snapshot, not the live storage', () => {
    const c = theano.shared(theano.ndarray([5], undefined, 'float64'), { name: 'c' });
    const f = theano.function([], c, { updates: [[c, c.mul(3)]] });
    const before = f();
    expect(before.toArray()).toEqual([5]);
    f();
    expect(before.toArray()).toEqual([5]);
    expect(c.getValue().toArray()).toEqual([45]);
  });

  it('accepts updates as a Map and a number as the new value', () => {
    const n = theano.shared(theano.ndarray(3, undefined, 'int32'), { name: 'n' });
    theano.function([], [], { updates: new Map([[n, 7]]) })();
    expect(n.getValue().item()).toBe(7);
  });

  it('getValue copies unless borrow is asked; setValue replaces', () => {
    const s = theano.shared(theano.ndarray([1, 2], undefined, 'float64'), { name: 's' });
    const copy = s.getValue();
    const live = s.getValue({ borrow: true });
    theano.function([], [], { updates: [[s, s.mul(10)]] })();
    expect(copy.toArray()).toEqual([1, 2]);
    expect(live.toArray()).toEqual([10, 20]);
    s.setValue([7, 8, 9]);
    expect(s.getValue().shape).toEqual([3]);
    expect(() => s.setValue([[1]])).toThrow(/setValue of shared variable 's'.*expected a float64 vector; got shape \(1, 1\)/);
  });
});

describe('theano.function: givens', () => {
  it('substitutes a variable by an expression of shared data before compiling', () => {
    const data = theano.shared(
      theano.ndarray(
        [
          [1, 2],
          [3, 4],
          [5, 6],
          [7, 8],
        ],
        undefined,
        'float64',
      ),
      { name: 'data' },
    );
    const x = T.dmatrix('x');
    const i = T.lscalar('i');
    const f = theano.function([i], x.sum(), { givens: [[x, data.get(T.slice(i.mul(2), i.add(1).mul(2)))]] });
    expect(f(0).item()).toBe(10);
    expect(f(1).item()).toBe(26);
    // The user's graph is unchanged: x is still free.
    expect(() => theano.function([], x.sum())).toThrow(theano.MissingInputError);
  });

  it('replaces an input by a constant value', () => {
    const x = T.dscalar('x');
    const y = T.dscalar('y');
    const f = theano.function([y], x.mul(y), { givens: [[x, 3]] });
    expect(f(2).item()).toBe(6);
  });
});

describe('theano.function: calling', () => {
  it('returns an NDArray for one output and an array for a list', () => {
    const x = T.dvector('x');
    expect(theano.function([x], x.sum())([1, 2, 3]).item()).toBe(6);
    const both = theano.function([x], [x.sum(), x.max()])([1, 5, 3]);
    expect(both.map((a) => a.item())).toEqual([9, 5]);
  });

  it('f.run answers the same values asynchronously', async () => {
    const x = T.dvector('x');
    const f = theano.function([x], x.mul(2));
    expect((await f.run([1, 2])).toArray()).toEqual([2, 4]);
  });

  it('returned arrays are not overwritten by later calls', () => {
    const x = T.dvector('x');
    const f = theano.function([x], x.mul(2));
    const first = f([1, 2]);
    f([5, 6]);
    expect(first.toArray()).toEqual([2, 4]);
  });

  it('converts numbers to a float32 input, and float64 arrays only with allowInputDowncast', () => {
    const x = T.fvector('x');
    const f = theano.function([x], x.sum());
    expect(f([0.5, 0.25]).dtype).toBe('float32');
    expect(() => f(theano.ndarray([0.1], undefined, 'float64'))).toThrow(/input 'x' \(index 0\) expects a float32 vector; got float64 values/);
    const g = theano.function([x], x.sum(), { allowInputDowncast: true });
    expect(g(theano.ndarray([0.1], undefined, 'float64')).item()).toBeCloseTo(0.1, 6);
    expect(() => f([0.1])).toThrow(/lose precision/);
    const s = T.fscalar('s');
    expect(theano.function([s], s.mul(1))(0.1).item()).toBeCloseTo(0.1, 6);
  });

  it('names the input, its index, the expected type and the shape it got', () => {
    const x = T.matrix('x');
    const f = theano.function([x], x.sum(), { name: 'f' });
    expect(() => f(new Float32Array(784))).toThrow("input 'x' (index 0) of function 'f' expects a float32 matrix; got shape [784]");
    const i = T.iscalar('i');
    const g = theano.function([i], i.mul(2));
    expect(() => g(1.5)).toThrow(/input 'i' \(index 0\) expects a int32 scalar; got float64 values \(some values are not integers/);
    expect(() => g()).toThrow(/expects 1 argument \(i\); got 0/);
  });

  it('checks known static sizes at call time', () => {
    const x = T.tensor('float64', [null, 3], 'x');
    const f = theano.function([x], x.sum());
    expect(f([[1, 2, 3]]).item()).toBe(6);
    expect(() => f([[1, 2]])).toThrow(/of shape \(\?, 3\); got shape \[1,2\]/);
  });
});

describe('theano.function: errors at compile time', () => {
  it('refuses two updates of one shared variable, naming both', () => {
    const w = theano.shared(theano.ndarray([1, 2]), { name: 'w' });
    const up1 = w.mul(2);
    up1.name = 'double';
    const up2 = w.add(1);
    up2.name = 'plusOne';
    expect(() =>
      theano.function([], [], {
        updates: [
          [w, up1],
          [w, up2],
        ],
      }),
    ).toThrow(/shared variable 'w' \(float32 vector\) is updated twice: by 'double'.* and by 'plusOne'/);
  });

  it('refuses an update of another type, naming both and the fix', () => {
    const w = theano.shared(theano.ndarray([1, 2]), { name: 'w' });
    const d = T.dvector('d');
    const bad = w.add(d); // float32 + float64 → float64
    expect(() => theano.function([d], [], { updates: [[w, bad]] })).toThrow(theano.UpdateError);
    expect(() => theano.function([d], [], { updates: [[w, bad]] })).toThrow(
      /update of shared variable 'w' \(float32 vector\) has type float64 vector.*T\.cast/,
    );
    const m = T.matrix('m');
    expect(() => theano.function([m], [], { updates: [[w, m]] })).toThrow(/must be a float32 vector/);
  });

  it('refuses an update of something that is not shared', () => {
    const x = T.vector('x');
    expect(() => theano.function([x], [], { updates: [[x, x.mul(2)]] })).toThrow(/updates must target shared variables; 'x'/);
  });

  it('refuses a given of another type', () => {
    const x = T.matrix('x');
    const y = T.dmatrix('y');
    expect(() => theano.function([y], x.sum(), { givens: [[x, y]] })).toThrow(
      /givens replaces 'x' \(float32 matrix.*by 'y' \(float64 matrix.*must be a float32 matrix/,
    );
    const v = T.vector('v');
    expect(() => theano.function([v], x.sum(), { givens: [[x, v]] })).toThrow(theano.TypeMismatchError);
  });

  it('reports a missing input by name', () => {
    const x = T.vector('x');
    const y = T.vector('y');
    expect(() => theano.function([x], x.add(y))).toThrow(/the outputs depend on 'y' \(float32 vector\), which is not among the inputs \[x\]/);
  });

  it('reports an unused input unless told to ignore or warn', () => {
    const x = T.vector('x');
    const unused = T.vector('unused');
    expect(() => theano.function([x, unused], x.sum())).toThrow(/input 1, 'unused' \(float32 vector\), is not used/);
    expect(() => theano.function([x, unused], x.sum())).toThrow(theano.UnusedInputError);
    const f = theano.function([x, unused], x.sum(), { onUnusedInput: 'ignore' });
    expect(f([1, 2], [0]).item()).toBe(3);
  });

  it('refuses shared variables, constants and computed variables as explicit inputs', () => {
    const w = theano.shared(theano.ndarray([1]), { name: 'w' });
    expect(() => theano.function([w], w.sum())).toThrow(/is a shared variable/);
    const x = T.vector('x');
    expect(() => theano.function([x.mul(2)], x.sum())).toThrow(/is computed by other variables/);
    expect(() => theano.function([x, x], x.sum())).toThrow(/listed twice/);
  });
});

describe('theano.function: buffers', () => {
  it('reuses its intermediate buffers across calls with the same shapes', () => {
    const x = T.dmatrix('x');
    const f = theano.function([x], x.mul(2).add(1).sum());
    f([[1, 2]]);
    const kernelsBefore = f.kernels().length;
    expect(f([[3, 4]]).item()).toBe(16);
    expect(f([[1, 2, 3]]).item()).toBe(15); // another shape: new buffers, still right
    expect(f.kernels().length).toBe(kernelsBefore);
  });
});

describe('theano.function: profile mode', () => {
  it('counts calls and time per kernel', () => {
    const x = T.dmatrix('x');
    const f = theano.function([x], T.dot(x, x.T).sum(), { profile: true });
    for (let i = 0; i < 3; i++)
      f([
        [1, 2],
        [3, 4],
      ]);
    const p = f.profile();
    expect(p.kernels.map((k) => k.calls)).toEqual(p.kernels.map(() => 3));
    expect(p.kernels.map((k) => k.name).sort()).toEqual(['gemm{transB=true}', 'sum{axis=(0,1)}']);
    expect(p.totalMs).toBeGreaterThan(0);
    expect(String(p)).toMatch(/share .* kernel\n/);
    expect(() => theano.function([x], x.sum()).profile()).toThrow(/not compiled with \{ profile: true \}/);
  });
});

describe('theano.function: DEBUG_MODE', () => {
  it('runs the optimised graph and checks it against the graph as written', () => {
    const x = T.dmatrix('x');
    const out = T.nnet.sigmoid(x.mul(1).add(0)).sum();
    const f = theano.function([x], out, { mode: 'DEBUG_MODE' });
    expect(f.fgraph.toposort().length).toBeLessThan(4);
    expect(f([[0, 0]]).item()).toBe(1);
  });

  it('reports a rewrite that changes values, naming the output and the element', async () => {
    const { canonicalizeRules } = await import('../../src/passes/canonicalize.js');
    const rules = canonicalizeRules as unknown as {
      name: string;
      tracks: string[];
      doc: string;
      tags: string[];
      rewrite: (n: { inputs: theano.Variable[] }) => theano.Variable[] | null;
    }[];
    const wrong = {
      name: 'wrongNeg',
      doc: '-x -> x (wrong on purpose)',
      tags: ['canonicalize'],
      tracks: ['neg'],
      rewrite: (n: { inputs: theano.Variable[] }) => [n.inputs[0]!],
    };
    rules.push(wrong);
    try {
      const x = T.dvector('x');
      const y = x.neg();
      y.name = 'negated';
      const f = theano.function([x], y, { mode: 'DEBUG_MODE' });
      expect(() => f([1, 2])).toThrow(/DEBUG_MODE: 'negated' differs: element 0 is 1 but -1 as written .* after optimisation/);
      // Inside a larger graph, the report also names the first kernel whose result differs, and where it was made.
      const logits = T.exp(x).neg();
      const probs = T.nnet.softmax(logits);
      probs.name = 'probs';
      const out = T.sum(probs.mul(T.arange(2)));
      out.name = 'out';
      const g = theano.function([x], out, { mode: 'DEBUG_MODE' });
      expect(() => g([0.5, 1.5])).toThrow(
        /^DEBUG_MODE: 'out' differs: .* The first kernel that differs is softmax computing 'probs': it differs: element 0 is .* Created at test\/compile\/function\.test\.ts:\d+\./,
      );
    } finally {
      rules.pop();
    }
  });
});

describe('theano.function: shape signatures', () => {
  it('keeps one set of buffers per input-shape signature, so alternating batch sizes stay right', () => {
    const x = T.dmatrix('x');
    const f = theano.function([x], x.mul(2).sum(1));
    for (let k = 0; k < 3; k++) {
      expect(
        f([
          [1, 2],
          [3, 4],
        ]).toArray(),
      ).toEqual([6, 14]);
      expect(f([[5, 6]]).toArray()).toEqual([22]);
    }
  });
});

describe('theano.function: memory planning', () => {
  it('reuses the buffers of dead intermediates and computes the same values', async () => {
    const { ReferenceCpuBackend } = await import('../../src/codegen/cpu/reference-backend.js');
    const x = T.dmatrix('x');
    // A chain of non-fusable steps: each intermediate dies when the next one is made.
    let v = x;
    for (let k = 0; k < 6; k++) v = T.dot(v, x).mul(0.5).T;
    const out = v.sum();
    const f = theano.function([x], out);
    const plain = theano.function([x], out, { mode: 'FAST_COMPILE' });
    const a = [
      [0.1, 0.2],
      [0.3, 0.4],
    ];
    expect(f(a).item()).toBeCloseTo(plain(a).item(), 12);
    expect(f(a).item()).toBeCloseTo(plain(a).item(), 12); // second call reuses the plan
    const exe = new ReferenceCpuBackend().prepare(f.fgraph) as unknown as {
      run: (l: (v: theano.Variable) => theano.NDArray) => theano.NDArray[];
      bufferCounts(): number[];
    };
    exe.run((leaf) =>
      'value' in leaf && leaf.owner === null && leaf !== x ? (leaf as unknown as { value: theano.NDArray }).value : theano.ndarray(a, undefined, 'float64'),
    );
    const intermediates = f.fgraph.toposort().length;
    expect(exe.bufferCounts()[0]).toBeLessThan(intermediates / 2);
  });
});

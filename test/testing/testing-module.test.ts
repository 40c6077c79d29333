/** tsano/testing: its arbitraries, the random-graph generator and its shrinking, checkGrad and findKink. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as theano from '../../src/index.js';
import { T, GradientError } from '../../src/index.js';
import {
  broadcastShapesArb,
  checkGrad,
  checkGraphGrad,
  dtypeArb,
  findKink,
  gradProperty,
  graphArb,
  graphCase,
  ndarrayArb,
  shapeArb,
  type GradPropertyStats,
} from '../../src/testing/index.js';
import { badSin } from '../props/planted-ops.js';

const sample = <T>(arb: fc.Arbitrary<T>, n = 200): T[] => fc.sample(arb, { seed: 1, numRuns: n });

describe('arbitraries', () => {
  it('dtypeArb draws float dtypes, or all with { all: true }', () => {
    expect(new Set(sample(dtypeArb()))).toEqual(new Set(['float32', 'float64']));
    expect(new Set(sample(dtypeArb({ all: true })))).toEqual(new Set(['float32', 'float64', 'int32', 'uint8', 'bool']));
  });

  it('shapeArb keeps to its bounds and draws broadcastable (length-1) axes', () => {
    const shapes = sample(shapeArb({ minRank: 1, maxRank: 3, maxDim: 5, broadcastable: 0.3 }));
    for (const s of shapes) {
      expect(s.length).toBeGreaterThanOrEqual(1);
      expect(s.length).toBeLessThanOrEqual(3);
      for (const d of s) expect(d >= 1 && d <= 5).toBe(true);
    }
    expect(shapes.flat().filter((d) => d === 1).length).toBeGreaterThan(shapes.flat().length * 0.2);
  });

  it('broadcastShapesArb gives shapes that broadcast to the stated result (tsano agrees)', () => {
    for (const { shapes, result } of sample(broadcastShapesArb(3), 50)) {
      const vars = shapes.map((s) => T.tensor('float64', s.length));
      const out = theano.function(
        vars,
        T.add(T.add(vars[0]!, vars[1]!), vars[2]!),
      )(...shapes.map((s) => theano.ndarray(new Float64Array(s.reduce((a, b) => a * b, 1)), s, 'float64')));
      expect(out.shape).toEqual(result);
    }
  });

  it('ndarrayArb values are away from 0 and pairwise distinct, in the asked dtype', () => {
    for (const a of sample(ndarrayArb(shapeArb({ maxRank: 3, maxDim: 5 }), { dtype: 'float32' }), 100)) {
      expect(a.dtype).toBe('float32');
      const values = Array.from(a.data);
      for (const v of values) expect(Math.abs(v) >= 0.25 - 1e-7 && Math.abs(v) <= 1.5 + 1e-7).toBe(true);
      expect(new Set(values.map(Math.abs)).size).toBe(values.length);
    }
    const pos = sample(ndarrayArb([4, 4], { signed: false, min: 1, max: 2 }), 20);
    for (const a of pos) for (const v of a.data) expect(v >= 1 && v <= 2).toBe(true);
  });
});

describe('graphArb', () => {
  it('draws well-typed graphs within the bounds that compile and run', () => {
    const cases = sample(graphArb({ maxNodes: 6, maxInputs: 2 }), 150);
    const ops = new Set<string>();
    for (const c of cases) {
      expect(c.size).toBeLessThanOrEqual(6);
      expect(c.shapes.length).toBeLessThanOrEqual(2);
      const b = c.build();
      const out = theano.function(b.inputs, b.output, { onUnusedInput: 'ignore', mode: 'FAST_COMPILE' })(...b.points);
      expect(out.dtype).toBe('float64');
      const walk = (r: typeof c.recipe): void => {
        ops.add(r.op);
        r.args.forEach(walk);
      };
      walk(c.recipe);
    }
    // Every family shows up in 150 graphs.
    for (const name of ['tanh', 'sum', 'reshape', 'dimshuffle', 'subtensor', 'dot', 'softmax', 'conv2d', 'pool2d', 'maximum']) expect(ops).toContain(name);
  });

  it('shrinks to valid, smaller graphs', () => {
    const arb = graphArb();
    const [value] = fc.sample(arb, { seed: 3, numRuns: 1 });
    let candidates = 0;
    for (const v of arb.shrink(value!, undefined).take(60)) {
      const c = v.value;
      expect(c.size <= value!.size).toBe(true);
      const b = c.build();
      theano.function(b.inputs, b.output, { onUnusedInput: 'ignore', mode: 'FAST_COMPILE' })(...b.points);
      candidates++;
    }
    expect(candidates).toBeGreaterThan(0);
  });

  it('a graph prints as its inputs, seed and pp; graphCase replays a recipe', () => {
    const c = graphCase([[2, 3]], { op: 'tanh', p: 0, args: [{ op: 'sum', p: 1, args: [{ op: 'input', p: 0, args: [] }] }] }, { seed: 5 });
    expect(String(c)).toBe('graph with x0: float64 (2, 3); value seed 5:\n    tanh(sum{axis=(1)}(x0))');
    expect(fc.stringify(c)).toBe(String(c));
    expect(checkGraphGrad(c).status).toBe('passed');
  });
});

describe('checkGrad', () => {
  it('passes correct gradients and returns the verifyGrad report', () => {
    const r = checkGrad(
      (x, w) => T.nnet.softmax(T.dot(x, w!)),
      [
        [
          [0.5, -1],
          [1.5, 0.3],
        ],
        [
          [0.2, 0.7, -0.4],
          [1, -0.6, 0.1],
        ],
      ],
    );
    expect(r.status).toBe('passed');
    if (r.status === 'passed') expect(r.report.worst!.absErr).toBeLessThan(1e-4);
  });

  it('skips points on kinks and ties instead of failing', () => {
    const kinked = checkGrad((x) => T.nnet.relu(T.sub(x, 0.5)), [[0.5, 1]]);
    expect(kinked).toEqual({ status: 'skipped', reason: expect.stringMatching(/^relu.*smallest \|input\| is 0/) });
    expect(checkGrad((x) => T.maximum(x, x), [[0.5, 1]]).status).toBe('skipped');
    // A max over a broadcast copy: a structural tie (tsano sends the gradient to both copies, as Theano).
    const tie = checkGrad((x) => T.max(T.mul(x.dimshuffle(0, 'x'), [[1, 1]]), 1), [[0.5, 1]]);
    expect(tie.status).toBe('skipped');
    expect(checkGrad((x) => T.exp(T.mul(x, 1000)), [[1, 2]])).toEqual({ status: 'skipped', reason: expect.stringMatching(/the output has Infinity/) });
  });

  it('a failure is a GradientError that names the input and prints the graph', () => {
    expect(() =>
      checkGrad(
        (x, y) => T.mul(badSin(x), y!),
        [
          [0.5, 1],
          [2, 3],
        ],
        { names: ['angle', 'scale'] },
      ),
    ).toThrow(GradientError);
    expect(() =>
      checkGrad(
        (x, y) => T.mul(badSin(x), y!),
        [
          [0.5, 1],
          [2, 3],
        ],
        { names: ['angle', 'scale'] },
      ),
    ).toThrow(/input 0 of 2 'angle' .*\n  graph: \(badSin\(angle\) \* scale\)/);
  });

  it('gradProperty counts checked and skipped graphs', () => {
    const stats: GradPropertyStats = { checked: 0, skipped: 0, reasons: [] };
    fc.assert(gradProperty(graphArb({ maxNodes: 4 }), {}, stats), { seed: 2, numRuns: 30 });
    expect(stats.checked).toBe(30);
    expect(stats.reasons.length).toBe(stats.skipped);
  });
});

describe('findKink', () => {
  it('finds max-pooling windows with tied or nearly tied maxima', () => {
    const x = T.dmatrix('x');
    const out = T.signal.maxPool2d(x, { ws: [2, 2] });
    const distinct = theano.ndarray(
      [
        [1, 2],
        [3, 4],
      ],
      [2, 2],
      'float64',
    );
    const tied = theano.ndarray(
      [
        [4, 2],
        [3, 4],
      ],
      [2, 2],
      'float64',
    );
    const near = theano.ndarray(
      [
        [4, 2],
        [3, 4 + 1e-6],
      ],
      [2, 2],
      'float64',
    );
    expect(findKink(out, [x], [distinct], 1e-4)).toBeNull();
    expect(findKink(out, [x], [tied], 1e-4)).toMatch(/tied maxima \(2 winners for 1 windows\)/);
    expect(findKink(out, [x], [near], 1e-4)).toMatch(/runner-up within 0.0001/);
    // Other modes have no ties to worry about.
    expect(findKink(T.signal.maxPool2d(x, { ws: [2, 2], mode: 'sum' }), [x], [tied], 1e-4)).toBeNull();
  });

  it('finds ties in max and min reductions along the reduced axes only', () => {
    const x = T.dmatrix('x');
    const v = theano.ndarray(
      [
        [1, 1],
        [2, 3],
      ],
      [2, 2],
      'float64',
    );
    expect(findKink(T.max(x, 1), [x], [v], 1e-4)).toMatch(/a tie/);
    expect(findKink(T.max(x, 0), [x], [v], 1e-4)).toBeNull();
    expect(findKink(T.min(x, 1), [x], [v], 1e-4)).toMatch(/a tie/);
    expect(findKink(T.min(x), [x], [v], 1e-4)).toMatch(/a tie/);
  });
});

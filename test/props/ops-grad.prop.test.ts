/**
 * Property: every differentiable op's gradient matches finite differences (float64, verifyGrad's method) on
 * random shapes and values, with each op's options drawn too. Part one takes each op of the random-graph
 * generator alone; part two the ops as users call them, with their domains and all their options; part three
 * second derivatives; part four float32 with its own tolerances.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as theano from '../../src/index.js';
import { T } from '../../src/index.js';
import type { Variable, NDArray } from '../../src/index.js';
import { checkGrad, checkGraphGrad, defaultGraphOps, graphCase, shapeArb, valuesAwayFromKinks, type ValueOptions } from '../../src/testing/index.js';
import { assertProperty } from './config.js';

const seedArb = fc.integer({ min: 0, max: 0x3fffffff });

describe('property: each op of the graph generator, alone, on random shapes and parameters', () => {
  for (const op of defaultGraphOps) {
    it(op.name, () => {
      const shapes = fc.array(shapeArb({ maxRank: 4, maxDim: 4 }), { minLength: op.arity, maxLength: op.arity });
      assertProperty(
        fc.property(shapes, fc.nat({ max: 0xffff }), seedArb, (ss, p, seed) => {
          const leaves = ss.map((_, i) => ({ op: 'input', p: i, args: [] }));
          const c = graphCase(ss, { op: op.name, p, args: leaves }, { seed });
          const r = checkGraphGrad(c);
          // Single ops on distinct values away from 0 meet no kink, except maximum(x, x)-like structure.
          if (r.status === 'skipped') expect(r.reason).toMatch(/tie|closer/);
        }),
        12,
      );
    });
  }
});

interface OpCase {
  name: string;
  /** Shapes of the float inputs, and a parameter for the op's options. */
  args: fc.Arbitrary<{ shapes: number[][]; p: number }>;
  /** Value ranges per input (default: magnitudes in [0.25, 1.5], both signs). */
  values?: (ValueOptions | undefined)[];
  fun: (p: number, shapes: number[][]) => (...xs: Variable[]) => Variable;
  runs?: number;
}

const shapesOf = (...arbs: fc.Arbitrary<number[]>[]) => fc.record({ shapes: fc.tuple(...arbs).map((t) => t as number[][]), p: fc.nat({ max: 0xffff }) });
const anyShape = shapeArb({ maxRank: 3, maxDim: 4 });
const positive: ValueOptions = { signed: false };
const dim = fc.integer({ min: 1, max: 4 });
const vec = dim.map((n) => [n]);
const mat = fc.tuple(dim, dim).map(([a, b]) => [a, b]);
/** Two matrices (m, k) and (k, n). */
const chained = fc.tuple(dim, dim, dim).map(([m, k, n]) => ({
  shapes: [
    [m, k],
    [k, n],
  ],
  p: 0,
}));

const unaryCases: [string, (x: Variable) => Variable, ValueOptions?][] = [
  ['neg', T.neg],
  ['exp', T.exp],
  ['log', T.log, positive],
  ['log1p', T.log1p, positive],
  ['sqrt', T.sqrt, positive],
  ['sqr', T.sqr],
  ['abs', T.abs],
  ['sgn', T.sgn],
  ['tanh', T.tanh],
  ['sigmoid', T.nnet.sigmoid],
  ['softplus', T.nnet.softplus],
  ['relu', (x) => T.nnet.relu(x)],
  ['leaky relu', (x) => T.nnet.relu(x, 0.1)],
  ['clip', (x) => T.clip(x, -0.7, 0.9)],
  ['x ** 3', (x) => T.pow(x, 3)],
  ['mean(x)', (x) => T.mean(x)],
  ['transpose', (x) => x.T],
];

const cases: OpCase[] = [
  ...unaryCases.map(([name, f, v]): OpCase => ({ name, args: shapesOf(anyShape), values: [v], fun: () => f, runs: 8 })),
  ...(
    [
      ['add', T.add],
      ['sub', T.sub],
      ['mul', T.mul],
      ['div', T.div],
      ['maximum', T.maximum],
      ['minimum', T.minimum],
    ] as const
  ).map(([name, f]): OpCase => ({ name: `${name} (same shapes)`, args: anyShape.map((s) => ({ shapes: [s, s], p: 0 })), fun: () => f, runs: 8 })),
  { name: 'pow with a positive base', args: anyShape.map((s) => ({ shapes: [s, s], p: 0 })), values: [positive], fun: () => T.pow },
  { name: 'switch(x > y, x, y * 2)', args: anyShape.map((s) => ({ shapes: [s, s], p: 0 })), fun: () => (x, y) => T.switch(T.gt(x!, y!), x!, T.mul(y!, 2)) },
  {
    name: 'clip with tensor bounds',
    args: anyShape.map((s) => ({ shapes: [s, s, s], p: 0 })),
    values: [undefined, { min: 2, max: 3, signed: false }],
    fun: () => (x, lo, hi) => T.clip(x!, T.neg(lo!), T.add(hi!, 0)),
  },
  {
    name: 'sum / mean / max / min over random axes',
    args: shapesOf(shapeArb({ minRank: 1, maxRank: 4, maxDim: 3 })),
    fun: (p, [s]) => {
      const r = s!.length;
      const axes = Array.from({ length: r }, (_, a) => a).filter((a) => (p >> a) & 1);
      const which = [T.sum, T.mean, T.max, T.min][(p >> 8) % 4]!;
      return (x) => which(x, axes.length ? axes : undefined);
    },
    runs: 20,
  },
  { name: 'dot vector · vector', args: vec.map((v) => ({ shapes: [v, v], p: 0 })), fun: () => T.dot },
  { name: 'dot matrix · vector', args: fc.tuple(dim, dim).map(([m, k]) => ({ shapes: [[m, k], [k]], p: 0 })), fun: () => T.dot },
  { name: 'dot vector · matrix', args: fc.tuple(dim, dim).map(([k, n]) => ({ shapes: [[k], [k, n]], p: 0 })), fun: () => T.dot },
  { name: 'dot matrix · matrix', args: chained, fun: () => T.dot },
  { name: 'outer', args: fc.tuple(vec, vec).map(([a, b]) => ({ shapes: [a, b], p: 0 })), fun: () => T.outer },
  {
    name: 'reshape (with -1) and flatten(ndim)',
    args: shapesOf(shapeArb({ minRank: 1, maxRank: 4, maxDim: 3 })),
    fun:
      (p, [s]) =>
      (x) => {
        const n = s!.reduce((a, b) => a * b, 1);
        return p % 2 ? T.reshape(x, [n === 0 ? 0 : 1, -1]) : T.flatten(x, 1 + ((p >> 1) % s!.length));
      },
  },
  {
    name: 'dimshuffle (permutation with broadcastable axes added)',
    args: shapesOf(shapeArb({ minRank: 1, maxRank: 3, maxDim: 3 })),
    fun:
      (p, [s]) =>
      (x) => {
        const perm: (number | 'x')[] = s!.map((_, i) => i).sort((a, b) => ((p >> (3 * a)) & 7) - ((p >> (3 * b)) & 7) || a - b);
        perm.splice(p % (perm.length + 1), 0, 'x');
        return T.tanh(T.dimshuffle(x, ...perm)).mul(x.sum());
      },
  },
  {
    name: 'basic indexing x[i, a:b:c] (negative steps too)',
    args: shapesOf(shapeArb({ minRank: 2, maxRank: 3, minDim: 2, maxDim: 4 })),
    fun:
      (p, [s]) =>
      (x) => {
        const i = p % s![0]!;
        const step = [1, 2, -1][(p >> 4) % 3]!;
        const start = step > 0 ? (p >> 6) % s![1]! : s![1]! - 1;
        return x.get(i - (p & 8 ? s![0]! : 0), T.slice(start, null, step));
      },
  },
  {
    name: 'advanced indexing with repeated indices',
    args: shapesOf(shapeArb({ minRank: 1, maxRank: 3, minDim: 1, maxDim: 4 })),
    fun:
      (p, [s]) =>
      (x) =>
        x.get(Array.from({ length: 1 + (p % 5) }, (_, k) => (p >> (2 * k)) % s![0]!)),
  },
  {
    name: 'setSubtensor and incSubtensor (both operands)',
    args: fc.tuple(shapeArb({ minRank: 1, maxRank: 3, minDim: 2, maxDim: 4 }), fc.nat({ max: 0xffff })).map(([s, p]) => {
      const start = p % s[0]!;
      const stop = start + 1 + ((p >> 4) % (s[0]! - start));
      return { shapes: [s, [stop - start, ...s.slice(1)]], p };
    }),
    fun:
      (p, [s, r]) =>
      (x, y) => {
        const start = p % s![0]!;
        const region = x.get(T.slice(start, start + r![0]!));
        return (p >> 8) % 2 ? T.setSubtensor(region, T.tanh(y!)) : T.incSubtensor(region, y!.mul(2));
      },
  },
  {
    name: 'incSubtensor of advanced indexing (repeated rows add up)',
    args: fc.tuple(dim, dim).map(([n, m]) => ({
      shapes: [
        [n, m],
        [3, m],
      ],
      p: n,
    })),
    fun: (n) => (x, y) => T.incSubtensor(x.get([0, n - 1, 0]), y!),
  },
  {
    name: 'softmax and logSoftmax (vector and matrix)',
    args: shapesOf(fc.oneof(vec, mat)),
    fun: (p) => (p % 2 ? T.nnet.softmax : T.nnet.logSoftmax),
  },
  {
    name: 'categoricalCrossentropy of a softmax with int labels and one-hot rows',
    args: fc.tuple(dim, fc.integer({ min: 2, max: 4 })).map(([n, k]) => ({ shapes: [[n, k]], p: n * 7 + k })),
    fun:
      (p, [s]) =>
      (x) => {
        const [n, k] = s as [number, number];
        const labels = Array.from({ length: n }, (_, i) => (p + i) % k);
        if (p % 2) return T.nnet.categoricalCrossentropy(T.nnet.softmax(x), theano.ndarray(labels, [n], 'int32'));
        const onehot = theano.ndarray(
          labels.flatMap((l) => Array.from({ length: k }, (_, j) => (j === l ? 1 : 0))),
          [n, k],
          'float64',
        );
        return T.nnet.categoricalCrossentropy(T.nnet.softmax(x), onehot);
      },
  },
  {
    name: 'binaryCrossentropy of a sigmoid',
    args: shapesOf(anyShape),
    fun:
      (p, [s]) =>
      (x) => {
        const n = s!.reduce((a, b) => a * b, 1);
        const targets = theano.ndarray(
          Array.from({ length: n }, (_, i) => ((p + 3 * i) % 9) / 10 + 0.05),
          s!,
          'float64',
        );
        return T.nnet.binaryCrossentropy(T.nnet.sigmoid(x), targets);
      },
  },
  {
    name: 'conv2d: every border mode, stride and flip (input and filters)',
    args: fc
      .record({
        b: fc.integer({ min: 1, max: 2 }),
        c: fc.integer({ min: 1, max: 2 }),
        h: fc.integer({ min: 3, max: 5 }),
        w: fc.integer({ min: 3, max: 5 }),
        o: fc.integer({ min: 1, max: 2 }),
        fh: fc.integer({ min: 1, max: 3 }),
        fw: fc.integer({ min: 1, max: 3 }),
        p: fc.nat({ max: 0xffff }),
      })
      .map(({ b, c, h, w, o, fh, fw, p }) => ({
        shapes: [
          [b, c, h, w],
          [o, c, fh, fw],
        ],
        p,
      })),
    fun: (p) => (x, f) => {
      const borderMode = (['valid', 'full', 'half', [1, 0]] as const)[p % 4]!;
      return T.nnet.conv2d(x, f!, { borderMode, subsample: [1 + ((p >> 2) & 1), 1 + ((p >> 3) & 1)], filterFlip: ((p >> 4) & 1) === 0 });
    },
    runs: 16,
  },
  {
    name: 'pooling: every mode, window, stride, padding and border rule',
    args: fc
      .record({ lead: shapeArb({ maxRank: 2, maxDim: 2 }), h: fc.integer({ min: 2, max: 5 }), w: fc.integer({ min: 2, max: 5 }), p: fc.nat({ max: 0xffff }) })
      .map(({ lead, h, w, p }) => ({ shapes: [[...lead, h, w]], p })),
    fun:
      (p, [s]) =>
      (x) => {
        const h = s![s!.length - 2]!;
        const w = s![s!.length - 1]!;
        const mode = (['max', 'sum', 'averageIncPad', 'averageExcPad', 'l2'] as const)[p % 5]!;
        const ws: [number, number] = [1 + ((p >> 3) % Math.min(3, h)), 1 + ((p >> 5) % Math.min(3, w))];
        const ignoreBorder = ((p >> 7) & 1) === 1;
        const stride: [number, number] = (p >> 8) & 1 ? [1, 1] : [ws[0], Math.max(1, ws[1] - 1)];
        const pad: [number, number] = ignoreBorder && (p >> 9) & 1 ? [ws[0] - 1, Math.min(1, ws[1] - 1)] : [0, 0];
        return T.signal.maxPool2d(x, { ws, stride, pad, ignoreBorder, mode });
      },
    runs: 25,
  },
];

describe('property: each op as users call it, across random shapes and options (float64)', () => {
  for (const c of cases) {
    it(c.name, () => {
      assertProperty(
        fc.property(c.args, seedArb, ({ shapes, p }, seed) => {
          const points: NDArray[] = shapes.map((s, i) => valuesAwayFromKinks(s, seed + 31 * i, c.values?.[i]));
          const r = checkGrad(c.fun(p, shapes), points);
          if (r.status === 'skipped') expect(r.reason).toMatch(/tie|closer/);
        }),
        c.runs ?? 10,
      );
    });
  }
});

describe('property: second derivatives (the gradient of the gradient) match finite differences', () => {
  const seconds: [string, (x: Variable, w: Variable) => Variable, fc.Arbitrary<number[][]>][] = [
    ['elementwise chain', (x, w) => T.sum(T.mul(T.tanh(x), T.exp(T.mul(w, x)))), anyShape.map((s) => [s, s])],
    ['softmax', (x, w) => T.sum(T.mul(T.nnet.softmax(x), w)), mat.map((s) => [s, s])],
    ['dot', (x, w) => T.sum(T.sqr(T.dot(x, w))), chained.map((c) => c.shapes)],
    [
      'conv2d',
      (x, w) => T.sum(T.sqr(T.nnet.conv2d(x, w))),
      fc.tuple(fc.integer({ min: 3, max: 4 }), fc.integer({ min: 1, max: 2 })).map(([h, f]) => [
        [1, 1, h, h],
        [1, 1, f, f],
      ]),
    ],
    [
      'max pooling',
      (x, w) => T.sum(T.sqr(T.signal.maxPool2d(T.mul(x, w), { ws: [2, 2] }))),
      fc.tuple(fc.integer({ min: 2, max: 4 }), fc.integer({ min: 2, max: 4 })).map(([h, w]) => [
        [h, w],
        [h, w],
      ]),
    ],
  ];
  for (const [name, cost, shapes] of seconds) {
    it(name, () => {
      assertProperty(
        fc.property(shapes, seedArb, (ss, seed) => {
          const points = ss.map((s, i) => valuesAwayFromKinks(s, seed + i));
          const r = checkGrad((x, w) => T.grad(cost(x, w!), x), points);
          if (r.status === 'skipped') expect(r.reason).toMatch(/tie|closer/);
        }),
        6,
      );
    });
  }
});

describe('property: float32 gradients within float32 tolerances (eps 3e-4, tolerance 1e-2)', () => {
  const f32: [string, (x: Variable, y: Variable) => Variable][] = [
    ['tanh(x) * y', (x, y) => T.mul(T.tanh(x), y)],
    ['softmax(x * y)', (x, y) => T.nnet.softmax(T.mul(x, y))],
    ['dot(x, y.T)', (x, y) => T.dot(x, y.T)],
    ['float32 into float64 (cast)', (x, y) => T.mul(T.cast(x, 'float64'), T.cast(y, 'float64'))],
  ];
  for (const [name, f] of f32) {
    it(name, () => {
      assertProperty(
        fc.property(mat, seedArb, (s, seed) => {
          const points = [0, 1].map((i) => valuesAwayFromKinks(s, seed + i, { dtype: 'float32' }));
          const r = checkGrad(f, points);
          expect(r.status).toBe('passed');
        }),
        6,
      );
    });
  }
});

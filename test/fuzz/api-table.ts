/**
 * The public API as a table the fuzzer draws calls from. Each entry draws its arguments as plain data: `{ t: k }`
 * refers to a tensor of the case's pool (inputs and earlier results), `{ n: desc }` makes a new symbolic input,
 * `{ sl: [a, b, c] }` a T.slice, `{ l: [...] }` a list, `{ v: x }` passes x as it is (numbers, arrays, options, hostile junk).
 */
import fc from 'fast-check';
import * as theano from '../../src/index.js';
import { T } from '../../src/index.js';
import { badNumberArb, dtypeArb, hostileArb, varDescArb, type VarDesc } from './arbitraries.js';

export type ArgSpec = { t: number } | { n: VarDesc } | { sl: ArgSpec[] } | { l: ArgSpec[] } | { v: unknown };

export interface ApiEntry {
  name: string;
  args: fc.Arbitrary<ArgSpec[]>;
  call(args: unknown[]): unknown;
}

const ref = fc.nat({ max: 7 }).map((t): ArgSpec => ({ t }));
const lit = <V>(a: fc.Arbitrary<V>): fc.Arbitrary<ArgSpec> => a.map((v): ArgSpec => ({ v }));
const hostile = lit(hostileArb);
const smallNumber = lit(fc.oneof(fc.integer({ min: -3, max: 3 }), fc.double({ min: -3, max: 3, noNaN: true })));
const nested = lit(
  fc.oneof(
    fc.array(fc.integer({ min: -3, max: 3 }), { maxLength: 3 }),
    fc.array(fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: 2, maxLength: 2 }), { minLength: 1, maxLength: 3 }),
  ),
);
const intScalarVar: fc.Arbitrary<ArgSpec> = fc.constantFrom<ArgSpec>({ n: { dtype: 'int32', shape: [] } }, { n: { dtype: 'uint8', shape: [] } });

/** Mostly a pool tensor; sometimes a number, a nested array or junk. */
export const tensorArg: fc.Arbitrary<ArgSpec> = fc.oneof(
  { arbitrary: ref, weight: 10 },
  { arbitrary: smallNumber, weight: 2 },
  { arbitrary: nested, weight: 1 },
  { arbitrary: hostile, weight: 1 },
);
/** An integer (axis, index, size): mostly small, sometimes symbolic, bad or junk. */
export const intArg: fc.Arbitrary<ArgSpec> = fc.oneof(
  { arbitrary: lit(fc.integer({ min: -4, max: 4 })), weight: 10 },
  { arbitrary: intScalarVar, weight: 2 },
  { arbitrary: lit(badNumberArb), weight: 1 },
  { arbitrary: hostile, weight: 1 },
  { arbitrary: fc.constantFrom<ArgSpec>({ n: { dtype: 'float32', shape: [] } }, { n: { dtype: 'int32', shape: [null] } }), weight: 1 },
);
const axisArg: fc.Arbitrary<ArgSpec> = fc.oneof(
  { arbitrary: lit(fc.constantFrom(undefined, null)), weight: 3 },
  { arbitrary: lit(fc.integer({ min: -3, max: 3 })), weight: 5 },
  { arbitrary: lit(fc.array(fc.integer({ min: -3, max: 3 }), { maxLength: 3 })), weight: 2 },
  { arbitrary: lit(badNumberArb), weight: 1 },
  { arbitrary: hostile, weight: 1 },
);
const sliceArg: fc.Arbitrary<ArgSpec> = fc
  .array(fc.oneof({ arbitrary: lit(fc.constant(undefined)), weight: 3 }, { arbitrary: intArg, weight: 4 }), { minLength: 0, maxLength: 3 })
  .map((sl): ArgSpec => ({ sl }));
const intVector: fc.Arbitrary<ArgSpec> = fc.oneof(
  lit(fc.array(fc.integer({ min: -4, max: 4 }), { maxLength: 4 })),
  fc.constant<ArgSpec>({ n: { dtype: 'int32', shape: [null] } }),
  lit(fc.array(badNumberArb, { minLength: 1, maxLength: 2 })),
);
const indexArg: fc.Arbitrary<ArgSpec> = fc.oneof({ arbitrary: intArg, weight: 3 }, { arbitrary: sliceArg, weight: 3 }, { arbitrary: intVector, weight: 2 });
const indexList = fc.array(indexArg, { maxLength: 3 });
const shapeEntry = fc.oneof({ arbitrary: lit(fc.integer({ min: -1, max: 4 })), weight: 8 }, { arbitrary: intArg, weight: 2 });
const shapeListArg = fc.oneof({ arbitrary: fc.array(shapeEntry, { maxLength: 4 }).map((l): ArgSpec => ({ l })), weight: 8 }, { arbitrary: hostile, weight: 1 });
const dtypeLit = fc.oneof(
  { arbitrary: lit(dtypeArb), weight: 6 },
  { arbitrary: hostile, weight: 1 },
  { arbitrary: lit(fc.constantFrom('int64', 'float16', 'complex64')), weight: 1 },
);
const pair = (min: number) =>
  fc.oneof(
    { arbitrary: fc.tuple(fc.integer({ min, max: 3 }), fc.integer({ min, max: 3 })), weight: 6 },
    { arbitrary: fc.array(fc.oneof(fc.integer({ min: -2, max: 4 }), badNumberArb), { maxLength: 3 }), weight: 1 },
    { arbitrary: hostileArb, weight: 1 },
  );
const convOpts = fc.oneof(
  {
    arbitrary: fc.record(
      {
        borderMode: fc.oneof(fc.constantFrom('valid', 'full', 'half', 'same', 1, -1, 1.5), pair(0)),
        subsample: pair(1),
        filterFlip: fc.oneof(fc.boolean(), hostileArb),
        inputShape: fc.oneof(fc.constant(undefined), fc.array(fc.oneof(fc.constant(null), fc.integer({ min: -1, max: 4 })), { maxLength: 5 })),
        filterShape: fc.oneof(fc.constant(undefined), fc.array(fc.oneof(fc.constant(null), fc.integer({ min: 0, max: 4 })), { maxLength: 5 })),
      },
      { requiredKeys: [] },
    ),
    weight: 6,
  },
  { arbitrary: hostileArb, weight: 1 },
);
const poolOpts = fc.oneof(
  {
    arbitrary: fc.record(
      {
        ws: fc.oneof(fc.integer({ min: 1, max: 3 }), pair(1)),
        ignoreBorder: fc.oneof(fc.boolean(), hostileArb),
        stride: fc.oneof(fc.integer({ min: 1, max: 3 }), pair(1)),
        pad: fc.oneof(fc.integer({ min: 0, max: 2 }), pair(0)),
        mode: fc.constantFrom('max', 'sum', 'averageIncPad', 'averageExcPad', 'l2', 'average_inc_pad', 'avg', ''),
      },
      { requiredKeys: [] },
    ),
    weight: 6,
  },
  { arbitrary: hostileArb, weight: 1 },
);
const sizeListArg: fc.Arbitrary<ArgSpec> = fc.oneof(
  { arbitrary: fc.array(shapeEntry, { maxLength: 3 }).map((l): ArgSpec => ({ l })), weight: 6 },
  { arbitrary: hostile, weight: 1 },
);

const args = (...a: fc.Arbitrary<ArgSpec>[]): fc.Arbitrary<ArgSpec[]> => fc.tuple(...a);
/** T has no index signature: look functions up by name. */
const TT = T as unknown as Record<string, (...a: unknown[]) => unknown>;

const binaryNames = ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'eq', 'neq', 'lt', 'gt', 'le', 'ge', 'dot', 'outer'];
const unaryNames = ['neg', 'exp', 'log', 'log1p', 'sqrt', 'sqr', 'abs', 'sgn', 'tanh'];
const nnetUnary = ['sigmoid', 'softplus', 'softmax', 'logSoftmax'];
const reduceNames = ['sum', 'mean', 'max', 'min', 'argmax'];

export const API: readonly ApiEntry[] = [
  ...binaryNames.map((name): ApiEntry => ({ name, args: args(tensorArg, tensorArg), call: ([a, b]) => TT[name]!(a, b) })),
  ...unaryNames.map((name): ApiEntry => ({ name, args: args(tensorArg), call: ([a]) => TT[name]!(a) })),
  ...nnetUnary.map((name): ApiEntry => ({
    name: `nnet.${name}`,
    args: args(tensorArg),
    call: ([a]) => (T.nnet as unknown as Record<string, (x: unknown) => unknown>)[name]!(a),
  })),
  ...reduceNames.map((name): ApiEntry => ({ name, args: args(tensorArg, axisArg), call: ([a, ax]) => TT[name]!(a, ax) })),
  {
    name: 'relu',
    args: args(tensorArg, lit(fc.oneof(fc.constant(0), fc.double({ min: -1, max: 1, noNaN: true }), badNumberArb))),
    call: ([a, al]) => T.nnet.relu(a as never, al as never),
  },
  { name: 'switch', args: args(tensorArg, tensorArg, tensorArg), call: ([c, a, b]) => T.switch(c as never, a as never, b as never) },
  { name: 'clip', args: args(tensorArg, tensorArg, tensorArg), call: ([x, lo, hi]) => T.clip(x as never, lo as never, hi as never) },
  { name: 'cast', args: args(tensorArg, dtypeLit), call: ([x, d]) => T.cast(x as never, d as never) },
  { name: 'astype', args: args(ref, dtypeLit), call: ([x, d]) => (x as theano.Variable).astype(d as never) },
  { name: 'reshape', args: args(tensorArg, shapeListArg), call: ([x, s]) => T.reshape(x as never, s as never) },
  {
    name: 'flatten',
    args: args(tensorArg, lit(fc.oneof(fc.integer({ min: -1, max: 5 }), badNumberArb, hostileArb))),
    call: ([x, n]) => T.flatten(x as never, n as never),
  },
  {
    name: 'dimshuffle',
    args: fc
      .tuple(
        ref,
        fc.array(fc.oneof({ arbitrary: lit(fc.constantFrom(0, 1, 2, 3, 'x')), weight: 6 }, { arbitrary: lit(fc.oneof(badNumberArb, hostileArb)), weight: 1 }), {
          maxLength: 5,
        }),
      )
      .map(([x, p]) => [x, ...p]),
    call: ([x, ...p]) => (x as theano.Variable).dimshuffle(...(p as never[])),
  },
  {
    name: 'T.dimshuffle',
    args: fc.tuple(tensorArg, fc.array(lit(fc.constantFrom(0, 1, 'x', -1)), { maxLength: 3 })).map(([x, p]) => [x, ...p]),
    call: ([x, ...p]) => T.dimshuffle(x as never, ...(p as never[])),
  },
  { name: 'transpose', args: args(ref), call: ([x]) => (x as theano.Variable).T },
  { name: 'shape', args: args(ref, intArg), call: ([x, i]) => (x as theano.Variable).shape(i as never) },
  { name: 'T.shape', args: args(tensorArg, intArg), call: ([x, i]) => T.shape(x as never, i as never) },
  { name: 'get', args: fc.tuple(ref, indexList).map(([x, l]) => [x, ...l]), call: ([x, ...idx]) => (x as theano.Variable).get(...(idx as never[])) },
  {
    name: 'setSubtensor',
    args: fc.tuple(ref, tensorArg, indexList).map(([x, y, l]) => [x, y, ...l]),
    call: ([x, y, ...idx]) => T.setSubtensor((x as theano.Variable).get(...(idx as never[])), y as never),
  },
  {
    name: 'incSubtensor',
    args: fc.tuple(ref, tensorArg, indexList).map(([x, y, l]) => [x, y, ...l]),
    call: ([x, y, ...idx]) => T.incSubtensor((x as theano.Variable).get(...(idx as never[])), y as never),
  },
  { name: 'setSubtensor(junk)', args: args(tensorArg, tensorArg), call: ([x, y]) => T.setSubtensor(x as never, y as never) },
  {
    name: 'arange',
    args: fc.array(fc.oneof(intArg, smallNumber, fc.constant<ArgSpec>({ n: { dtype: 'float64', shape: [] } })), { minLength: 1, maxLength: 3 }),
    call: (a) => (T.arange as (...x: unknown[]) => unknown)(...a),
  },
  { name: 'conv2d', args: args(tensorArg, tensorArg, lit(convOpts)), call: ([x, w, o]) => T.nnet.conv2d(x as never, w as never, o as never) },
  { name: 'maxPool2d', args: args(tensorArg, lit(poolOpts)), call: ([x, o]) => T.signal.maxPool2d(x as never, o as never) },
  { name: 'categoricalCrossentropy', args: args(tensorArg, tensorArg), call: ([p, t]) => T.nnet.categoricalCrossentropy(p as never, t as never) },
  { name: 'binaryCrossentropy', args: args(tensorArg, tensorArg), call: ([o, t]) => T.nnet.binaryCrossentropy(o as never, t as never) },
  {
    name: 'grad',
    args: args(
      tensorArg,
      fc.oneof(
        ref,
        fc.array(ref, { maxLength: 2 }).map((l): ArgSpec => ({ l })),
        hostile,
      ),
      lit(fc.oneof(fc.constant(undefined), fc.record({ disconnectedInputs: fc.constantFrom('raise', 'ignore', 'warn', 'bogus') }), hostileArb)),
    ),
    call: ([c, w, o]) => T.grad(c as never, w as never, o as never),
  },
  { name: 'grad(sum)', args: args(ref, ref), call: ([c, w]) => T.grad(T.sum(c as never), w as never, { disconnectedInputs: 'ignore' }) },
  {
    name: 'theano.gradient.grad',
    args: args(fc.oneof(ref, hostile), fc.oneof(ref, hostile)),
    call: ([c, w]) => theano.gradient.grad(c as never, w as never, { disconnectedInputs: 'ignore' }),
  },
  { name: 'jacobian', args: args(tensorArg, ref), call: ([e, w]) => T.jacobian(e as never, w as never) },
  {
    name: 'RandomStreams',
    args: args(
      lit(fc.oneof(fc.integer(), badNumberArb, hostileArb)),
      lit(fc.constantFrom('uniform', 'normal', 'binomial')),
      sizeListArg,
      tensorArg,
      lit(fc.oneof(fc.constant(undefined), dtypeArb, hostileArb)),
    ),
    call: ([seed, dist, size, p, dtype]) => {
      const rs = new T.RandomStreams(seed as never);
      if (dist === 'uniform') return rs.uniform({ size: size as never, low: p as never, dtype: dtype as never });
      if (dist === 'normal') return rs.normal({ size: size as never, std: p as never, dtype: dtype as never });
      return rs.binomial({ size: size as never, p: p as never, dtype: dtype as never });
    },
  },
  {
    name: 'shared',
    args: args(
      lit(fc.oneof(fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { maxLength: 3 }), fc.integer({ min: -2, max: 2 }), hostileArb)),
      lit(
        fc.oneof(
          fc.constant(undefined),
          fc.record({ name: fc.constantFrom('s', ''), dtype: fc.oneof(dtypeArb, hostileArb), borrow: fc.boolean() }, { requiredKeys: [] }),
          hostileArb,
        ),
      ),
    ),
    call: ([v, o]) => theano.shared(v as never, o as never),
  },
  {
    name: 'tensor',
    args: args(
      dtypeLit,
      lit(
        fc.oneof(
          fc.integer({ min: 0, max: 3 }),
          fc.array(fc.oneof(fc.constant(null), fc.integer({ min: -1, max: 3 })), { maxLength: 3 }),
          badNumberArb,
          hostileArb,
        ),
      ),
      lit(fc.oneof(fc.constant('u'), hostileArb)),
    ),
    call: ([d, s, n]) => T.tensor(d as never, s as never, n as never),
  },
  { name: 'matrix', args: args(lit(fc.oneof(fc.constant('m'), hostileArb)), dtypeLit), call: ([n, d]) => T.matrix(n as never, d as never) },
];

export const apiEntryArb = fc.constantFrom(...API);
export { varDescArb };

/**
 * Property: `theano.function(inputs, outputs, { givens, updates, onUnusedInput, mode, … })` with random and
 * hostile options — shared variables or computed variables among the inputs, junk outputs, cyclic and
 * self-referential givens, givens and updates of the wrong type or rank, a shared variable updated twice — either
 * compiles or raises a TsanoError; an option known to be wrong never compiles silently. A function that compiles
 * returns what the same graph without updates gives (outputs see the old values), and afterwards each shared
 * variable holds its update computed from the old values.
 */
import fc from 'fast-check';
import * as theano from '../../src/index.js';
import { T } from '../../src/index.js';
import type { NDArray, Variable } from '../../src/index.js';
import { hostileArb } from './arbitraries.js';
import { attempt, disagreement, FuzzFailure } from './harness.js';
import { fuzzProperty, type FuzzProperty } from './suites.js';

interface World {
  x: Variable;
  y: Variable;
  i: Variable;
  s: theano.SharedVariable;
  t: theano.SharedVariable;
}

function world(): World {
  return {
    x: T.dvector('x'),
    y: T.dvector('y'),
    i: T.iscalar('i'),
    s: theano.shared(theano.ndarray([1, 2, 3], undefined, 'float64'), { name: 's' }),
    t: theano.shared(theano.ndarray(5, undefined, 'int32'), { name: 't' }),
  };
}

/** A piece of the call: how to make it from the world, and whether it is certainly wrong. */
interface Piece<V> {
  name: string;
  bad?: true;
  make(w: World): V;
}
const piece = <V>(name: string, make: (w: World) => V, bad?: true): Piece<V> => ({ name, make, ...(bad ? { bad } : {}) });
const show = <V>(p: Piece<V>): Piece<V> & { [fc.toStringMethod](): string } => Object.assign(p, { [fc.toStringMethod]: () => p.name });
const pick = <V>(...ps: Piece<V>[]): fc.Arbitrary<Piece<V>> => fc.constantFrom(...ps.map(show));

const inputArb = fc.oneof(
  {
    arbitrary: pick<unknown>(
      piece('x', (w) => w.x),
      piece('y', (w) => w.y),
      piece('i', (w) => w.i),
    ),
    weight: 8,
  },
  {
    arbitrary: pick<unknown>(
      piece('s', (w) => w.s, true),
      piece('x+1', (w) => w.x.add(1), true),
      piece('const', () => T.constant(2), true),
    ),
    weight: 1,
  },
  { arbitrary: hostileArb.map((h) => show(piece<unknown>(`junk ${String(typeof h)}`, () => h, true))), weight: 1 },
);
const outputArb = pick<unknown>(
  piece('sum(x)', (w) => w.x.sum()),
  piece('(x+s)*2', (w) => w.x.add(w.s).mul(2)),
  piece('sum(s)', (w) => w.s.sum()),
  piece('x*y', (w) => w.x.mul(w.y)),
  piece('i+t', (w) => w.i.add(w.t)),
  piece('y[i]', (w) => w.y.get(w.i)),
);
const givenArb = fc.oneof(
  {
    arbitrary: pick<unknown>(
      piece('[x, y]', (w) => [w.x, w.y]),
      piece('[y, x]', (w) => [w.y, w.x]),
      piece('[x, s]', (w) => [w.x, w.s]),
      piece('[x, x+1]', (w) => [w.x, w.x.add(1)]),
      piece('[s, x*2]', (w) => [w.s, w.x.mul(2)]),
      piece('[i, 1]', (w) => [w.i, 1]),
      piece('[x, ndarray]', (w) => [w.x, theano.ndarray([4, 5, 6], undefined, 'float64')]),
    ),
    weight: 6,
  },
  {
    arbitrary: pick<unknown>(
      piece('[i, 2.5]', (w) => [w.i, 2.5], true),
      piece('[x, dmatrix]', (w) => [w.x, T.dmatrix('m')], true),
      piece('[x, fvector]', (w) => [w.x, T.fvector('f')], true),
      piece('[const, x]', (w) => [T.constant(1), w.x], true),
      piece('[x]', (w) => [w.x], true),
      piece('[x, "a"]', (w) => [w.x, 'a'], true),
    ),
    weight: 2,
  },
  { arbitrary: hostileArb.map((h) => show(piece<unknown>(`junk pair ${typeof h}`, () => h, true))), weight: 1 },
);
const updateArb = fc.oneof(
  {
    arbitrary: pick<unknown>(
      piece('[s, s*2]', (w) => [w.s, w.s.mul(2)]),
      piece('[s, s+x]', (w) => [w.s, w.s.add(w.x)]),
      piece('[t, t+1]', (w) => [w.t, w.t.add(1)]),
      piece('[t, i]', (w) => [w.t, w.i]),
      piece('[s, 0.5]', (w) => [w.s, w.s.mul(0).add(0.5)]),
    ),
    weight: 6,
  },
  {
    arbitrary: pick<unknown>(
      piece('[t, 1.5]', (w) => [w.t, 1.5], true),
      piece('[s, sum(s)]', (w) => [w.s, w.s.sum()], true),
      piece('[x, x]', (w) => [w.x, w.x], true),
      piece('[s, fvector]', (w) => [w.s, w.s.astype('float32')], true),
      piece('[t, "a"]', (w) => [w.t, 'a'], true),
    ),
    weight: 2,
  },
  { arbitrary: hostileArb.map((h) => show(piece<unknown>(`junk update ${typeof h}`, () => h, true))), weight: 1 },
);

interface FnCase {
  inputs: Piece<unknown>[];
  /** Now and then the inputs are not an array: one variable, or junk (certainly wrong). */
  inputsForm: 'array' | 'single' | 'junk';
  outputs: Piece<unknown>[] | Piece<unknown>;
  givens: Piece<unknown>[] | 'map' | undefined;
  updates: Piece<unknown>[] | 'map' | undefined;
  /** The same shared variable updated twice (certainly wrong). */
  twice: boolean;
  onUnusedInput: unknown;
  mode: 'FAST_RUN' | 'FAST_COMPILE' | 'DEBUG_MODE' | 'NAN_GUARD';
  calls: number;
}

const caseArb: fc.Arbitrary<FnCase> = fc.record({
  inputs: fc.array(inputArb, { maxLength: 3 }),
  inputsForm: fc.oneof(
    { arbitrary: fc.constant<'array'>('array'), weight: 14 },
    { arbitrary: fc.constantFrom<'single' | 'junk'>('single', 'junk'), weight: 1 },
  ),
  outputs: fc.oneof(fc.array(outputArb, { maxLength: 3 }), outputArb),
  givens: fc.option(fc.oneof(fc.array(givenArb, { maxLength: 2 }), fc.constant<'map'>('map')), { freq: 2 }).map((g) => g ?? undefined),
  updates: fc.option(fc.oneof(fc.array(updateArb, { maxLength: 2 }), fc.constant<'map'>('map')), { freq: 2 }).map((u) => u ?? undefined),
  twice: fc.boolean(),
  onUnusedInput: fc.oneof({ arbitrary: fc.constantFrom(undefined, 'raise', 'warn', 'ignore', 'ignore'), weight: 6 }, { arbitrary: hostileArb, weight: 1 }),
  mode: fc.constantFrom('FAST_RUN', 'FAST_COMPILE', 'DEBUG_MODE', 'NAN_GUARD'),
  calls: fc.integer({ min: 1, max: 2 }),
});

function run(c: FnCase): void {
  const w = world();
  const listed = c.inputs.map((p) => p.make(w));
  const inputs = c.inputsForm === 'array' ? listed : c.inputsForm === 'single' ? w.x : 'x';
  const outputs = Array.isArray(c.outputs) ? c.outputs.map((p) => p.make(w)) : c.outputs.make(w);
  const pairs = (l: Piece<unknown>[] | 'map' | undefined, map: () => Map<unknown, unknown>): unknown => (l === 'map' ? map() : l?.map((p) => p.make(w)));
  const givens = pairs(c.givens, () => new Map<unknown, unknown>([[w.y, w.x.mul(3)]]));
  let updates = pairs(c.updates, () => new Map<unknown, unknown>([[w.s, w.s.add(1)]]));
  const doubled = c.twice && Array.isArray(updates) && updates.length > 0 && Array.isArray(updates[0]) && updates[0][0] instanceof theano.SharedVariable;
  if (doubled) updates = [...(updates as unknown[]), [(updates as [theano.SharedVariable][])[0]![0], (updates as [theano.SharedVariable][])[0]![0]]];
  const opts = { givens, updates, onUnusedInput: c.onUnusedInput, mode: c.mode, name: 'g' } as theano.FunctionOptions;
  const bad = [...c.inputs, ...[c.givens, c.updates].flatMap((l) => (Array.isArray(l) ? l : []))].filter((p) => p.bad).map((p) => p.name);
  const f = attempt('theano.function', () => theano.function(inputs as Variable[], outputs as Variable[], opts));
  if (!f.ok) return;
  if (doubled) bad.push('a shared variable updated twice');
  if (c.inputsForm !== 'array') bad.push(`inputs given as ${c.inputsForm === 'single' ? 'one variable' : 'a string'}`);
  if (bad.length) throw new FuzzFailure(`theano.function accepted wrong pieces ${bad.join(', ')}`);
  checkCalls(c, f.value, inputs as Variable[], outputs as Variable[], opts);
}

const ARGS: Record<string, unknown> = { x: [0.5, -1, 2], y: [3, 0.25, -2], i: 1 };

/** Outputs see the old values; afterwards every shared variable holds its update computed from the old values. */
function checkCalls(c: FnCase, f: theano.TsanoFunction, inputs: Variable[], outputs: Variable[], opts: theano.FunctionOptions): void {
  const updates: [theano.SharedVariable, Variable][] = opts.updates instanceof Map ? ([...opts.updates.entries()] as never) : ((opts.updates ?? []) as never);
  const probe = attempt('the same function without updates', () =>
    theano.function(inputs, [...(Array.isArray(outputs) ? outputs : [outputs]), ...updates.map(([, v]) => (typeof v === 'number' ? T.constant(v) : v))], {
      ...opts,
      updates: undefined,
      noDefaultUpdates: true,
      onUnusedInput: 'ignore',
    }),
  );
  if (!probe.ok) throw new FuzzFailure(`the function compiles with its updates but not without them: ${probe.error.message}`);
  const args = inputs.map((v) => ARGS[v.name!]);
  for (let k = 0; k < c.calls; k++) {
    const want = probe.value(...(args as never[])) as NDArray[];
    const got = attempt(`call ${k}`, () => f(...(args as never[])));
    if (!got.ok) {
      if (got.error instanceof theano.IndexError || got.error instanceof theano.ShapeError) return;
      throw new FuzzFailure(`call ${k} raised ${got.error.name}: ${got.error.message}`);
    }
    const outs = Array.isArray(got.value) ? got.value : [got.value];
    outs.forEach((o, j) => {
      const d = disagreement(o, want[j]!, 1e-12, 0);
      if (d) throw new FuzzFailure(`call ${k}: output ${j} ${d}`);
    });
    updates.forEach(([s], j) => {
      const d = disagreement(s.getValue(), want[outs.length + j]!, 1e-12, 0);
      if (d) throw new FuzzFailure(`call ${k}: after the call, ${s.describe()} ${d}`);
    });
  }
}

export const functionProperties: FuzzProperty[] = [fuzzProperty('theano.function with random givens, updates and options', 300, caseArb, run)];

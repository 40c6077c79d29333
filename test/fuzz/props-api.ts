/**
 * Property: random chains of public-API calls (api-table.ts) with random and hostile arguments either build a
 * graph or raise a TsanoError; a graph that builds compiles and runs on random values (and sometimes wrong ones)
 * with the same outcome in FAST_COMPILE and FAST_RUN.
 */
import fc from 'fast-check';
import * as theano from '../../src/index.js';
import type { Variable } from '../../src/index.js';
import { API, apiEntryArb, type ArgSpec } from './api-table.js';
import {
  argFormArb,
  concreteShape,
  inForm,
  makeVar,
  sizePlanArb,
  valuesFor,
  varDescArb,
  wrongArgArb,
  type ArgForm,
  type SizePlan,
  type VarDesc,
} from './arbitraries.js';
import { compileAndCompare } from './check-graph.js';
import { attempt } from './harness.js';
import { fuzzProperty, type FuzzProperty } from './suites.js';

interface ApiCase {
  inputs: VarDesc[];
  steps: { entry: string; args: ArgSpec[] }[];
  plan: SizePlan;
  seed: number;
  forms: ArgForm[];
  /** Replace call argument `wrong.at` (mod the number of inputs) with a wrong one, when set. */
  wrong: { at: number; make: (v: Variable, good: theano.NDArray) => unknown } | null;
  hostileValues: boolean;
}

const stepArb = apiEntryArb.chain((entry) => entry.args.map((args) => ({ entry: entry.name, args })));
const byName = new Map(API.map((e) => [e.name, e]));

const caseArb: fc.Arbitrary<ApiCase> = fc.record({
  inputs: fc.array(varDescArb(), { minLength: 1, maxLength: 3 }),
  steps: fc.array(stepArb, { minLength: 1, maxLength: 3 }),
  plan: sizePlanArb,
  seed: fc.nat(),
  forms: fc.array(argFormArb, { minLength: 8, maxLength: 8 }),
  wrong: fc.option(fc.record({ at: fc.nat(7), make: wrongArgArb() }), { freq: 6 }),
  hostileValues: fc.boolean(),
});

/** Builds the case's graph; returns the variables it made and every free input among them. */
export function runApiSteps(c: ApiCase): { outputs: Variable[]; inputs: Variable[] } {
  const inputs: Variable[] = c.inputs.map((d, i) => makeVar(d, `x${i}`));
  const pool: Variable[] = inputs.slice();
  const made: Variable[] = [];
  const resolve = (a: ArgSpec): unknown => {
    if ('t' in a) return pool[a.t % pool.length];
    if ('n' in a) {
      const v = makeVar(a.n, `k${inputs.length}`);
      inputs.push(v);
      return v;
    }
    if ('sl' in a) return theano.T.slice(...(a.sl.map(resolve) as never[]));
    if ('l' in a) return a.l.map(resolve);
    return a.v;
  };
  c.steps.forEach(({ entry: name, args }, k) => {
    const entry = byName.get(name)!;
    const r = attempt(`step ${k} (${name})`, () => entry.call(args.map(resolve)));
    if (!r.ok) return;
    const vars = (Array.isArray(r.value) ? r.value : [r.value]).filter((v): v is Variable => v instanceof theano.Variable);
    for (const v of vars) {
      attempt(`pp of the result of ${entry.name}`, () => theano.printing.pp(v));
      pool.push(v);
      made.push(v);
      if (!v.owner && !(v instanceof theano.SharedVariable) && !(v instanceof theano.Constant)) inputs.push(v);
    }
  });
  return { outputs: made.slice(-2), inputs };
}

function callArgs(c: ApiCase, inputs: readonly Variable[]): unknown[] {
  return inputs.map((v, k) => {
    const good = valuesFor(v.dtype, concreteShape(v.type, c.plan, k), c.seed + k, c.hostileValues);
    if (c.wrong && c.wrong.at % inputs.length === k) return c.wrong.make(v, good);
    return inForm(good, c.forms[k % c.forms.length]!);
  });
}

export const apiProperties: FuzzProperty[] = [
  fuzzProperty('random public-API calls with random and hostile arguments', 900, caseArb, (c) => {
    const { outputs, inputs } = runApiSteps(c);
    if (!outputs.length) return;
    compileAndCompare('compiled graph', inputs, outputs, callArgs(c, inputs), { compareValues: !c.hostileValues });
  }),
];

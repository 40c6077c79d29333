/** Each scalar op as an Elemwise node: domains, dtypes, and the values where gpu.js's own math falls short. */
import * as theano from '../../../src/index.js';
import { Constant, type Variable } from '../../../src/ir/variable.js';
import { fill } from '../../../src/ops/elemwise/fill.js';
import type { GpuCase } from './types.js';
import { nodeOf, rand, values, type NDArray } from './elementwise-values.js';

const { T } = theano;
type Tolerances = Pick<GpuCase, 'rtol' | 'atol' | 'exactSpecials'>;

/**
 * A case for the node of `f` applied to symbolic inputs of the given values' dtypes and ranks; the node's other
 * inputs must be constants (index and shape scalars), whose values go with it.
 */
export function opCase(name: string, f: (...xs: Variable[]) => Variable, inputs: NDArray[], tol: Tolerances = {}): GpuCase {
  return {
    name,
    build: () => {
      const vars = inputs.map((a, k) => T.tensor(a.dtype, a.ndim, `x${k}`));
      const node = nodeOf(f(...vars));
      const valueOf = (v: Variable): NDArray => {
        if (v instanceof Constant) return v.value;
        const k = vars.indexOf(v);
        if (k < 0) throw new Error(`${name}: ${v.describe()} is neither an input nor a constant`);
        return inputs[k]!;
      };
      return { node, inputs: node.inputs.map(valueOf) };
    },
    ...tol,
  };
}

// gpu.js's log1p is log(1 + x) and its tanh overflows: these values probe the GPU renderings' own forms, with
// relative accuracy near 0 (no absolute slack: log(1 + 1e-7) in float32 is 19% off yet within atol 1e-6), save
// for float32 subnormals (below 1.2e-38), which GPUs flush to zero.
const small = [1e-7, -1e-6, 1e-3, 0.05, -0.09, 0.0999, 0.1, 0.2, -0.5, 5, 30];
const relative: Tolerances = { atol: 1.2e-38 };
const specials = values([NaN, Infinity, -Infinity, -0, 2, -3]);
/** Integer-valued float32 values, so that comparisons meet ties. */
const whole = (seed: number): NDArray => values(Array.from(rand([4, 5], -3, 3, 'int32', seed).data), [4, 5]);

export const SCALAR_CASES: GpuCase[] = [
  opCase('neg float32', T.neg, [rand([3, 4])]),
  opCase('abs float32', T.abs, [rand([3, 4])]),
  opCase('exp', T.exp, [rand([3, 4], -5, 5)]),
  opCase('log', T.log, [rand([3, 4], 0.01, 10)]),
  opCase('log1p near 0 and beyond', T.log1p, [values(small)], relative),
  opCase('log1p', T.log1p, [rand([5, 7], -0.9, 3)]),
  opCase('sqrt', T.sqrt, [rand([3, 4], 0, 10)]),
  opCase('sqr', T.sqr, [rand([3, 4], -3, 3)]),
  opCase('tanh near 0, mid and saturated', T.tanh, [values([...small, -20, 100, -100, 0])], relative),
  opCase('tanh', T.tanh, [rand([5, 7], -4, 4)]),
  opCase('sigmoid', T.nnet.sigmoid, [rand([5, 7], -30, 30)]),
  opCase('softplus', T.nnet.softplus, [values([...small, -30, -5, 0, 2, 50, -100])], relative),
  opCase('relu', (x) => T.nnet.relu(x), [rand([3, 4])]),
  opCase('sgn', T.sgn, [values([-2, 0, 3.5, -0.25, 1e-30])]),
  opCase('add', T.add, [rand([3, 4]), rand([3, 4], -1, 1, 'float32', 2)]),
  opCase('sub', T.sub, [rand([3, 4]), rand([3, 4], -1, 1, 'float32', 2)]),
  opCase('mul', T.mul, [rand([3, 4]), rand([3, 4], -1, 1, 'float32', 2)]),
  opCase('div', T.div, [rand([3, 4]), rand([3, 4], 0.5, 2, 'float32', 2)]),
  opCase('pow positive base', T.pow, [rand([3, 4], 0.1, 5), rand([3, 4], -2, 3, 'float32', 2)]),
  // A negative base: JS's pow is signed for integer exponents (GLSL/WGSL pow is undefined there).
  opCase('pow negative base, integer exponents', T.pow, [values([-2, -3, -0.5, -1.5, 2, -2]), values([3, 2, 3, 0, 0.5, -1])]),
  opCase('maximum', T.maximum, [rand([3, 4]), rand([3, 4], -1, 1, 'float32', 2)]),
  opCase('minimum', T.minimum, [rand([3, 4]), rand([3, 4], -1, 1, 'float32', 2)]),
  ...(['eq', 'neq', 'lt', 'gt', 'le', 'ge'] as const).map((c) => opCase(`${c} (bool out, with ties)`, T[c], [whole(1), whole(2)])),
  opCase('lt int32', T.lt, [rand([4, 5], -3, 3, 'int32'), rand([4, 5], -3, 3, 'int32', 2)]),
  opCase('clip', (x, lo, hi) => T.clip(x, lo!, hi!), [rand([3, 4], -2, 2), values([-0.5], [1, 1]), values([0.75], [1, 1])]),
  opCase('switch bool condition', (c, a, b) => T.switch(c!, a!, b!), [rand([3, 4], 0, 2, 'bool'), rand([3, 4]), rand([3, 4], -1, 1, 'float32', 2)]),
  opCase('switch float condition', (c, a, b) => T.switch(c!, a!, b!), [rand([3, 4], -1, 2, 'int32'), rand([3, 4]), rand([3, 4], -1, 1, 'float32', 2)]),
  opCase('cast float32 to int32 truncates', (x) => T.cast(x, 'int32'), [values([-2.7, -0.5, 0, 0.5, 2.7, 100.99])]),
  opCase('cast float32 to uint8 wraps', (x) => T.cast(x, 'uint8'), [values([-1.5, 0, 255.9, 256, 300, 3.2])]),
  opCase('cast float32 to bool', (x) => T.cast(x, 'bool'), [values([-1.5, 0, 0.25, 3])]),
  opCase('cast int32 to float64', (x) => T.cast(x, 'float64'), [rand([3, 4], -100, 100, 'int32')]),
  opCase('fill', (ref, v) => fill(ref!, v!), [rand([3, 4]), values([2.5], [1, 1])]),
  // Integer and boolean arithmetic stays exact on float devices.
  opCase('add int32', T.add, [rand([3, 4], -1000, 1000, 'int32'), rand([3, 4], -1000, 1000, 'int32', 2)]),
  opCase('mul int32', T.mul, [rand([3, 4], -1000, 1000, 'int32'), rand([3, 4], -1000, 1000, 'int32', 2)]),
  ...Object.entries({ neg: T.neg, abs: T.abs, sgn: T.sgn }).map(([name, f]) => opCase(`${name} int32`, f, [rand([3, 4], -5, 5, 'int32')])),
  opCase('div int32 gives float64', T.div, [rand([3, 4], -50, 50, 'int32'), rand([3, 4], 1, 9, 'int32', 2)]),
  opCase('pow int32 (negative exponents truncate to 0)', T.pow, [
    values([2, -3, 5, 1, -1, 2, 7], [7], 'int32'),
    values([3, 3, 0, -2, -3, -1, 4], [7], 'int32'),
  ]),
  opCase('add uint8 wraps', T.add, [values([200, 3, 255], [3], 'uint8'), values([100, 4, 1], [3], 'uint8')]),
  opCase('sub uint8 wraps', T.sub, [values([3, 200, 0], [3], 'uint8'), values([4, 100, 1], [3], 'uint8')]),
  opCase('add bool gives int32', T.add, [rand([3, 4], 0, 2, 'bool'), rand([3, 4], 0, 2, 'bool', 2)]),
  opCase('relu int32', (x) => T.nnet.relu(x), [rand([3, 4], -5, 5, 'int32')]),
  // NaN and infinities: exact on cpu, webasm and webgpu (the NaN tests survive WGSL's no-NaN assumption).
  opCase('maximum with NaN and infinities', T.maximum, [values([NaN, 1, -Infinity, 2, NaN]), values([1, NaN, 3, Infinity, NaN])], { exactSpecials: true }),
  opCase('minimum with NaN and infinities', T.minimum, [values([NaN, 1, -Infinity, 2, NaN]), values([1, NaN, 3, Infinity, NaN])], { exactSpecials: true }),
  ...[T.sgn, T.abs, (x: Variable) => T.nnet.relu(x)].map((f, k) =>
    opCase(`sgn, abs, relu (${k}) of NaN and infinities`, f, [specials], { exactSpecials: true }),
  ),
  opCase('div by zero', T.div, [values([1, -1, 0, 2]), values([0, 0, 0, 4])], { exactSpecials: true }),
  // No NaN inputs to transcendentals: WGSL leaves exp/log of NaN (and log of x <= 0) undefined.
  ...[T.exp, T.tanh, T.nnet.sigmoid, T.nnet.softplus].map((f, k) =>
    opCase(`exp, tanh, sigmoid, softplus (${k}) of infinities`, f, [values([200, Infinity, -Infinity, 1])], { exactSpecials: true }),
  ),
];

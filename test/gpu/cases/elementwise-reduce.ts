/** Reductions (sum, mean, max, min, argmax) over each axis, several and all; sumTo and sumToShape. */
import * as theano from '../../../src/index.js';
import type { AxisArg } from '../../../src/ops/reduce.js';
import { sumToShape } from '../../../src/ops/sum-to-shape.js';
import { sumTo } from '../../../src/ops/sum-to.js';
import type { Variable } from '../../../src/ir/variable.js';
import type { GpuCase } from './types.js';
import { opCase } from './elementwise-scalar.js';
import { rand, values } from './elementwise-values.js';

const { T } = theano;

const reducers = { sum: T.sum, mean: T.mean, max: T.max, min: T.min, argmax: T.argmax };
const axesOf = (axis: AxisArg): string => (axis === undefined ? 'all' : JSON.stringify(axis));

function reduceCase(
  kind: keyof typeof reducers,
  shape: number[],
  axis: AxisArg,
  dtype: 'float32' | 'int32' | 'bool' = 'float32',
  extra: Partial<GpuCase> = {},
): GpuCase {
  const x = dtype === 'float32' ? rand(shape, -3, 3) : rand(shape, dtype === 'bool' ? 0 : -50, dtype === 'bool' ? 2 : 50, dtype);
  return opCase(`${kind} ${dtype} (${shape.join(',')}) axis ${axesOf(axis)}`, (v) => reducers[kind](v, axis), [x], extra);
}

const shape3 = [3, 4, 5];
const axes3: AxisArg[] = [0, 1, 2, [0, 2], [1, 2], [0, 1], undefined];

export const REDUCE_CASES: GpuCase[] = [
  ...(['sum', 'mean', 'max', 'min'] as const).flatMap((k) => axes3.map((axis) => reduceCase(k, shape3, axis))),
  ...[0, 1, 2, undefined].map((axis) => reduceCase('argmax', shape3, axis)),
  reduceCase('sum', [4, 6], 1, 'int32'),
  reduceCase('sum', [4, 6], 0, 'bool'),
  reduceCase('mean', [4, 6], undefined, 'int32'),
  reduceCase('max', [4, 6], 1, 'int32'),
  reduceCase('argmax', [4, 6], 0, 'int32'),
  reduceCase('sum', [2, 3, 4, 5], [0, 2, 3]),
  reduceCase('max', [2, 3, 4, 5], [1, 3]),
  // One loop past gpu.js's silent 1,000-iteration cap (below the two-stage split).
  reduceCase('sum', [3000], undefined),
  reduceCase('argmax', [2, 5000], 1),
  // Two stages: chunks of ~sqrt(n) elements, then a pass over the chunks; a last chunk that is partly empty.
  reduceCase('sum', [5000], undefined),
  reduceCase('mean', [3, 4999], 1),
  reduceCase('max', [4999, 2], 0),
  opCase('max with a NaN gives NaN', (x) => T.max(x, 1), [values([1, NaN, 3, 2, 5, 4], [2, 3])], { exactSpecials: true }),
  opCase('argmax picks the first NaN', (x) => T.argmax(x, 1), [values([1, NaN, 3, NaN, 5, 4, 7, 7, 1], [3, 3])], { exactSpecials: true }),
  opCase('sumTo (3,4) to (1,4)', (g, ref) => sumTo(g!, ref!), [rand([3, 4]), rand([1, 4])]),
  opCase('sumTo (2,3,4) to (2,1,1)', (g, ref) => sumTo(g!, ref!), [rand([2, 3, 4]), rand([2, 1, 1])]),
  opCase('sumTo (2,3,4) to (1,3,1)', (g, ref) => sumTo(g!, ref!), [rand([2, 3, 4]), rand([1, 3, 1])]),
  opCase('sumTo of same shape copies', (g, ref) => sumTo(g!, ref!), [rand([3, 4]), rand([3, 4])]),
  opCase('sumToShape (5,6) to (1,6)', (g: Variable, d0: Variable, d1: Variable) => sumToShape(g, [d0, d1]), [
    rand([5, 6]),
    values([1], [], 'int32'),
    values([6], [], 'int32'),
  ]),
];

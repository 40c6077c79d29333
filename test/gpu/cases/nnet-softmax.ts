/** GPU cases for softmax, logSoftmax and the one-hot cross-entropy ops. */
import * as theano from '../../../src/index.js';
import { NDArray } from '../../../src/ir/ndarray.js';
import type { Variable } from '../../../src/ir/variable.js';
import { crossentropySoftmax1Hot } from '../../../src/ops/crossentropy-1hot.js';
import { crossentropySoftmax1HotDx } from '../../../src/ops/crossentropy-1hot-dx.js';
import type { GpuCase } from './types.js';
import { compiledNode, feed, int32s, nodeOf, uniformF32 } from './nnet-data.js';

const { T } = theano;

/** Logits around ±1000 with small differences: overflow without the row max, digits lost when it is added back. */
function largeLogits(shape: number[], seed: number): NDArray {
  const x = uniformF32(shape, seed, -3, 3);
  const cols = shape[shape.length - 1]!;
  for (let i = 0; i < x.size; i++) x.data[i] = x.data[i]! + (Math.floor(i / cols) % 2 ? -1000 : 1000);
  return x;
}

type RowwiseFn = (x: Variable) => Variable;
const rowwise: [string, RowwiseFn][] = [
  ['softmax', (x) => T.nnet.softmax(x)],
  ['logSoftmax', (x) => T.nnet.logSoftmax(x)],
];

const rowwiseInputs: [string, () => NDArray][] = [
  ['network3 output (10,10)', () => uniformF32([10, 10], 41, -5, 5)],
  // Rows longer than gpu.js's default loop cap of 1,000.
  ['long rows (3,1500)', () => uniformF32([3, 1500], 42, -5, 5)],
  ['a vector (7)', () => uniformF32([7], 43, -5, 5)],
  ['logits near ±1000 (4,6)', () => largeLogits([4, 6], 44)],
];

const rowwiseCases: GpuCase[] = rowwise.flatMap(([op, fn]) =>
  rowwiseInputs.map(([what, values]) => ({
    name: `${op} ${what}`,
    build: () => {
      const x = values();
      return { node: nodeOf(fn(T.tensor('float32', x.ndim, 'x'))), inputs: [x] };
    },
  })),
);

/** network3's cost -mean(log(softmax(x))[arange(n), y]) and its gradient, compiled: the fused one-hot ops. */
function network3Cost() {
  const x = T.fmatrix('x');
  const y = T.ivector('y');
  const cost = T.mean(T.log(T.nnet.softmax(x)).get(T.arange(y.shape(0)), y)).neg();
  return { inputs: [x, y], outputs: [cost, T.grad(cost, x)] };
}

/** Labels 0..classes-1, some written as negative (counted from the end) when `negative`. */
function labels(n: number, classes: number, seed: number, negative = false): NDArray {
  const y = int32s([n], seed, 0, classes);
  if (negative) for (let i = 0; i < n; i += 2) y.data[i] = y.data[i]! - classes;
  return y;
}

export const SOFTMAX_CASES: GpuCase[] = [
  ...rowwiseCases,
  {
    name: 'crossentropySoftmax1Hot network3 cost (10,10), int32 labels, compiled',
    build: () => {
      const { inputs, outputs } = network3Cost();
      const node = compiledNode(inputs, outputs, 'crossentropySoftmax1Hot');
      return { node, inputs: feed(node, [uniformF32([10, 10], 45, -5, 5), labels(10, 10, 46)]) };
    },
  },
  {
    name: 'crossentropySoftmax1HotDx network3 gradient (10,10), compiled',
    build: () => {
      const { inputs, outputs } = network3Cost();
      const node = compiledNode(inputs, outputs, 'crossentropySoftmax1HotDx');
      return { node, inputs: feed(node, [uniformF32([1], 47), uniformF32([10, 10], 48, -5, 5), labels(10, 10, 49)]) };
    },
  },
  {
    name: 'crossentropySoftmax1Hot fewer labels than rows, negative labels, logits near ±1000',
    build: () => ({
      node: nodeOf(crossentropySoftmax1Hot(T.fmatrix('x'), T.ivector('y'))),
      inputs: [largeLogits([5, 6], 50), labels(3, 6, 51, true)],
    }),
  },
  {
    name: 'crossentropySoftmax1HotDx fewer labels than rows, negative labels, one g per label',
    build: () => ({
      node: nodeOf(crossentropySoftmax1HotDx(T.fvector('g'), T.fmatrix('x'), T.ivector('y'))),
      inputs: [uniformF32([3], 52), uniformF32([5, 6], 53, -5, 5), labels(3, 6, 54, true)],
    }),
  },
  {
    name: 'crossentropySoftmax1HotDx rows longer than 1,000 (2,1200)',
    build: () => ({
      node: nodeOf(crossentropySoftmax1HotDx(T.fvector('g'), T.fmatrix('x'), T.ivector('y'))),
      inputs: [uniformF32([2], 55), uniformF32([2, 1200], 56, -5, 5), labels(2, 1200, 57)],
    }),
  },
];

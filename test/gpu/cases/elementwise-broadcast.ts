/** Broadcasting patterns, fused kernels and fused sums. */
import * as theano from '../../../src/index.js';
import type { GpuCase } from './types.js';
import { opCase } from './elementwise-scalar.js';
import { compiledNode, rand } from './elementwise-values.js';

const { T } = theano;

export const BROADCAST_CASES: GpuCase[] = [
  opCase('add row (1,4) to (3,4)', T.add, [rand([3, 4]), rand([1, 4], -1, 1, 'float32', 2)]),
  opCase('add column (3,1) to (3,4)', T.add, [rand([3, 4]), rand([3, 1], -1, 1, 'float32', 2)]),
  opCase('mul (3,1) by (1,4): both broadcast', T.mul, [rand([3, 1]), rand([1, 4], -1, 1, 'float32', 2)]),
  opCase('sub scalar-shaped (1,1) from (3,4)', T.sub, [rand([3, 4]), rand([1, 1], -1, 1, 'float32', 2)]),
  opCase('add 4-D bias (1,3,1,1) to (2,3,4,5)', T.add, [rand([2, 3, 4, 5]), rand([1, 3, 1, 1], -1, 1, 'float32', 2)]),
  opCase('maximum (2,1,4) and (1,3,1)', T.maximum, [rand([2, 1, 4]), rand([1, 3, 1], -1, 1, 'float32', 2)]),
  opCase('0-d inputs', T.mul, [rand([]), rand([], -1, 1, 'float32', 2)]),
  opCase('switch (3,1) condition, (1,4) and (3,4) branches', (c, a, b) => T.switch(c!, a!, b!), [
    rand([3, 1], 0, 2, 'bool'),
    rand([1, 4]),
    rand([3, 4], -1, 1, 'float32', 2),
  ]),
  {
    name: 'fused sigmoid(x·w + b) with row bias',
    build: () => {
      const x = T.matrix('x');
      const b = T.vector('b');
      return compiledNode([x, b], [rand([5, 6], -3, 3), rand([6], -1, 1, 'float32', 2)], T.nnet.sigmoid(T.add(T.mul(x, 2), b)), 'fused');
    },
  },
  {
    name: 'fused relu(x + bias (1,C,1,1)) on 4-D',
    build: () => {
      const x = T.tensor4('x');
      const b = T.tensor('float32', [1, null, 1, 1], 'b');
      return compiledNode([x, b], [rand([2, 3, 4, 4]), rand([1, 3, 1, 1], -1, 1, 'float32', 2)], T.nnet.relu(T.add(x, b)), 'fused');
    },
  },
  {
    name: 'fused int32 arithmetic and comparison into float',
    build: () => {
      const i = T.imatrix('i');
      const x = T.matrix('x');
      return compiledNode(
        [i, x],
        [rand([4, 5], -5, 5, 'int32'), rand([4, 5])],
        T.switch(T.gt(T.mul(i, i), 4), T.add(x, T.cast(i, 'float32')), T.neg(x)),
        'fused',
      );
    },
  },
  {
    name: 'fused tanh and log1p (gpu-safe forms inside a fused kernel)',
    build: () => {
      const x = T.matrix('x');
      return compiledNode([x], [rand([4, 5], -0.2, 0.2)], T.mul(T.tanh(x), T.log1p(T.sqr(x))), 'fused');
    },
  },
  {
    name: 'fusedSum of sqr(w) (L2 term)',
    build: () => {
      const w = T.matrix('w');
      return compiledNode([w], [rand([30, 20])], T.sum(T.sqr(w)), 'fusedSum');
    },
  },
  {
    name: 'fusedSum over 6,000 broadcast elements (two stages)',
    build: () => {
      const x = T.matrix('x');
      const b = T.tensor('float32', [1, null], 'b');
      return compiledNode([x, b], [rand([100, 60], 0, 1), rand([1, 60], 0, 1, 'float32', 2)], T.sum(T.exp(T.add(x, b))), 'fusedSum');
    },
  },
];

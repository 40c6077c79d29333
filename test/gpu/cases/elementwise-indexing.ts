/** DimShuffle, Reshape, basic and advanced indexing, set and inc. */
import * as theano from '../../../src/index.js';
import type { Variable } from '../../../src/ir/variable.js';
import type { GpuCase } from './types.js';
import { opCase } from './elementwise-scalar.js';
import { rand, values } from './elementwise-values.js';

const { T } = theano;
const S = T.slice;
const int = (v: number) => values([v], [], 'int32');
const ints = (vs: number[]) => values(vs, [vs.length], 'int32');

export const INDEXING_CASES: GpuCase[] = [
  opCase('dimshuffle transpose (1,0)', (x) => T.dimshuffle(x, 1, 0), [rand([3, 5])]),
  opCase('dimshuffle (2,0,1)', (x) => T.dimshuffle(x, 2, 0, 1), [rand([2, 3, 4])]),
  opCase("dimshuffle (0,'x',1) inserts an axis", (x) => T.dimshuffle(x, 0, 'x', 1), [rand([3, 4])]),
  opCase("dimshuffle ('x',1,0) inserts and transposes", (x) => T.dimshuffle(x, 'x', 1, 0), [rand([3, 4])]),
  {
    name: 'dimshuffle (1) drops a size-1 axis',
    build: () => {
      const x = T.tensor('float32', [1, null], 'x');
      return { node: T.dimshuffle(x, 1).owner!, inputs: [rand([1, 4])] };
    },
  },
  opCase('reshape (3,4) to (2,-1)', (x) => T.reshape(x, [2, -1]), [rand([3, 4])]),
  opCase('reshape int32 to a vector', (x) => T.flatten(x), [rand([3, 4], -9, 9, 'int32')]),
  // Basic indexing with constant indices.
  opCase('x[1:3]', (x) => x.get(S(1, 3)), [rand([5, 4])]),
  opCase('x[-3:]', (x) => x.get(S(-3)), [rand([5, 4])]),
  opCase('x[::-1]', (x) => x.get(S(null, null, -1)), [rand([5, 4])]),
  opCase('x[4:0:-2, 1::2]', (x) => x.get(S(4, 0, -2), S(1, null, 2)), [rand([5, 4])]),
  opCase('x[2]', (x) => x.get(2), [rand([5, 4])]),
  opCase('x[-1, 1:3] of a tensor3', (x) => x.get(-1, S(1, 3)), [rand([3, 4, 5])]),
  opCase('x[:, 2] of int32', (x) => x.get(S(), 2), [rand([4, 5], -9, 9, 'int32')]),
  // Symbolic indices, read from the device: network3's x[index*mb:(index+1)*mb], negative bounds and steps.
  opCase('x[a:b] minibatch rows', (x, a, b) => x.get(S(a, b)), [rand([10, 3]), int(4), int(8)]),
  opCase('x[a:b] with b past the end (clamped)', (x, a, b) => x.get(S(a, b)), [rand([10, 3]), int(7), int(100)]),
  opCase('x[a::st] with a negative start and step', (x, a, st) => x.get(S(a, null, st)), [rand([9, 2]), int(-2), int(-3)]),
  opCase('x[:, i] with a negative symbolic i', (x, i) => x.get(S(), i), [rand([3, 6]), int(-2)]),
  // Set and inc: constant and symbolic regions, y broadcast on the region.
  opCase('setSubtensor x[1:3] = y', (x, y) => T.setSubtensor(x.get(S(1, 3)), y), [rand([5, 4]), rand([2, 4], 5, 6)]),
  opCase('incSubtensor x[::2, 1] += y (broadcast)', (x, y) => T.incSubtensor(x.get(S(null, null, 2), 1), y), [rand([5, 4]), rand([1], 5, 6)]),
  opCase('setSubtensor x[2] = y (int entry)', (x, y) => T.setSubtensor(x.get(2), y), [rand([4, 3]), rand([3], 5, 6)]),
  opCase('incSubtensor x[4:0:-2, 1:] += y', (x, y) => T.incSubtensor(x.get(S(4, 0, -2), S(1)), y), [rand([5, 4]), rand([2, 3], 5, 6)]),
  opCase('incSubtensor x[a:b] += y (symbolic)', (x, y, a, b) => T.incSubtensor(x.get(S(a, b)), y), [rand([8, 3]), rand([1, 3], 5, 6), int(2), int(5)]),
  opCase('setSubtensor x[a::st] = y (symbolic, negative)', (x, y, a, st) => T.setSubtensor(x.get(S(a, null, st)), y), [
    rand([9, 2]),
    rand([3, 2], 5, 6),
    int(-2),
    int(-3),
  ]),
  opCase('setSubtensor x[:, i] = y (symbolic int entry)', (x, y, i) => T.setSubtensor(x.get(S(), i), y), [rand([3, 5]), rand([3], 5, 6), int(-1)]),
  opCase('incSubtensor of int32', (x, y) => T.incSubtensor(x.get(S(1, 3)), y), [rand([4, 3], -9, 9, 'int32'), rand([2, 3], -9, 9, 'int32', 2)]),
  opCase('incSubtensor of bool stays 0/1', (x, y) => T.incSubtensor(x.get(S(1, 3)), y), [rand([4, 3], 0, 2, 'bool'), rand([2, 3], 0, 2, 'bool', 2)]),
  // Advanced indexing: one row per index, NLL-style picks p[arange(n), y], repeated indices.
  opCase('x[iv] rows (repeats, negative)', (x, iv) => x.get(iv as Variable), [rand([6, 4]), ints([0, 5, 2, 2, -1])]),
  opCase('p[rows, labels]', (p, r, y) => p.get(r as Variable, y as Variable), [rand([5, 3]), ints([0, 1, 2, 3, 4]), ints([2, 0, 1, 1, 2])]),
  opCase('x[i, jv] (length-1 vector broadcasts)', (x, i, j) => x.get(i as Variable, j as Variable), [rand([3, 4, 2]), ints([1]), ints([3, 0, 2])]),
  opCase('x[[0, 2, -1]] constant index list', (x) => x.get([0, 2, -1]), [rand([4, 3])]),
  opCase('incSubtensor x[iv] += y accumulates repeats', (x, y, iv) => T.incSubtensor(x.get(iv as Variable), y), [
    rand([6, 4]),
    rand([5, 4], 1, 2),
    ints([0, 5, 2, 2, -1]),
  ]),
  opCase('setSubtensor x[iv] = y (last repeat wins)', (x, y, iv) => T.setSubtensor(x.get(iv as Variable), y), [
    rand([6, 4]),
    rand([5, 4], 1, 2),
    ints([0, 5, 2, 2, -1]),
  ]),
  opCase('incSubtensor p[rows, labels] += y (the NLL gradient)', (p, y, r, l) => T.incSubtensor(p.get(r as Variable, l as Variable), y), [
    rand([5, 3]),
    rand([5], 1, 2),
    ints([0, 1, 2, 3, 4]),
    ints([2, 0, 1, 1, 2]),
  ]),
  opCase('incSubtensor of bool x[iv] += y stays 0/1', (x, y, iv) => T.incSubtensor(x.get(iv as Variable), y), [
    rand([4, 3], 0, 2, 'bool'),
    rand([3, 3], 0, 2, 'bool', 2),
    ints([3, 1, 3]),
  ]),
  opCase('incSubtensor x[iv] += y broadcast (1,)', (x, y, iv) => T.incSubtensor(x.get(iv as Variable), y), [rand([4, 3]), rand([1], 1, 2), ints([3, 1, 3])]),
  opCase('incSubtensor x[iv] over 1,500 indices (loop past 1,000)', (x, y, iv) => T.incSubtensor(x.get(iv as Variable), y), [
    rand([7, 2]),
    rand([1500, 2], 0, 1),
    ints(Array.from({ length: 1500 }, (_, k) => (k * 5) % 7)),
  ]),
];

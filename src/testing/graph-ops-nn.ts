/** Random-graph ops, continued: dot and outer, the nnet functions, conv2d and pooling; and the default set. */
import { constant } from '../ir/constant.js';
import { NDArray } from '../ir/ndarray.js';
import { T } from '../index.js';
import { convOutSize, padFor } from '../ops/conv-geometry.js';
import { pooledLength, type PoolMode } from '../ops/pool-geometry.js';
import {
  bits,
  elementwiseOps,
  indexingOps,
  kinkOps,
  reductionOps,
  reshapeTo,
  shapeOps,
  sizeOf,
  toImage,
  toMatrix,
  toMatrixOrVector,
  type Built,
  type GraphOp,
} from './graph-ops.js';

export const linearOps: readonly GraphOp[] = [
  {
    name: 'dot',
    arity: 1,
    build: ([a0], p, ctx) => {
      const a = toMatrixOrVector(a0!);
      const m = 1 + (p % 3);
      const variant = bits(p, 2, 2);
      if (variant === 0 || a.shape.length === 1) {
        // a · W (vector·matrix or matrix·matrix)
        const k = a.shape[a.shape.length - 1]!;
        const w = ctx.param([k, m]);
        return { v: T.dot(a.v, w.v), shape: [...a.shape.slice(0, -1), m] };
      }
      if (variant === 1) {
        // W · a (matrix·matrix)
        const w = ctx.param([m, a.shape[0]!]);
        return { v: T.dot(w.v, a.v), shape: [m, a.shape[1]!] };
      }
      // a · w (matrix·vector)
      const w = ctx.param([a.shape[1]!]);
      return { v: T.dot(a.v, w.v), shape: [a.shape[0]!] };
    },
  },
  {
    name: 'outer',
    arity: 2,
    build: ([a, b]) => {
      const head = (x: Built): Built => {
        const flat: Built = { v: T.flatten(x.v), shape: [sizeOf(x.shape)] };
        return flat.shape[0]! <= 4 ? flat : { v: flat.v.get(T.slice(0, 4)), shape: [4] };
      };
      const u = head(a!);
      const w = head(b!);
      return { v: T.outer(u.v, w.v), shape: [u.shape[0]!, w.shape[0]!] };
    },
  },
];

export const nnetOps: readonly GraphOp[] = [
  {
    name: 'softmax',
    arity: 1,
    build: ([a0]) => {
      const a = toMatrixOrVector(a0!);
      return { v: T.nnet.softmax(a.v), shape: a.shape };
    },
  },
  {
    name: 'logSoftmax',
    arity: 1,
    build: ([a0]) => {
      const a = toMatrixOrVector(a0!);
      return { v: T.nnet.logSoftmax(a.v), shape: a.shape };
    },
  },
  {
    name: 'categoricalCrossentropy',
    arity: 1,
    build: ([a0], p) => {
      const a = toMatrix(a0!);
      const [rows, cols] = a.shape as [number, number];
      const labels = new NDArray(
        'int32',
        [rows],
        Int32Array.from({ length: rows }, (_, i) => (p + 3 * i) % cols),
      );
      return { v: T.nnet.categoricalCrossentropy(T.nnet.softmax(a.v), constant(labels)), shape: [rows] };
    },
  },
  {
    name: 'binaryCrossentropy',
    arity: 1,
    build: ([a], p) => {
      const n = sizeOf(a!.shape);
      const targets = new NDArray(
        'float64',
        a!.shape.slice(),
        Float64Array.from({ length: n }, (_, i) => ((p + 7 * i) % 10) / 10 + 0.05),
      );
      return { v: T.nnet.binaryCrossentropy(T.nnet.sigmoid(a!.v), constant(targets)), shape: a!.shape.slice() };
    },
  },
];

const BORDER = ['valid', 'full', 'half'] as const;
const POOL_MODES: readonly PoolMode[] = ['max', 'sum', 'averageIncPad', 'averageExcPad', 'l2'];

export const convPoolOps: readonly GraphOp[] = [
  {
    name: 'conv2d',
    arity: 1,
    build: ([a0], p, ctx) => {
      const x = toImage(a0!, p);
      const [batch, channels, h, w] = x.shape as [number, number, number, number];
      const borderMode = BORDER[p % 3]!;
      const fh = 1 + (bits(p, 2, 2) % Math.min(3, borderMode === 'valid' ? h : 3));
      const fw = 1 + (bits(p, 4, 2) % Math.min(3, borderMode === 'valid' ? w : 3));
      const subsample: [number, number] = [1 + bits(p, 6, 1), 1 + bits(p, 7, 1)];
      const filterFlip = bits(p, 8, 1) === 0;
      const outChannels = 1 + bits(p, 9, 1);
      const filters = ctx.param([outChannels, channels, fh, fw]);
      const oh = convOutSize(h, fh, padFor(borderMode, 0, fh), subsample[0]);
      const ow = convOutSize(w, fw, padFor(borderMode, 1, fw), subsample[1]);
      return { v: T.nnet.conv2d(x.v, filters.v, { borderMode, subsample, filterFlip }), shape: [batch, outChannels, oh, ow] };
    },
  },
  {
    name: 'pool2d',
    arity: 1,
    build: ([a0], p) => {
      const a = a0!.shape.length >= 2 ? a0! : reshapeTo(a0!, a0!.shape.length === 1 ? [1, a0!.shape[0]!] : [1, 1]);
      const h = a.shape[a.shape.length - 2]!;
      const w = a.shape[a.shape.length - 1]!;
      const mode = POOL_MODES[p % POOL_MODES.length]!;
      const ignoreBorder = bits(p, 3, 1) === 1;
      const ws: [number, number] = [1 + (bits(p, 4, 2) % Math.min(3, h)), 1 + (bits(p, 6, 2) % Math.min(3, w))];
      const stride: [number, number] = bits(p, 8, 1) ? [1, 1] : ws;
      const pad: [number, number] = ignoreBorder && bits(p, 9, 1) ? [Math.min(1, ws[0] - 1), Math.min(1, ws[1] - 1)] : [0, 0];
      const oh = pooledLength(h, ws[0], stride[0], pad[0], ignoreBorder);
      const ow = pooledLength(w, ws[1], stride[1], pad[1], ignoreBorder);
      const v = T.signal.maxPool2d(a.v, { ws, stride, pad, ignoreBorder, mode });
      return { v, shape: [...a.shape.slice(0, -2), oh, ow] };
    },
  },
];

/** Every differentiable op family: what `graphArb` draws from unless told otherwise. */
export const defaultGraphOps: readonly GraphOp[] = [
  ...elementwiseOps,
  ...kinkOps,
  ...reductionOps,
  ...shapeOps,
  ...indexingOps,
  ...linearOps,
  ...nnetOps,
  ...convPoolOps,
];

/** GPU cases for pooling, its gradient and max pooling's second derivative. */
import * as theano from '../../../src/index.js';
import type { NDArray } from '../../../src/ir/ndarray.js';
import { resolvePoolOptions, type Pool2dOptions } from '../../../src/ops/pool-geometry.js';
import { maxPool2dGradGrad, pool2dGrad } from '../../../src/ops/pool2d-grad.js';
import { performOnHost } from '../check-case.js';
import type { GpuCase } from './types.js';
import { int32s, nodeOf, tiedF32, uniformF32 } from './nnet-data.js';

const { T } = theano;

interface PoolSetup {
  name: string;
  x: number[];
  opts: Pool2dOptions;
  /** Inputs from a few small integers: many ties for the max. */
  ties?: boolean;
}

const setups: PoolSetup[] = [
  { name: 'network3 layer 1, 2x2', x: [10, 20, 24, 24], opts: {} },
  { name: 'network3 layer 2, 2x2', x: [10, 40, 8, 8], opts: {} },
  { name: '2x2 over odd sizes, ignoreBorder false', x: [2, 3, 5, 7], opts: { ignoreBorder: false }, ties: true },
  { name: '3x2 windows, strides (2,1), pad (1,1)', x: [1, 2, 7, 6], opts: { ws: [3, 2], stride: [2, 1], pad: [1, 1] }, ties: true },
  { name: '3x3 overlapping windows, stride 1, ignoreBorder false', x: [2, 5, 6], opts: { ws: 3, stride: 1, ignoreBorder: false }, ties: true },
  { name: '2x3 windows, strides (3,2) past the window, ignoreBorder false', x: [8, 9], opts: { ws: [2, 3], stride: [3, 2], ignoreBorder: false } },
];

const modes = ['max', 'sum', 'averageIncPad', 'averageExcPad', 'l2'] as const;

const valuesOf = (s: PoolSetup, seed: number) => (s.ties ? tiedF32(s.x, seed) : uniformF32(s.x, seed));
const nameOf = (s: PoolSetup, mode: string) => `${mode} ${s.name} (${s.x.join(',')})`;

function forward(s: PoolSetup, mode: string): GpuCase {
  return {
    name: `maxPool2d ${nameOf(s, mode)}`,
    build: () => ({ node: nodeOf(T.signal.pool2d(T.tensor('float32', s.x.length, 'x'), { ...s.opts, mode })), inputs: [valuesOf(s, 31)] }),
  };
}

/** x, its pooled z (by the CPU op, so that the device sees the exact maxima) and a gradient of z's shape. */
function pooled(s: PoolSetup, mode: string, seed: number) {
  const x = T.tensor('float32', s.x.length, 'x');
  const zNode = nodeOf(T.signal.pool2d(x, { ...s.opts, mode }));
  const xv = valuesOf(s, seed);
  const [zv] = performOnHost(zNode, [xv]) as [NDArray];
  return { x, z: zNode.outputs[0]!, xv, zv, p: resolvePoolOptions({ ...s.opts, mode }) };
}

function grad(s: PoolSetup, mode: string): GpuCase {
  return {
    name: `maxPool2dGrad ${nameOf(s, mode)}`,
    build: () => {
      const { x, z, xv, zv, p } = pooled(s, mode, 32);
      const gz = T.tensor('float32', s.x.length, 'gz');
      const gzv = uniformF32(zv.shape, 33);
      const takesZ = mode === 'max' || mode === 'l2';
      return { node: nodeOf(pool2dGrad(p, x, takesZ ? z : null, gz)), inputs: takesZ ? [xv, zv, gzv] : [xv, gzv] };
    },
  };
}

function gradGrad(s: PoolSetup): GpuCase {
  return {
    name: `maxPool2dGradGrad ${nameOf(s, 'max')}`,
    build: () => {
      const { x, z, xv, zv, p } = pooled(s, 'max', 34);
      const ggx = T.tensor('float32', s.x.length, 'ggx');
      return { node: nodeOf(maxPool2dGradGrad(p, x, z, ggx)), inputs: [xv, zv, uniformF32(s.x, 35)] };
    },
  };
}

/** An l2 gradient where some windows are all zeros (z = 0: those windows send nothing back). */
const l2ZeroWindows: GpuCase = {
  name: 'maxPool2dGrad l2 with all-zero windows',
  build: () => {
    const s: PoolSetup = { name: 'zeros', x: [1, 4, 6], opts: { ws: 2, stride: 1 } };
    const { x, z, p } = pooled(s, 'l2', 36);
    const xv = uniformF32(s.x, 37);
    for (let i = 0; i < 12; i++) xv.data[i] = 0;
    const zv = performOnHost(nodeOf(z), [xv])[0]!;
    return { node: nodeOf(pool2dGrad(p, x, z, T.ftensor3('gz'))), inputs: [xv, zv, uniformF32(zv.shape, 38)] };
  },
};

export const POOL_CASES: GpuCase[] = [
  ...setups.flatMap((s) => modes.map((m) => forward(s, m))),
  ...setups.flatMap((s) => modes.map((m) => grad(s, m))),
  ...setups.map(gradGrad),
  l2ZeroWindows,
  {
    name: 'maxPool2d int32 2x2 over (2,5,5), ignoreBorder false',
    build: () => ({ node: nodeOf(T.signal.maxPool2d(T.tensor('int32', 3, 'x'), { ignoreBorder: false })), inputs: [int32s([2, 5, 5], 39, -1000, 1000)] }),
  },
];

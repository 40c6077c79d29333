/** GPU cases for conv2d and its two gradients: network3's layers, border modes, strides, flips, odd sizes. */
import * as theano from '../../../src/index.js';
import { geometry, normalizeConvOptions, type ConvOptions } from '../../../src/ops/conv-geometry.js';
import { conv2dGradFilters } from '../../../src/ops/conv2d-grad-filters.js';
import { conv2dGradInputs } from '../../../src/ops/conv2d-grad-input.js';
import type { GpuCase } from './types.js';
import { compiledNode, feed, int32Scalar, nodeOf, sumTolerance, uniformF32 } from './nnet-data.js';

const { T } = theano;

interface ConvSetup {
  name: string;
  /** Images (batch, channels, rows, cols) and filters (outChannels, channels, rows, cols). */
  x: number[];
  w: number[];
  opts?: ConvOptions;
}

const setups: ConvSetup[] = [
  { name: 'network3 layer 1', x: [10, 1, 28, 28], w: [20, 1, 5, 5] },
  { name: 'network3 layer 2', x: [10, 20, 12, 12], w: [40, 20, 5, 5] },
  { name: 'full, non-square', x: [2, 3, 7, 5], w: [4, 3, 3, 2], opts: { borderMode: 'full' } },
  { name: 'half, even filter rows', x: [2, 2, 6, 7], w: [3, 2, 4, 3], opts: { borderMode: 'half' } },
  { name: 'padding (1,2), strides (2,3)', x: [2, 3, 9, 11], w: [2, 3, 3, 4], opts: { borderMode: [1, 2], subsample: [2, 3] } },
  { name: 'no flip, strides 2, a last row the strides skip', x: [3, 2, 10, 9], w: [2, 2, 3, 3], opts: { subsample: [2, 2], filterFlip: false } },
  { name: 'strides (3,3) past a 2x2 filter', x: [1, 2, 8, 8], w: [3, 2, 2, 2], opts: { subsample: [3, 3] } },
  { name: 'full, no flip, strides (2,1)', x: [2, 1, 5, 6], w: [2, 1, 3, 3], opts: { borderMode: 'full', filterFlip: false, subsample: [2, 1] } },
];

function forward(s: ConvSetup): GpuCase {
  return {
    name: `conv2d ${s.name} (${s.x.join(',')})⊛(${s.w.join(',')})`,
    build: () => ({
      node: nodeOf(T.nnet.conv2d(T.ftensor4('x'), T.ftensor4('w'), s.opts)),
      inputs: [uniformF32(s.x, 21), uniformF32(s.w, 22)],
    }),
    ...sumTolerance(termsOf(s).forward),
  };
}

const geometryOf = (s: ConvSetup) => geometry(normalizeConvOptions(s.opts), s.x[0]!, s.x[1]!, s.x[2]!, s.x[3]!, s.w[0]!, s.w[2]!, s.w[3]!);

/** The output gradient's shape of a setup. */
function gzShape(s: ConvSetup): number[] {
  const g = geometryOf(s);
  return [g.batch, g.outC, g.outR, g.outW];
}

/** How many products each op's output element sums (for its tolerance). */
function termsOf(s: ConvSetup): { forward: number; gradInputs: number; gradFilters: number } {
  const g = geometryOf(s);
  const taps = Math.ceil(g.fR / g.strideR) * Math.ceil(g.fW / g.strideW);
  return { forward: g.inC * g.fR * g.fW, gradInputs: g.outC * taps, gradFilters: g.batch * g.outR * g.outW };
}

function gradInputs(s: ConvSetup): GpuCase {
  return {
    name: `conv2dGradInputs ${s.name} (${s.x.join(',')})`,
    build: () => {
      const sizes = [T.iscalar('rows'), T.iscalar('cols')] as const;
      const node = nodeOf(conv2dGradInputs(T.ftensor4('w'), T.ftensor4('gz'), sizes, normalizeConvOptions(s.opts)));
      return { node, inputs: [uniformF32(s.w, 23), uniformF32(gzShape(s), 24), int32Scalar(s.x[2]!), int32Scalar(s.x[3]!)] };
    },
    ...sumTolerance(termsOf(s).gradInputs),
  };
}

function gradFilters(s: ConvSetup): GpuCase {
  return {
    name: `conv2dGradFilters ${s.name} (${s.w.join(',')})`,
    build: () => {
      const sizes = [T.iscalar('fRows'), T.iscalar('fCols')] as const;
      const node = nodeOf(conv2dGradFilters(T.ftensor4('x'), T.ftensor4('gz'), sizes, normalizeConvOptions(s.opts)));
      return { node, inputs: [uniformF32(s.x, 25), uniformF32(gzShape(s), 26), int32Scalar(s.w[2]!), int32Scalar(s.w[3]!)] };
    },
    ...sumTolerance(termsOf(s).gradFilters),
  };
}

/** The gradient nodes of a compiled cost Σ conv2d(x, w) · t: the nodes T.grad builds, with their shape inputs. */
function compiledGradient(opName: string, values: (s: ConvSetup) => theano.NDArray[]): GpuCase {
  const s = setups[4]!;
  return {
    name: `${opName} from T.grad of a compiled conv2d cost, ${s.name}`,
    build: () => {
      const [x, w, t] = [T.ftensor4('x'), T.ftensor4('w'), T.ftensor4('t')];
      const cost = T.sum(T.mul(T.nnet.conv2d(x, w, s.opts), t));
      const node = compiledNode([x, w, t], T.grad(cost, [x, w]), opName);
      return { node, inputs: feed(node, values(s)) };
    },
    ...sumTolerance(Math.max(...Object.values(termsOf(s)))),
  };
}

export const CONV_CASES: GpuCase[] = [
  ...setups.map(forward),
  ...setups.map(gradInputs),
  ...setups.map(gradFilters),
  compiledGradient('conv2dGradInputs', (s) => [uniformF32(s.w, 27), uniformF32(gzShape(s), 28), int32Scalar(s.x[2]!), int32Scalar(s.x[3]!)]),
  compiledGradient('conv2dGradFilters', (s) => [uniformF32(s.x, 29), uniformF32(gzShape(s), 30), int32Scalar(s.w[2]!), int32Scalar(s.w[3]!)]),
];

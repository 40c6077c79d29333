/** GPU cases for dot, gemm and gemv. */
import * as theano from '../../../src/index.js';
import { gemm, type GemmParams } from '../../../src/ops/gemm.js';
import { gemv } from '../../../src/ops/gemv.js';
import type { GpuCase } from './types.js';
import { compiledNode, f32Scalar, feed, int32s, nodeOf, sumTolerance, uniformF32 } from './nnet-data.js';

const { T } = theano;

const dotCase = (name: string, a: number[], b: number[], extra: Partial<GpuCase> = {}): GpuCase => ({
  name: `dot ${name} (${a.join(',')})·(${b.join(',')})`,
  build: () => ({
    node: nodeOf(T.dot(T.tensor('float32', a.length, 'a'), T.tensor('float32', b.length, 'b'))),
    inputs: [uniformF32(a, a.length * 10 + b[0]!), uniformF32(b, 7 + b.length)],
  }),
  ...extra,
});

const variants: GemmParams[] = [false, true].flatMap((transA) =>
  [false, true].flatMap((transB) => [false, true].map((accumulate) => ({ transA, transB, accumulate }))),
);

/** gemm of an m×k by k×n product (operands stored transposed as the params say), Z of shape `z` when accumulating. */
function gemmCase(p: GemmParams, [m, k, n]: number[], z: number[] = [m!, n!]): GpuCase {
  const aShape = p.transA ? [k!, m!] : [m!, k!];
  const bShape = p.transB ? [n!, k!] : [k!, n!];
  return {
    name: `gemm ${JSON.stringify(p)} ${m}x${k}·${k}x${n}${p.accumulate ? ` + Z (${z.join(',')})` : ''}`,
    build: () => {
      const [a, b] = [T.fmatrix('a'), T.fmatrix('b')];
      const alpha = T.fscalar('alpha');
      const prod = { alpha: f32Scalar(-0.75), a: uniformF32(aShape, 3), b: uniformF32(bShape, 4) };
      if (!p.accumulate) return { node: nodeOf(gemm(p, [alpha, a, b])), inputs: [prod.alpha, prod.a, prod.b] };
      const node = nodeOf(gemm(p, [T.fmatrix('z'), T.fscalar('beta'), alpha, a, b]));
      return { node, inputs: [uniformF32(z, 5), f32Scalar(1.5), prod.alpha, prod.a, prod.b] };
    },
  };
}

function gemvCase(transA: boolean, [m, k]: number[], z?: number): GpuCase {
  return {
    name: `gemv transA=${transA} ${m}x${k}·${k}${z === undefined ? '' : ` + z (${z})`}`,
    build: () => {
      const p = { transA, accumulate: z !== undefined };
      const prod = [T.fscalar('alpha'), T.fmatrix('a'), T.fvector('x')];
      const values = [f32Scalar(0.5), uniformF32(transA ? [k!, m!] : [m!, k!], 8), uniformF32([k!], 9)];
      if (z === undefined) return { node: nodeOf(gemv(p, prod)), inputs: values };
      return { node: nodeOf(gemv(p, [T.fvector('z'), T.fscalar('beta'), ...prod])), inputs: [uniformF32([z], 10), f32Scalar(-2), ...values] };
    },
  };
}

/** network3's fully connected layer, 640 → 100, and its gradients, as the optimizer compiles them. */
function network3Layer() {
  const x = T.fmatrix('x');
  const W = T.fmatrix('W');
  const b = T.fvector('b');
  const cost = T.sum(T.nnet.sigmoid(T.add(T.dot(x, W), b)));
  return { inputs: [x, W, b], outputs: [cost, ...T.grad(cost, [x, W])] };
}

export const PRODUCT_CASES: GpuCase[] = [
  dotCase('matrix·matrix', [3, 4], [4, 5]),
  dotCase('matrix·vector', [6, 7], [7]),
  dotCase('vector·matrix', [7], [7, 6]),
  dotCase('vector·vector', [9], [9]),
  dotCase('network3 FC', [10, 640], [640, 100], sumTolerance(640)),
  // K = 5,000: a loop past gpu.js's default 1,000 iterations.
  dotCase('long inner dimension', [2, 5000], [5000, 3], { rtol: 1e-4, atol: 1e-4 }),
  {
    name: 'dot int32 (4,3)·(3,2)',
    build: () => ({ node: nodeOf(T.dot(T.imatrix('a'), T.imatrix('b'))), inputs: [int32s([4, 3], 1, -50, 50), int32s([3, 2], 2, -50, 50)] }),
  },
  ...variants.map((p) => gemmCase(p, [5, 7, 3])),
  gemmCase({ transA: false, transB: false, accumulate: true }, [5, 7, 3], [1, 3]),
  gemmCase({ transA: true, transB: false, accumulate: true }, [5, 7, 3], [5, 1]),
  gemmCase({ transA: false, transB: true, accumulate: true }, [5, 7, 3], [1, 1]),
  // A one-row product broadcast over a larger Z (Gemm.perform's broadcastProduct).
  gemmCase({ transA: false, transB: false, accumulate: true }, [1, 7, 3], [4, 3]),
  gemvCase(false, [6, 5]),
  gemvCase(true, [6, 5]),
  gemvCase(false, [6, 5], 6),
  gemvCase(true, [6, 5], 1),
  {
    name: 'gemm network3 FC forward x·W + b (10,640)·(640,100), compiled',
    build: () => {
      const { inputs, outputs } = network3Layer();
      const node = compiledNode(inputs, outputs, 'gemm{z=true}');
      return { node, inputs: feed(node, [uniformF32([1, 100], 11), uniformF32([10, 640], 12), uniformF32([640, 100], 13, -0.1, 0.1)]) };
    },
    ...sumTolerance(640),
  },
  {
    name: 'gemm network3 FC weight gradient xᵀ·delta (640,10)·(10,100), compiled',
    build: () => {
      const { inputs, outputs } = network3Layer();
      const node = compiledNode(inputs, outputs, 'gemm{transA=true}');
      return { node, inputs: feed(node, [uniformF32([10, 640], 14), uniformF32([10, 100], 15)]) };
    },
  },
];

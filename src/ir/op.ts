import type { TensorType } from './type.js';
import { Apply, Variable } from './variable.js';
import type { NDArray } from './ndarray.js';
import type { ScalarOp } from './scalar.js';
import type { TypedArray } from './dtype.js';
import { TsanoError } from '../util/errors.js';
import { userCallSite } from '../util/site.js';

/**
 * Everything an op means, in one object: type and shape inference, a reference implementation, a gradient
 * built from other ops, and how to print it. Ops are immutable; parameters (axes, patterns) live on the op.
 */
export interface Op {
  /** The user-level name: 'add', 'dot', 'sum'. */
  readonly name: string;
  /** Parameters that distinguish ops of one name, used by printing and merging. */
  readonly params?: Readonly<Record<string, unknown>>;
  /** The scalar body of an elementwise op (fusion and every renderer read it). */
  readonly scalar?: ScalarOp;
  /** Output types from input types; throws an error naming the op and the inputs. */
  inferTypes(inputs: readonly Variable[]): TensorType[];
  /** Output shapes at run time (some ops read the values of small int inputs, e.g. reshape, arange). */
  outputShapes(inputs: readonly NDArray[], node: Apply): number[][];
  /**
   * The reference implementation: fills the preallocated `outputs` (never aliases an input). A backend may lend
   * faster inner kernels through `ctx` (ops that use them fall back to their own).
   */
  perform(inputs: readonly NDArray[], outputs: NDArray[], node: Apply, ctx?: PerformContext): void;
  /**
   * Gradient of the cost with respect to each input, given gradients of the outputs (zeros are filled in
   * for outputs the cost does not use). `null` means no gradient flows to that input (disconnected).
   */
  grad(inputs: readonly Variable[], outputs: readonly Variable[], outputGrads: readonly Variable[]): (Variable | null)[];
  /** Generated source of the kernel that runs this node, for `f.kernels()` (ops without one show `perform`). */
  kernelSource?(node: Apply): string;
  /** The user-level ops this node computes when it stands for several (fused kernels, gemm). */
  userOps?(node: Apply): string[];
  /** Prints an application in pp's infix/functional style. */
  pp?(args: string[]): string;
  /** `sum{axis=1}` */
  toString(): string;
}

/** C[cOff + i·ldc + j] += Σ_k A[aOff + i·K + k] · B[bOff + j·K + k]: the GEMM the convolutions are built on. */
export type GemmNT = (
  M: number,
  N: number,
  K: number,
  A: Float64Array,
  aOff: number,
  B: Float64Array,
  bOff: number,
  C: Float64Array,
  cOff: number,
  ldc: number,
) => void;

/**
 * Inner kernels a backend lends to an op's reference implementation: a GEMM, and the work area it needs (a
 * float32 one for a float32 GEMM, typed as the float64 the reference code is written against).
 */
export interface PerformContext {
  gemmNT?: GemmNT;
  scratch?: (n: number) => Float64Array;
  /** Whole convolution kernels; each returns false for a geometry it does not take (the op's own code runs). */
  conv?: ConvKernels;
}

/** Everything a convolution kernel needs about one call, resolved from run-time shapes (ops/conv-geometry.ts). */
export interface ConvGeometry {
  batch: number;
  inC: number;
  inR: number;
  inW: number;
  outC: number;
  fR: number;
  fW: number;
  padR: number;
  padW: number;
  strideR: number;
  strideW: number;
  outR: number;
  outW: number;
}

/** y = conv2d(x, w); gx and gw its gradients from gz (layouts as the ops': NCHW images, OCHW filters). */
export interface ConvKernels {
  forward(g: ConvGeometry, x: TypedArray, w: TypedArray, flip: boolean, y: TypedArray): boolean;
  gradInputs(g: ConvGeometry, w: TypedArray, gz: TypedArray, flip: boolean, gx: TypedArray): boolean;
  gradFilters(g: ConvGeometry, x: TypedArray, gz: TypedArray, flip: boolean, gw: TypedArray): boolean;
}

/** Applies `op` to `inputs`, inferring output types; errors gain the user's call site. */
export function applyOp(op: Op, inputs: Variable[]): Variable[] {
  const site = userCallSite();
  let types: TensorType[];
  try {
    types = op.inferTypes(inputs);
  } catch (e) {
    if (e instanceof TsanoError && site && !e.message.includes('Created at')) {
      e.message = `${e.message.replace(/\.?$/, '.')} Created at ${site}.`;
    }
    throw e;
  }
  return new Apply(op, inputs, types, site).outputs;
}

/** Applies a single-output op. */
export function apply1(op: Op, inputs: Variable[]): Variable {
  return applyOp(op, inputs)[0]!;
}

/** Formats op parameters as Theano prints them: `name{k=v,...}`. */
export function opToString(name: string, params?: Readonly<Record<string, unknown>>): string {
  if (!params) return name;
  const parts = Object.entries(params)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? `(${v.map(String).join(',')})` : String(v)}`);
  return parts.length ? `${name}{${parts.join(',')}}` : name;
}

import { NDArray } from '../ir/ndarray.js';
import { allocArray, isFloat } from '../ir/dtype.js';
import { broadcastRuntime, broadcastStatic } from '../util/shape.js';
import { apply1, opToString, type Op } from '../ir/op.js';
import { TensorType } from '../ir/type.js';
import { Constant, type Apply, type Variable } from '../ir/variable.js';
import { ShapeError, TypeMismatchError } from '../util/errors.js';
import { scratch64 } from './scratch.js';
import { gemmKernel, type GemmVariant } from './gemm-kernel.js';
import { dot } from './dot.js';
import { transpose } from './dimshuffle.js';
import { mul } from './elemwise/mul.js';
import { sum } from './sum.js';
import { sumTo } from './sum-to.js';

export type GemmParams = {
  transA: boolean;
  transB: boolean;
  /** With Z: inputs (Z, beta, alpha, A, B) and out = beta*Z + alpha*op(A)·op(B); without: (alpha, A, B). */
  accumulate: boolean;
};

/**
 * BLAS's GEMM for matrices (Theano's Gemm/Dot22): out = beta*Z + alpha * op(A)·op(B), op transposing or not.
 * The specialize phase builds it from `dot`, transposes and scaled sums, so that a training step's
 * `W - eta * dot(x.T, delta)` is one pass that reads x without a transposed copy. Results equal the unfused
 * graph's bit for bit: each stage is rounded to the output dtype as the separate ops would store it.
 */
export class Gemm implements Op {
  readonly name: string = 'gemm';
  readonly params: GemmParams;

  constructor(params: GemmParams) {
    this.params = { ...params };
  }

  /** The same kind of kernel with other parameters and inputs (rules rebuild gemm and gemv alike). */
  rebuild(params: GemmParams, inputs: Variable[]): Variable {
    return apply1(new (this.constructor as new (p: GemmParams) => Gemm)(params), inputs);
  }

  protected split<T>(inputs: readonly T[]): { z?: T; beta?: T; alpha: T; a: T; b: T } {
    return this.params.accumulate
      ? { z: inputs[0], beta: inputs[1], alpha: inputs[2]!, a: inputs[3]!, b: inputs[4]! }
      : { alpha: inputs[0]!, a: inputs[1]!, b: inputs[2]! };
  }

  inferTypes(inputs: readonly Variable[]): TensorType[] {
    const { z, beta, alpha, a, b } = this.split(inputs);
    if (a.ndim !== 2 || b.ndim !== 2 || a.dtype !== b.dtype || !isFloat(a.dtype))
      throw new TypeMismatchError(`gemm: A and B must be float matrices of one dtype; got ${a.describe()} and ${b.describe()}`);
    for (const s of [alpha, beta]) if (s && s.ndim !== 0) throw new TypeMismatchError(`gemm: alpha and beta must be scalars; got ${s.describe()}`);
    const [m, k1] = this.dims(a.type.shape, this.params.transA);
    const [k2, n] = this.dims(b.type.shape, this.params.transB);
    if (k1 !== null && k2 !== null && k1 !== k2) throw new ShapeError(`gemm: inner dimensions differ: ${a.describe()} and ${b.describe()}`);
    if (z && (z.dtype !== a.dtype || z.ndim !== 2)) throw new TypeMismatchError(`gemm: Z must be a ${a.dtype} matrix; got ${z.describe()}`);
    if (!z) return [new TensorType(a.dtype, [m, n])];
    const out = broadcastStatic([[m, n], z.type.shape]);
    if ('axis' in out) throw new ShapeError(`gemm: Z does not broadcast with the product: ${z.describe()}, ${a.describe()}, ${b.describe()}`);
    return [new TensorType(a.dtype, out.shape)];
  }

  protected dims<T>(shape: readonly T[], trans: boolean): [T, T] {
    return trans ? [shape[1]!, shape[0]!] : [shape[0]!, shape[1]!];
  }

  outputShapes(inputs: readonly NDArray[], node: Apply): number[][] {
    const { z, a, b } = this.split(inputs);
    const [m, k1] = this.dims(a.shape, this.params.transA);
    const [k2, n] = this.dims(b.shape, this.params.transB);
    const off = this.params.accumulate ? 3 : 1;
    const fail = (what: string) => {
      const operands = [
        node.inputs[off]!.describeWithShape(a.shape),
        node.inputs[off + 1]!.describeWithShape(b.shape),
        ...(z ? [node.inputs[0]!.describeWithShape(z.shape)] : []),
      ];
      // Named after the user's op: the kernel computes their dot.
      return new ShapeError(`dot: ${what}: ${operands.join(' and ')}.${node.outputs[0]!.createdAt()}`);
    };
    if (k1 !== k2) throw fail('inner dimensions differ');
    if (!z) return [[m!, n!]];
    const out = broadcastRuntime([[m!, n!], z.shape]);
    if (!Array.isArray(out)) throw fail(`Z does not broadcast with the ${m}x${n} product`);
    return [out];
  }

  perform(inputs: readonly NDArray[], [out]: NDArray[]): void {
    const { z, beta, alpha, a, b } = this.split(inputs);
    const [m, k] = this.dims(a.shape, this.params.transA);
    const n = this.dims(b.shape, this.params.transB)[1];
    const skip = shouldSkipZeros(a.data, b.data);
    if (z && (out!.shape[0] !== m || out!.shape[1] !== n)) return this.broadcastProduct(m, n, k, a, b, z, out!, alpha.item(), beta!.item(), skip);
    const kernel = gemmKernel(this.variant(a, b, z, out!)).fn;
    const [zRow, zCol] = z ? [z.shape[0] === 1 ? 0 : z.shape[1]!, z.shape[1] === 1 ? 0 : 1] : [0, 0];
    kernel(m, n, k, a.data, b.data, z?.data ?? null, zRow, zCol, out!.data, alpha.item(), beta?.item() ?? 0, scratch64(n), skip);
  }

  /** The rare case where Z is larger than a product with one row or column: the product broadcasts over Z. */
  private broadcastProduct(
    m: number,
    n: number,
    k: number,
    a: NDArray,
    b: NDArray,
    z: NDArray,
    out: NDArray,
    alpha: number,
    beta: number,
    skip: boolean,
  ): void {
    const prod = new NDArray(out.dtype, [m, n], allocArray(out.dtype, m * n));
    gemmKernel({ ...this.params, accumulate: false, types: 'broadcast', float32: out.dtype === 'float32' }).fn(
      m,
      n,
      k,
      a.data,
      b.data,
      null,
      0,
      0,
      prod.data,
      alpha,
      0,
      scratch64(n),
      skip,
    );
    const r = out.dtype === 'float32' ? Math.fround : (x: number) => x;
    const [rows, cols] = out.shape as [number, number];
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        const zv = z.data[(z.shape[0] === 1 ? 0 : i * z.shape[1]!) + (z.shape[1] === 1 ? 0 : j)]!;
        out.data[i * cols + j] = r(r(beta * zv) + prod.data[(m === 1 ? 0 : i * n) + (n === 1 ? 0 : j)]!);
      }
    }
  }

  variant(a: NDArray, b: NDArray, z: NDArray | undefined, out: NDArray): GemmVariant {
    const types = [a, b, z ?? out, out].map((x) => x.data.constructor.name).join(',');
    return { ...this.params, types, float32: out.dtype === 'float32' };
  }

  /** Through dot and transposes, so that second derivatives and R-ops work on an optimised graph too. */
  grad(inputs: readonly Variable[], _o: readonly Variable[], [g]: readonly Variable[]): (Variable | null)[] {
    const { z, beta, alpha, a, b } = this.split(inputs);
    const { transA, transB } = this.params;
    const opA = transA ? transpose(a) : a;
    const opB = transB ? transpose(b) : b;
    const gOpA = mul(alpha, dot(g!, transpose(opB)));
    const gOpB = mul(alpha, dot(transpose(opA), g!));
    const gAlpha = sum(mul(g!, dot(opA, opB)));
    const gA = transA ? transpose(gOpA) : gOpA;
    const gB = transB ? transpose(gOpB) : gOpB;
    // Z may have been broadcast (a bias row): its gradient is summed back to its shape.
    return z ? [sumTo(mul(beta!, g!), z), sum(mul(g!, z)), gAlpha, gA, gB] : [gAlpha, gA, gB];
  }

  pp(args: string[]): string {
    const { z, beta, alpha, a, b } = this.split(args);
    const prod = `${alpha} * (${a}${this.params.transA ? '.T' : ''} \\dot ${b}${this.params.transB ? '.T' : ''})`;
    return z ? `(${beta} * ${z} + ${prod})` : prod;
  }

  toString(): string {
    return opToString('gemm', { transA: this.params.transA || undefined, transB: this.params.transB || undefined, z: this.params.accumulate || undefined });
  }

  /** The user's ops this kernel stands for: the dot, the scaling, the sum with Z. */
  userOps(node: Apply): string[] {
    const { alpha } = this.split(node.inputs);
    const scaled = !(alpha instanceof Constant && alpha.value.data[0] === 1);
    return [...(this.params.transA || this.params.transB ? ['transpose'] : []), 'dot', ...(scaled ? ['mul'] : []), ...(this.params.accumulate ? ['add'] : [])];
  }

  /** The generated kernel as it runs for this node's dtypes. */
  kernelSource(node: Apply): string {
    const float32 = node.outputs[0]!.dtype === 'float32';
    return gemmKernel({ ...this.params, types: '', float32 }).source;
  }
}

/**
 * Skipping zeros of A is exact only when B holds no Inf/NaN (0 * Inf is NaN); it pays when A is sparse
 * (MNIST pixels), so B is scanned only then.
 */
function shouldSkipZeros(A: ArrayLike<number>, B: ArrayLike<number>): boolean {
  let zeros = 0;
  for (let i = 0; i < A.length; i++) if (A[i] === 0) zeros++;
  if (zeros * 4 < A.length) return false;
  for (let i = 0; i < B.length; i++) if (B[i]! - B[i]! !== 0) return false;
  return true;
}

export function gemm(params: GemmParams, inputs: Variable[]): Variable {
  return apply1(new Gemm(params), inputs);
}

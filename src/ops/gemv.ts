import { NDArray } from '../ir/ndarray.js';
import { apply1 } from '../ir/op.js';
import { TensorType } from '../ir/type.js';
import type { Apply, Variable } from '../ir/variable.js';
import { isFloat } from '../ir/dtype.js';
import { ShapeError, TypeMismatchError } from '../util/errors.js';
import { broadcastRuntime, broadcastStatic } from '../util/shape.js';
import { Gemm, type GemmParams } from './gemm.js';
import { dot, outer } from './dot.js';
import { transpose } from './dimshuffle.js';
import { mul } from './elemwise/mul.js';
import { sum } from './sum.js';
import { sumTo } from './sum-to.js';

/** A vector as a one-column matrix over the same data. */
const column = (v: NDArray) => new NDArray(v.dtype, [v.size, 1], v.data);

/**
 * BLAS's GEMV: out = beta*z + alpha * op(A)·x for a matrix A and vectors x, z. What `dot` of a matrix and a vector
 * (either order: v·M is Mᵀ·v) becomes in the specialize phase, with the same absorbed scaling and sums as gemm.
 * It runs gemm's kernels on x and z seen as one-column matrices, so the rounding matches the unfused graph.
 */
export class Gemv extends Gemm {
  override readonly name: string = 'gemv';

  override inferTypes(inputs: readonly Variable[]): TensorType[] {
    const { z, beta, alpha, a, b: x } = this.split(inputs);
    if (a.ndim !== 2 || x.ndim !== 1 || a.dtype !== x.dtype || !isFloat(a.dtype))
      throw new TypeMismatchError(`gemv: takes a float matrix and a vector of its dtype; got ${a.describe()} and ${x.describe()}`);
    for (const s of [alpha, beta]) if (s && s.ndim !== 0) throw new TypeMismatchError(`gemv: alpha and beta must be scalars; got ${s.describe()}`);
    const [m, k] = this.dims(a.type.shape, this.params.transA);
    const kx = x.type.shape[0]!;
    if (k !== null && kx !== null && k !== kx) throw new ShapeError(`gemv: inner dimensions differ: ${a.describe()} and ${x.describe()}`);
    if (!z) return [new TensorType(a.dtype, [m])];
    if (z.dtype !== a.dtype || z.ndim !== 1) throw new TypeMismatchError(`gemv: z must be a ${a.dtype} vector; got ${z.describe()}`);
    const out = broadcastStatic([[m], z.type.shape]);
    if ('axis' in out) throw new ShapeError(`gemv: z does not broadcast with the product: ${z.describe()}, ${a.describe()}, ${x.describe()}`);
    return [new TensorType(a.dtype, out.shape)];
  }

  override outputShapes(inputs: readonly NDArray[], node: Apply): number[][] {
    const { z, a, b: x } = this.split(inputs);
    const [m, k] = this.dims(a.shape, this.params.transA);
    const off = this.params.accumulate ? 3 : 1;
    const fail = (what: string) => {
      const operands = [
        node.inputs[off]!.describeWithShape(a.shape),
        node.inputs[off + 1]!.describeWithShape(x.shape),
        ...(z ? [node.inputs[0]!.describeWithShape(z.shape)] : []),
      ];
      return new ShapeError(`dot: ${what}: ${operands.join(' and ')}.${node.outputs[0]!.createdAt()}`);
    };
    if (k !== x.shape[0]) throw fail('inner dimensions differ');
    if (!z) return [[m!]];
    const out = broadcastRuntime([[m!], z.shape]);
    if (!Array.isArray(out)) throw fail(`z does not broadcast with the product of length ${m}`);
    return [out];
  }

  override perform(inputs: readonly NDArray[], [out]: NDArray[]): void {
    super.perform(this.asMatrices(inputs), [column(out!)]);
  }

  private asMatrices(inputs: readonly NDArray[]): NDArray[] {
    const acc = this.params.accumulate;
    return inputs.map((v, i) => ((acc && i === 0) || i === inputs.length - 1 ? column(v) : v));
  }

  override grad(inputs: readonly Variable[], _o: readonly Variable[], [g]: readonly Variable[]): (Variable | null)[] {
    const { z, beta, alpha, a, b: x } = this.split(inputs);
    const opA = this.params.transA ? transpose(a) : a;
    const gOpA = mul(alpha, outer(g!, x));
    const gx = mul(alpha, dot(transpose(opA), g!));
    const gAlpha = sum(mul(g!, dot(opA, x)));
    const gA = this.params.transA ? transpose(gOpA) : gOpA;
    return z ? [sumTo(mul(beta!, g!), z), sum(mul(g!, z)), gAlpha, gA, gx] : [gAlpha, gA, gx];
  }

  override toString(): string {
    return super.toString().replace(/^gemm/, 'gemv');
  }
}

export function gemv(params: Omit<GemmParams, 'transB'>, inputs: Variable[]): Variable {
  return apply1(new Gemv({ ...params, transB: false }), inputs);
}

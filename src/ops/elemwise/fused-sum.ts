import { isFloat } from '../../ir/dtype.js';
import type { NDArray } from '../../ir/ndarray.js';
import { apply1, type Op } from '../../ir/op.js';
import { TensorType } from '../../ir/type.js';
import type { Apply, Variable } from '../../ir/variable.js';
import { ShapeError } from '../../util/errors.js';
import { broadcastRuntime } from '../../util/shape.js';
import { fill } from './fill.js';
import { FusedElementwise, kernelRank, type FusedStep } from './fused.js';
import { loopKernel, runSumLoop } from './loop.js';

/**
 * `sum` over all axes of an elementwise expression, in one pass that never stores the expression
 * (e.g. the L2 term `sum(sqr(w))`). Each value is rounded to its dtype before it is added, as the unfused
 * sum would read it; the sum accumulates in float64.
 */
export class FusedSum implements Op {
  readonly name = 'fusedSum';
  private readonly inner: FusedElementwise;

  constructor(
    readonly steps: readonly FusedStep[],
    readonly nInputs: number,
  ) {
    this.inner = new FusedElementwise(steps, nInputs);
  }

  get ops(): string[] {
    return [...this.inner.ops, 'sum'];
  }

  inferTypes(inputs: readonly Variable[]): TensorType[] {
    const d = this.inner.inferTypes(inputs)[0]!.dtype;
    return [new TensorType(isFloat(d) ? d : 'int32', [])];
  }

  outputShapes(inputs: readonly NDArray[], node: Apply): number[][] {
    const shape = broadcastRuntime(inputs.map((a) => a.shape));
    if (!Array.isArray(shape))
      throw new ShapeError(
        `${this.toString()}: inputs cannot be broadcast together on axis ${shape.axis}: ${node.inputs.map((v, i) => v.describeWithShape(inputs[i]!.shape)).join(' and ')}`,
      );
    return [[]];
  }

  perform(inputs: readonly NDArray[], [out]: NDArray[]): void {
    runSumLoop(this.inner.body, out!, inputs, broadcastRuntime(inputs.map((a) => a.shape)) as number[]);
  }

  grad(inputs: readonly Variable[], _outputs: readonly Variable[], [gz]: readonly Variable[]): (Variable | null)[] {
    const expression = apply1(this.inner, [...inputs]);
    return this.inner.grad(inputs, [expression], [fill(expression, gz!)]);
  }

  kernelSource(node: Apply): string {
    return this.source(kernelRank(node));
  }

  userOps(): string[] {
    return this.ops;
  }

  source(rank: number): string {
    return loopKernel(this.inner.body, this.nInputs, rank, true).toString();
  }

  toString(): string {
    return `fusedSum{${this.inner.expression()}}`;
  }
}

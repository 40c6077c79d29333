import type { NDArray } from '../ir/ndarray.js';
import { apply1 } from '../ir/op.js';
import { TensorType } from '../ir/type.js';
import { Constant, type Apply, type Variable } from '../ir/variable.js';
import { ShapeError, TypeMismatchError } from '../util/errors.js';
import { fill } from './elemwise/fill.js';
import { SumTo } from './sum-to.js';

/**
 * `sumTo` with the target shape given as int scalars instead of a reference tensor: what the optimiser uses
 * when the reference is a product whose shape is known from its operands, so the product itself can be fused
 * into another kernel (gemm) without being kept alive just for its shape.
 */
export class SumToShape extends SumTo {
  override inferTypes([g, ...dims]: readonly Variable[]): TensorType[] {
    if (g!.ndim !== dims.length) throw new ShapeError(`sumTo: ${g!.describe()} cannot be reduced to a rank-${dims.length} shape`);
    for (const d of dims) if (d.ndim !== 0) throw new TypeMismatchError(`sumTo: sizes must be int scalars; got ${d.describe()}`);
    return [
      new TensorType(
        g!.dtype,
        dims.map((d) => (d instanceof Constant ? d.value.item() : null)),
      ),
    ];
  }

  override outputShapes([g, ...dims]: readonly NDArray[], node: Apply): number[][] {
    const shape = dims.map((d) => d.item());
    shape.forEach((d, a) => {
      if (d !== 1 && d !== g!.shape[a])
        throw new ShapeError(`sumTo: cannot reduce ${node.inputs[0]!.describeWithShape(g!.shape)} to shape (${shape.join(', ')})`);
    });
    return [shape];
  }

  override grad([g, ...dims]: readonly Variable[], _o: readonly Variable[], [gz]: readonly Variable[]): (Variable | null)[] {
    return [fill(g!, gz!), ...dims.map(() => null)];
  }

  override toString(): string {
    return 'sumToShape';
  }
}

const op = new SumToShape();

export function sumToShape(g: Variable, dims: readonly Variable[]): Variable {
  return apply1(op, [g, ...dims]);
}

import type { NDArray } from '../ir/ndarray.js';
import { apply1, type Op } from '../ir/op.js';
import { TensorType } from '../ir/type.js';
import type { Apply, Variable } from '../ir/variable.js';
import { ShapeError } from '../util/errors.js';
import { fill } from './elemwise/fill.js';

/**
 * `sumTo(g, ref)`: sums `g` over the axes where `ref` has size 1 (at run time), giving `ref`'s shape. This is
 * how a gradient that was broadcast is reduced back to its input's shape; only `ref`'s shape is read.
 */
export class SumTo implements Op {
  readonly name = 'sumTo';

  inferTypes([g, ref]: readonly Variable[]): TensorType[] {
    if (g!.ndim !== ref!.ndim) throw new ShapeError(`sumTo: ${g!.describe()} and ${ref!.describe()} differ in rank`);
    return [new TensorType(g!.dtype, ref!.type.shape)];
  }

  outputShapes([g, ref]: readonly NDArray[], node: Apply): number[][] {
    ref!.shape.forEach((d, a) => {
      if (d !== 1 && d !== g!.shape[a]) {
        throw new ShapeError(
          `sumTo: cannot reduce ${node.inputs[0]!.describeWithShape(g!.shape)} to the shape of ${node.inputs[1]!.describeWithShape(ref!.shape)}`,
        );
      }
    });
    return [ref!.shape.slice()];
  }

  perform([g]: readonly NDArray[], [out]: NDArray[]): void {
    const o = out!.data;
    // Usually nothing was broadcast: a copy.
    if (g!.size === out!.size) return o.set(g!.data);
    o.fill(0);
    const rank = g!.ndim;
    const n = g!.size;
    const outStrides = out!.shape.map((d, a) => (d === 1 ? 0 : out!.strides[a]!));
    const idx = new Array<number>(rank).fill(0);
    const src = g!.data;
    let off = 0;
    for (let i = 0; i < n; i++) {
      o[off] += src[i]!;
      for (let ax = rank - 1; ax >= 0; ax--) {
        idx[ax]!++;
        off += outStrides[ax]!;
        if (idx[ax]! < g!.shape[ax]!) break;
        off -= outStrides[ax]! * idx[ax]!;
        idx[ax] = 0;
      }
    }
  }

  grad([g]: readonly Variable[], _o: readonly Variable[], [gz]: readonly Variable[]): (Variable | null)[] {
    return [fill(g!, gz!), null];
  }

  toString(): string {
    return 'sumTo';
  }
}

const sumToOp = new SumTo();

/** Reduces a broadcast gradient `g` to the shape of `ref`; no node when the static shapes already agree. */
export function sumTo(g: Variable, ref: Variable): Variable {
  const gs = g.type.shape;
  const rs = ref.type.shape;
  if (g.ndim === ref.ndim && rs.every((d, i) => d !== null && d === gs[i])) return g;
  return apply1(sumToOp, [g, ref]);
}

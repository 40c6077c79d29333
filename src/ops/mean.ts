import { isFloat, type DType } from '../ir/dtype.js';
import { scratch64 } from './scratch.js';
import type { NDArray } from '../ir/ndarray.js';
import { apply1 } from '../ir/op.js';
import type { Variable } from '../ir/variable.js';
import { cast } from './elemwise/cast.js';
import { div } from './elemwise/div.js';
import { fill } from './elemwise/fill.js';
import { mul } from './elemwise/mul.js';
import { Reduce, normalizeAxes, type AxisArg } from './reduce.js';
import { shapeOf } from './shape.js';
import { scalarLike } from './grad-helpers.js';

/** Mean over axes; integer inputs give float64, as Theano. */
export class Mean extends Reduce {
  readonly name = 'mean';

  protected override outDType(d: DType): DType {
    return isFloat(d) ? d : 'float64';
  }

  perform([x]: readonly NDArray[], [out]: NDArray[]): void {
    const o = out!.data;
    const acc = scratch64(o.length).fill(0);
    this.forEach(x!, (v, off) => {
      acc[off] += v;
    });
    const count = this.axes.reduce((n, a) => n * x!.shape[a]!, 1);
    for (let i = 0; i < o.length; i++) o[i] = acc[i]! / count;
  }

  grad([x]: readonly Variable[], [z]: readonly Variable[], [gz]: readonly Variable[]): (Variable | null)[] {
    if (!isFloat(x!.dtype)) return [null];
    const count = this.axes.reduce<Variable>((n, a) => mul(n, shapeOf(x!, a)), scalarLike(1, 'int32'));
    return [fill(x!, div(this.expandBack(gz!, x!.ndim), cast(count, z!.dtype)))];
  }
}

export function mean(x: Variable, axis?: AxisArg): Variable {
  return apply1(new Mean(normalizeAxes('mean', x, axis)), [x]);
}

import type { DType } from '../ir/dtype.js';
import { scratch64 } from './scratch.js';
import type { NDArray } from '../ir/ndarray.js';
import { apply1 } from '../ir/op.js';
import type { Variable } from '../ir/variable.js';
import { fill } from './elemwise/fill.js';
import { Reduce, normalizeAxes, type AxisArg } from './reduce.js';

/** Sum over axes; integers and booleans sum in int32 (Theano would use int64). */
export class Sum extends Reduce {
  readonly name = 'sum';

  protected override outDType(d: DType): DType {
    return d === 'bool' || d === 'uint8' ? 'int32' : d;
  }

  perform([x]: readonly NDArray[], [out]: NDArray[]): void {
    const o = out!.data;
    if (this.axes.length === x!.ndim) {
      let acc = 0;
      const d = x!.data;
      for (let i = 0; i < d.length; i++) acc += d[i]!;
      o[0] = acc;
      return;
    }
    // Accumulate in float64 so that float32 sums do not lose precision.
    const acc = scratch64(o.length).fill(0);
    this.forEach(x!, (v, off) => {
      acc[off] += v;
    });
    o.set(acc);
  }

  grad([x]: readonly Variable[], _o: readonly Variable[], [gz]: readonly Variable[]): (Variable | null)[] {
    return [fill(x!, this.expandBack(gz!, x!.ndim))];
  }
}

export function sum(x: Variable, axis?: AxisArg): Variable {
  return apply1(new Sum(normalizeAxes('sum', x, axis)), [x]);
}

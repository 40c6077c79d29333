import type { NDArray } from '../ir/ndarray.js';
import { scratch64 } from './scratch.js';
import { apply1 } from '../ir/op.js';
import type { Variable } from '../ir/variable.js';
import { ShapeError } from '../util/errors.js';
import { cast } from './elemwise/cast.js';
import { eq } from './elemwise/compare.js';
import { mul } from './elemwise/mul.js';
import { Reduce, normalizeAxes, type AxisArg } from './reduce.js';

/** Max or min over axes; NaN wins, as in NumPy. Gradient: every element equal to the extremum gets gz. */
export class Extremum extends Reduce {
  constructor(
    readonly name: 'max' | 'min',
    axes: readonly number[],
  ) {
    super(axes);
  }

  perform([x]: readonly NDArray[], [out]: NDArray[], node: import('../ir/variable.js').Apply): void {
    const o = out!.data;
    if (o.length === 0) return;
    // NumPy's rule: an empty result is fine, an extremum over no elements is not.
    if (x!.size === 0)
      throw new ShapeError(
        `${this.name}: reduction of an empty array: ${node.inputs[0]!.describeWithShape(x!.shape)} has no elements to take the ${this.name} of.${node.outputs[0]!.createdAt()}`,
      );
    const isMax = this.name === 'max';
    const acc = scratch64(o.length).fill(isMax ? -Infinity : Infinity);
    this.forEach(x!, (v, off) => {
      const a = acc[off]!;
      if (v !== v || (isMax ? v > a : v < a)) acc[off] = v;
      else if (a !== a) acc[off] = a;
    });
    o.set(acc);
  }

  grad([x]: readonly Variable[], [z]: readonly Variable[], [gz]: readonly Variable[]): (Variable | null)[] {
    const hit = cast(eq(x!, this.expandBack(z!, x!.ndim)), gz!.dtype);
    return [mul(hit, this.expandBack(gz!, x!.ndim))];
  }
}

export function max(x: Variable, axis?: AxisArg): Variable {
  return apply1(new Extremum('max', normalizeAxes('max', x, axis)), [x]);
}

export function min(x: Variable, axis?: AxisArg): Variable {
  return apply1(new Extremum('min', normalizeAxes('min', x, axis)), [x]);
}

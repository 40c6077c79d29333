import type { NDArray } from '../ir/ndarray.js';
import { scratch64 } from './scratch.js';
import { apply1 } from '../ir/op.js';
import type { Apply, Variable } from '../ir/variable.js';
import { ShapeError, TypeMismatchError } from '../util/errors.js';
import { Reduce, normalizeAxes, type AxisArg } from './reduce.js';

/**
 * Index of the maximum along one axis, or over the flattened array when axis is null (first one on ties).
 * Integer output: no gradient flows through it.
 */
export class Argmax extends Reduce {
  readonly name = 'argmax';

  protected override outDType(): 'int32' {
    return 'int32';
  }

  perform([x]: readonly NDArray[], [out]: NDArray[], node: Apply): void {
    const o = out!.data;
    if (o.length === 0) return;
    if (x!.size === 0)
      throw new ShapeError(`argmax: empty input: ${node.inputs[0]!.describeWithShape(x!.shape)} has no elements.${node.outputs[0]!.createdAt()}`);
    // Best value per output slot; o holds its index once a value has been seen (seen: index >= 0).
    const best = scratch64(o.length).fill(-Infinity);
    o.fill(-1);
    this.forEach(x!, (v, off, red) => {
      if (o[off]! < 0 || v > best[off]! || (v !== v && best[off] === best[off])) {
        best[off] = v;
        o[off] = red;
      }
    });
  }

  grad(): (Variable | null)[] {
    return [null];
  }
}

export function argmax(x: Variable, axis?: AxisArg): Variable {
  const axes = normalizeAxes('argmax', x, axis);
  if (axis !== null && axis !== undefined && axes.length !== 1) {
    throw new TypeMismatchError(`argmax: takes one axis or none (all), got (${axes.join(', ')}) for ${x.describe()}`);
  }
  return apply1(new Argmax(axes), [x]);
}

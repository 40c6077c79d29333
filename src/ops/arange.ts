import { isInteger, upcastAll } from '../ir/dtype.js';
import type { NDArray } from '../ir/ndarray.js';
import { apply1, type Op } from '../ir/op.js';
import { TensorType } from '../ir/type.js';
import { Constant, type Apply, type Variable } from '../ir/variable.js';
import { TypeMismatchError, ShapeError } from '../util/errors.js';

/** `arange(start, stop, step)` of scalar inputs; int32 when all are integers, as NumPy. */
export class ARange implements Op {
  readonly name = 'arange';

  inferTypes(inputs: readonly Variable[]): TensorType[] {
    for (const v of inputs) if (v.ndim !== 0) throw new TypeMismatchError(`arange: start, stop and step must be scalars; got ${v.describe()}`);
    const dtype = upcastAll(inputs.map((v) => v.dtype));
    const vals = inputs.map((v) => (v instanceof Constant ? v.value.item() : null));
    const n = vals.every((v) => v !== null) ? count(vals[0]!, vals[1]!, vals[2]!) : null;
    return [new TensorType(isInteger(dtype) ? 'int32' : dtype, [n])];
  }

  outputShapes([start, stop, step]: readonly NDArray[], node: Apply): number[][] {
    if (step!.item() === 0) throw new ShapeError(`arange: step is zero.${node.outputs[0]!.createdAt()}`);
    return [[count(start!.item(), stop!.item(), step!.item())]];
  }

  perform([start, , step]: readonly NDArray[], [out]: NDArray[]): void {
    const s = start!.item();
    const d = step!.item();
    const o = out!.data;
    for (let i = 0; i < o.length; i++) o[i] = s + i * d;
  }

  grad(): (Variable | null)[] {
    return [null, null, null];
  }

  pp([a, b, c]: string[]): string {
    return `arange(${a}, ${b}, ${c})`;
  }

  toString(): string {
    return 'arange';
  }
}

function count(start: number, stop: number, step: number): number {
  return Math.max(0, Math.ceil((stop - start) / step));
}

const arangeOp = new ARange();

export function arange(start: Variable, stop: Variable, step: Variable): Variable {
  return apply1(arangeOp, [start, stop, step]);
}

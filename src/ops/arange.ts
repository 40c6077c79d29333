import { isInteger, upcastAll } from '../ir/dtype.js';
import type { NDArray } from '../ir/ndarray.js';
import { apply1, type Op } from '../ir/op.js';
import { TensorType } from '../ir/type.js';
import { Constant, type Apply, type Variable } from '../ir/variable.js';
import { TypeMismatchError, ShapeError } from '../util/errors.js';
import { MAX_ELEMENTS } from '../ir/validate.js';

/** `arange(start, stop, step)` of scalar inputs; int32 when all are integers, as NumPy. */
export class ARange implements Op {
  readonly name = 'arange';

  inferTypes(inputs: readonly Variable[]): TensorType[] {
    for (const v of inputs) if (v.ndim !== 0) throw new TypeMismatchError(`arange: start, stop and step must be scalars; got ${v.describe()}`);
    const dtype = upcastAll(inputs.map((v) => v.dtype));
    const vals = inputs.map((v) => (v instanceof Constant ? v.value.item() : null));
    if (vals[2] === 0) throw new ShapeError(`arange: step is zero (start ${vals[0] ?? inputs[0]!.describe()}, stop ${vals[1] ?? inputs[1]!.describe()})`);
    const c = vals.every((v) => v !== null) ? count(vals[0]!, vals[1]!, vals[2]!) : null;
    if (c !== null && !(Number.isInteger(c) && c <= MAX_ELEMENTS)) {
      throw new ShapeError(
        `arange: cannot make ${Number.isNaN(c) ? 'a range from non-finite bounds' : `a range of ${c} elements (at most ${MAX_ELEMENTS})`}: start ${vals[0]}, stop ${vals[1]}, step ${vals[2]}`,
      );
    }
    const n = c;
    return [new TensorType(isInteger(dtype) ? 'int32' : dtype, [n])];
  }

  outputShapes([start, stop, step]: readonly NDArray[], node: Apply): number[][] {
    const values = [start!.item(), stop!.item(), step!.item()];
    const names = ['start', 'stop', 'step'];
    const inputs = (): string => node.inputs.map((v, k) => `${names[k]} ${v.name && !(v instanceof Constant) ? `'${v.name}' = ` : ''}${values[k]}`).join(', ');
    if (values[2] === 0) throw new ShapeError(`arange: step is zero (${inputs()}).${node.outputs[0]!.createdAt()}`);
    const n = count(values[0]!, values[1]!, values[2]!);
    if (!Number.isInteger(n) || n > MAX_ELEMENTS) {
      throw new ShapeError(
        `arange: cannot make ${Number.isNaN(n) ? 'a range from non-finite bounds' : `a range of ${n} elements (at most ${MAX_ELEMENTS})`}: ${inputs()}.${node.outputs[0]!.createdAt()}`,
      );
    }
    return [[n]];
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

import { isFloat, type DType } from '../../ir/dtype.js';
import type { Variable } from '../../ir/variable.js';
import { Elemwise } from './elemwise.js';
import { elemwise } from './build.js';

const castOps = new Map<DType, Elemwise>();

/** Conversion to another dtype (C semantics: floats truncate toward zero into integers). */
function castOp(to: DType): Elemwise {
  let op = castOps.get(to);
  if (!op) {
    op = new Elemwise({
      name: 'cast',
      params: { dtype: to },
      arity: 1,
      render: ([a]) => (to === 'bool' ? `(${a} !== 0 ? 1 : 0)` : isFloat(to) ? a! : `Math.trunc(${a})`),
      outDType: () => to,
      grad: ([x], _z, gz) => [isFloat(x!.dtype) ? cast(gz, x!.dtype) : null],
    });
    castOps.set(to, op);
  }
  return op;
}

export function cast(x: Variable, to: DType): Variable {
  return x.dtype === to ? x : elemwise(castOp(to), x);
}

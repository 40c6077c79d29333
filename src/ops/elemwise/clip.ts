import type { Variable } from '../../ir/variable.js';
import { Elemwise, dtypeRules } from './elemwise.js';
import { elemwise } from './build.js';
import { sumTo } from '../sum-to.js';
import { mul } from './mul.js';
import { ge, gt, le, lt } from './compare.js';
import { cast } from './cast.js';

/** `clip(x, lo, hi)`; the gradient goes to x inside [lo, hi], else to the bound that applied. */
export const clipOp = new Elemwise({
  name: 'clip',
  arity: 3,
  render: ([x, lo, hi]) => `(${x} < ${lo} ? ${lo} : ${x} > ${hi} ? ${hi} : ${x})`,
  outDType: dtypeRules.arithmetic,
  grad: ([x, lo, hi], _z, gz) => {
    const mask = (m: Variable): Variable => mul(gz, cast(m, gz.dtype));
    return [sumTo(mul(mask(ge(x!, lo!)), cast(le(x!, hi!), gz.dtype)), x!), sumTo(mask(lt(x!, lo!)), lo!), sumTo(mask(gt(x!, hi!)), hi!)];
  },
});

export function clip(x: Variable, lo: Variable, hi: Variable): Variable {
  return elemwise(clipOp, x, lo, hi);
}

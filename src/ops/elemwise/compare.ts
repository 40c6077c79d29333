import type { Variable } from '../../ir/variable.js';
import { Elemwise, dtypeRules } from './elemwise.js';
import { elemwise } from './build.js';
import { zerosLike } from '../grad-helpers.js';

/** The six comparisons share everything but the operator: bool results, zero gradients (as Theano). */
function comparison(name: string, symbol: string): Elemwise {
  return new Elemwise({
    name,
    arity: 2,
    infix: symbol,
    render: ([a, b]) => `(${a} ${symbol} ${b} ? 1 : 0)`,
    outDType: dtypeRules.bool,
    grad: ([x, y]) => [zerosLike(x!), zerosLike(y!)],
  });
}

export const eqOp = comparison('eq', '===');
export const neqOp = comparison('neq', '!==');
export const ltOp = comparison('lt', '<');
export const gtOp = comparison('gt', '>');
export const leOp = comparison('le', '<=');
export const geOp = comparison('ge', '>=');

export const eq = (a: Variable, b: Variable): Variable => elemwise(eqOp, a, b);
export const neq = (a: Variable, b: Variable): Variable => elemwise(neqOp, a, b);
export const lt = (a: Variable, b: Variable): Variable => elemwise(ltOp, a, b);
export const gt = (a: Variable, b: Variable): Variable => elemwise(gtOp, a, b);
export const le = (a: Variable, b: Variable): Variable => elemwise(leOp, a, b);
export const ge = (a: Variable, b: Variable): Variable => elemwise(geOp, a, b);

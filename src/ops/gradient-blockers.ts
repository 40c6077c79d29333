import type { Variable } from '../ir/variable.js';
import { Elemwise } from './elemwise/elemwise.js';
import { elemwise } from './elemwise/build.js';
import { zerosLike } from './grad-helpers.js';

/**
 * Identity ops that change only how gradients flow (Theano's ZeroGrad and DisconnectedGrad, both ViewOps).
 * They are elementwise with the body `a`, so fusion folds them into the kernels around them and they cost
 * nothing at run time.
 *
 * - `zeroGrad(x)`: the value of x; its gradient is zero. Inputs reached only through it are still connected:
 *   `T.grad` returns zeros for them.
 * - `disconnectedGrad(x)`: the value of x; no gradient flows through it at all. An input reached only through it
 *   is disconnected, so `T.grad` raises DisconnectedInputError unless `disconnectedInputs` says otherwise.
 */
export type BlockerKind = 'zeroGrad' | 'disconnectedGrad';

function blocker(kind: BlockerKind): Elemwise {
  return new Elemwise({
    name: kind,
    arity: 1,
    render: ([a]) => a!,
    outDType: (ds) => ds[0]!,
    grad: (_x, _z, gz) => (kind === 'zeroGrad' ? [zerosLike(gz)] : [null]),
  });
}

export const zeroGradOp = blocker('zeroGrad');
export const disconnectedGradOp = blocker('disconnectedGrad');

/** `theano.gradient.zeroGrad(x)`: x, with its gradient truncated to zero. */
export function zeroGrad(x: Variable): Variable {
  return elemwise(zeroGradOp, x);
}

/** `theano.gradient.disconnectedGrad(x)`: x, with no gradient path through it (wrt reached only here is disconnected). */
export function disconnectedGrad(x: Variable): Variable {
  return elemwise(disconnectedGradOp, x);
}

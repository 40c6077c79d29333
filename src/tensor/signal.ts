import type { Variable } from '../ir/variable.js';
import type { TensorLike } from './as-tensor.js';

// Placeholder while pooling is being written (issue 3); replaced by the real builder before it lands.
export function maxPool2d(_input: TensorLike, _opts?: object): Variable {
  throw new Error('maxPool2d: not implemented yet');
}

import type { Variable } from '../ir/variable.js';
import type { TensorLike } from './as-tensor.js';

// Placeholder while conv2d is being written (issue 3); replaced by the real builder before it lands.
export function conv2d(_input: TensorLike, _filters: TensorLike, _opts?: object): Variable {
  throw new Error('conv2d: not implemented yet');
}

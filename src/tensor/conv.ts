import type { Variable } from '../ir/variable.js';
import { conv2d as conv2dOp } from '../ops/conv2d.js';
import { normalizeConvOptions, type BorderModeOption, type ShapeHint } from '../ops/conv-geometry.js';
import { asTensors, type TensorLike } from './as-tensor.js';

export type { BorderModeOption, ShapeHint };

/** Options of `T.nnet.conv2d`, Theano 1.0's `conv2d(input, filters, input_shape, filter_shape, border_mode, subsample, filter_flip)`. */
export interface Conv2dOptions {
  /** Static hint (batch, channels, rows, cols); entries may be null. Checked against the input, and refines the output type. */
  inputShape?: ShapeHint | null;
  /** Static hint (outChannels, inChannels, rows, cols); entries may be null. */
  filterShape?: ShapeHint | null;
  /** 'valid' (default, no padding), 'full' (pad f - 1), 'half' (pad floor(f / 2)), an integer p or a pair [pRows, pCols]. */
  borderMode?: BorderModeOption;
  /** Strides [rows, cols]; default [1, 1]. */
  subsample?: readonly [number, number];
  /** true (default): a true convolution (filters flipped); false: cross-correlation. */
  filterFlip?: boolean;
}

/**
 * `T.nnet.conv2d(input, filters, opts)`: input (batch, inChannels, rows, cols) ⊛ filters (outChannels, inChannels,
 * fRows, fCols) → (batch, outChannels, floor((rows + 2 pad - fRows) / sRows) + 1, …). Both must be float 4-d
 * tensors; the result has their upcast dtype. Differentiable to any order.
 */
export function conv2d(input: TensorLike, filters: TensorLike, opts: Conv2dOptions = {}): Variable {
  const params = normalizeConvOptions(opts);
  // Arrays and numbers take the other operand's float dtype (asTensors), as elsewhere in T.
  const [x, w] = asTensors([input, filters], 'T.nnet.conv2d');
  return conv2dOp(x!, w!, params);
}

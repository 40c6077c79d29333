import type { Apply } from '../../../ir/variable.js';
import type { GpuRendering, GpuShapes } from '../kernel-spec.js';
import { rowMaxStage, rowOfThread, rowsOf, rowStage, rowSumExpStage } from './gpu-softmax.js';

/**
 * log(softmax(x)) along the last axis as (x − max) − log Σ exp(x − max): finite for any finite logits, and x − max
 * comes before the log so that large logits lose no digits to the sum max + log Σ.
 */
export function renderLogSoftmax(_node: Apply, { inputs: [xShape] }: GpuShapes): GpuRendering {
  const [rows, cols] = rowsOf(xShape!);
  const out = `${rowOfThread(cols)} return (x[this.thread.x] - rowMax[r]) - Math.log(rowSum[r]);`;
  return {
    stages: [
      rowMaxStage('logSoftmax', rows, cols, 0),
      rowSumExpStage('logSoftmax', rows, cols, 0, 0),
      rowStage('logSoftmax', rows * cols, 'x, rowMax, rowSum', out, [0], [0, 1], 0),
    ],
    outputs: [2],
  };
}

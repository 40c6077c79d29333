import type { Apply } from '../../../ir/variable.js';
import type { GpuRendering, GpuShapes } from '../kernel-spec.js';
import { labelColumn } from './gpu-crossentropy-1hot.js';
import { rowMaxStage, rowOfThread, rowStage, rowSumExpStage } from './gpu-softmax.js';

/**
 * crossentropySoftmax1HotDx: dx[r] = g[r] · (softmax(x[r]) − onehot(y[r])) for the labelled rows, 0 below them.
 * Inputs (g, x, y); g may have one element, shared by every label.
 */
export function renderCrossentropySoftmax1HotDx(_node: Apply, { inputs: [gShape, xShape, yShape] }: GpuShapes): GpuRendering {
  const [rows, cols] = [xShape![0]!, xShape![1]!];
  const labels = yShape![0]!;
  const gAt = gShape![0] === 1 ? '0' : 'r';
  const dx = `${rowOfThread(cols)}
    if (r >= ${labels}) { return 0.0; }
    ${labelColumn(cols)}
    const gr = g[${gAt}];
    const p = Math.exp(x[this.thread.x] - rowMax[r]) * (gr / rowSum[r]);
    if (this.thread.x - r * ${cols} == lab) { return p - gr; }
    return p;`;
  return {
    stages: [
      rowMaxStage('crossentropySoftmax1HotDx', labels, cols, 1),
      rowSumExpStage('crossentropySoftmax1HotDx', labels, cols, 1, 0),
      rowStage('crossentropySoftmax1HotDx', rows * cols, 'g, x, y, rowMax, rowSum', dx, [0, 1, 2], [0, 1], 0),
    ],
    outputs: [2],
  };
}

import type { Apply } from '../../../ir/variable.js';
import { floatLiteral, type GpuRendering, type GpuShapes } from '../kernel-spec.js';
import { rowMaxStage, rowStage, rowSumExpStage } from './gpu-softmax.js';

/** The column of row r's label in y, in `lab` (a negative label counts from the end, as in the CPU op). */
export function labelColumn(cols: number): string {
  return `let lab = y[r]; if (lab < 0.0) { lab += ${floatLiteral(cols)}; }`;
}

/**
 * crossentropySoftmax1Hot, one output per label: nll[r] = log Σ exp(x[r] − max) − (x[r, y[r]] − max) over the first
 * len(y) rows of x (the max subtracted first, as in log-softmax). Inputs (x, y), y's integers exact as floats.
 */
export function renderCrossentropySoftmax1Hot(_node: Apply, { inputs: [xShape, yShape] }: GpuShapes): GpuRendering {
  const cols = xShape![1]!;
  const labels = yShape![0]!;
  const nll = `const r = this.thread.x; ${labelColumn(cols)} return Math.log(rowSum[r]) - (x[r * ${cols} + lab] - rowMax[r]);`;
  return {
    stages: [
      rowMaxStage('crossentropySoftmax1Hot', labels, cols, 0),
      rowSumExpStage('crossentropySoftmax1Hot', labels, cols, 0, 0),
      rowStage('crossentropySoftmax1Hot', labels, 'x, y, rowMax, rowSum', nll, [0, 1], [0, 1], 0),
    ],
    outputs: [2],
  };
}

import type { Apply } from '../../../ir/variable.js';
import type { GpuRendering, GpuShapes, GpuStage } from '../kernel-spec.js';

/** [rows, cols] of a vector or matrix seen as rows along its last axis. */
export function rowsOf(shape: readonly number[]): [number, number] {
  const cols = shape[shape.length - 1]!;
  return [shape.length === 2 ? shape[0]! : 1, cols];
}

/**
 * Declares r, the row of this thread's element. Half an element is added before dividing: GPUs may divide as x ·
 * (1 / cols), which can land just below an exact quotient, and the floor would then give the row before.
 */
export function rowOfThread(cols: number): string {
  return `const r = Math.floor((this.thread.x + 0.5) / ${cols});`;
}

/** A stage over `size` elements (one a thread) reading the given node inputs and earlier stages, in that order. */
export function rowStage(label: string, size: number, params: string, body: string, inputs: number[], stages: number[], loop: number): GpuStage {
  const stage: GpuStage = {
    source: `function (${params}) { ${body} }`,
    args: [...inputs.map((input) => ({ input })), ...stages.map((s) => ({ stage: s }))],
    size,
    label,
  };
  if (loop > 1000) stage.loopMaxIterations = loop;
  return stage;
}

/** The max of each of the first `rows` rows of x (input `xInput`), one row per thread. */
export function rowMaxStage(label: string, rows: number, cols: number, xInput: number): GpuStage {
  const body = `const base = this.thread.x * ${cols}; let m = x[base];
    for (let j = 1; j < ${cols}; j++) { m = Math.max(m, x[base + j]); } return m;`;
  return rowStage(`${label}:rowMax`, rows, 'x', body, [xInput], [], cols);
}

/** Σ exp(x − max) of each row of x (input `xInput`), reading the row maxima from stage `maxStage`. */
export function rowSumExpStage(label: string, rows: number, cols: number, xInput: number, maxStage: number): GpuStage {
  const body = `const base = this.thread.x * ${cols}; const m = rowMax[this.thread.x]; let s = 0.0;
    for (let j = 0; j < ${cols}; j++) { s += Math.exp(x[base + j] - m); } return s;`;
  return rowStage(`${label}:rowSumExp`, rows, 'x, rowMax', body, [xInput], [maxStage], cols);
}

/** Softmax along the last axis, stable: the row max, then Σ exp(x − max) per row, then exp(x − max) / Σ. */
export function renderSoftmax(_node: Apply, { inputs: [xShape] }: GpuShapes): GpuRendering {
  const [rows, cols] = rowsOf(xShape!);
  const out = `${rowOfThread(cols)} return Math.exp(x[this.thread.x] - rowMax[r]) / rowSum[r];`;
  return {
    stages: [
      rowMaxStage('softmax', rows, cols, 0),
      rowSumExpStage('softmax', rows, cols, 0, 0),
      rowStage('softmax', rows * cols, 'x, rowMax, rowSum', out, [0], [0, 1], 0),
    ],
    outputs: [2],
  };
}

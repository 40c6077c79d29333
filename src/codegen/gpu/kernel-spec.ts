import type { NDArray } from '../../ir/ndarray.js';
import type { Apply } from '../../ir/variable.js';
import { stridesOf } from '../../util/shape.js';

export { stridesOf };

/**
 * What a GPU renderer makes of one node: a few gpu.js kernels ("stages") over flat float32 arrays. Every value on
 * the device is a flat float32 array in C order whatever its dtype (integers and booleans are exact as floats below
 * 2^24; the backend rounds them back on download). Shapes are known when a node is rendered (one rendering per
 * shape signature), so sources carry them as literals and loops have constant bounds.
 */

/**
 * An argument of a stage: one of the node's inputs, the output of an earlier stage of the same node, or values the
 * host computes from the inputs' host values for each call (exact integers a float32 input could not carry, such as
 * a random stream's 32-bit key, split into 16-bit halves).
 */
export type GpuArg = { input: number } | { stage: number } | { host: HostValues };

export type HostValues = (inputs: readonly NDArray[]) => Float32Array;

export interface GpuStage {
  /**
   * A gpu.js kernel function as source text, one flat output element per thread:
   * `function (a, b) { const i = this.thread.x; return a[i] + b[i]; }`. Arguments are read as flat arrays.
   */
  source: string;
  args: GpuArg[];
  /** Elements of the stage's flat output (at least 1). */
  size: number;
  /** The longest loop in the source: gpu.js silently stops loops at 1000 iterations unless told more. */
  loopMaxIterations?: number;
  /** A short name for `f.kernels()` ('softmax:rowMax'); the node's op name when absent. */
  label?: string;
}

export interface GpuRendering {
  stages: GpuStage[];
  /** For each output of the node, the stage whose result it is; -1 for an output in `hostOutputs`. */
  outputs: number[];
  /** Outputs the host computes from the inputs' host values (a random draw's new state: 32-bit integers). */
  hostOutputs?: Record<number, (inputs: readonly NDArray[]) => NDArray>;
}

/** Whether running the rendering needs the inputs' values on the host too. */
export function needsHostInputs(r: GpuRendering): boolean {
  return r.hostOutputs !== undefined || r.stages.some((st) => st.args.some((a) => 'host' in a));
}

export interface GpuShapes {
  inputs: readonly (readonly number[])[];
  outputs: readonly (readonly number[])[];
}

/**
 * Renders a node for the GPU, or returns undefined when it cannot (the node then runs on the host with its inputs
 * downloaded). Called only for nodes whose inputs and outputs all have at least one element.
 */
export type GpuRenderer = (node: Apply, shapes: GpuShapes) => GpuRendering | undefined;

/**
 * Statements that split the flat index `flat` into per-axis coordinates `${prefix}0..` of `shape` (outermost first),
 * as gpu.js-safe float arithmetic (indices stay below 2^24, exact as floats).
 */
export function unflattenIndex(flat: string, shape: readonly number[], prefix: string): string {
  const strides = stridesOf(shape);
  const lines: string[] = [];
  let rest = flat;
  shape.forEach((_, d) => {
    const name = `${prefix}${d}`;
    if (d === shape.length - 1) lines.push(`const ${name} = ${rest};`);
    else {
      // + 0.5: a GPU may divide as x · (1/y), one ulp low at exact multiples; the index is an integer anyway.
      lines.push(`const ${name} = Math.floor((${rest} + 0.5) / ${strides[d]});`);
      const next = `${prefix}r${d}`;
      lines.push(`const ${next} = ${rest} - ${name} * ${strides[d]};`);
      rest = next;
    }
  });
  return lines.join(' ');
}

/** A single-stage rendering of a kernel that computes `body` (statements ending in `return …;`) per element. */
export function oneStage(source: string, args: number[], size: number, loopMaxIterations?: number, label?: string): GpuRendering {
  const stage: GpuStage = { source, args: args.map((input) => ({ input })), size };
  if (loopMaxIterations !== undefined && loopMaxIterations > 1000) stage.loopMaxIterations = loopMaxIterations;
  if (label) stage.label = label;
  return { stages: [stage], outputs: [0] };
}

/** A float literal gpu.js reads as a float (an integer literal would make the expression an int in GLSL). */
export function floatLiteral(x: number): string {
  if (Number.isNaN(x)) return '(0.0 / 0.0)';
  if (x === Infinity) return '(1.0 / 0.0)';
  if (x === -Infinity) return '(-1.0 / 0.0)';
  const s = String(x);
  return /[.eE]/.test(s) ? s : `${s}.0`;
}

import type { NDArray } from '../../ir/ndarray.js';
import type { Apply } from '../../ir/variable.js';
import type { Op } from '../../ir/op.js';
import { sameShape } from '../../util/shape.js';

/** What the driver needs to know of one step of the schedule. */
export interface DriverStep {
  node: Apply;
  perform: (inputs: readonly NDArray[], outputs: NDArray[], node: Apply) => void;
  inputSlots: readonly number[];
  outputSlots: readonly number[];
  overwrites?: number;
}

/** Allocates a new output buffer when a step's output shape changed (memory accounting included). */
export type Fresh = (k: number, j: number, shape: readonly number[]) => NDArray;
/** Turns an exception thrown at step k into the error to report. */
export type Fail = (e: unknown, k: number, inputs: readonly NDArray[]) => Error;

export type Driver = (v: (NDArray | undefined)[]) => NDArray[];

/**
 * The whole schedule as one generated function: every slot number, op and node is a constant of its source, the
 * input and output lists of each step are allocated once, and each step only checks its output shape before its
 * kernel runs. It serves the calls after the first of a shape signature (the first plans the buffers).
 */
export function buildDriver(steps: readonly DriverStep[], outputSlots: readonly number[], fresh: Fresh, fail: Fail): { run: Driver; source: string } {
  const lines: string[] = ['"use strict";', 'let k = 0, i, o, sh, x;', 'try {'];
  steps.forEach((st, k) => {
    lines.push(`  // ${k}: ${st.node.op.toString().replace(/\n/g, ' ')}`);
    lines.push(`  k = ${k}; i = I[${k}]; ${st.inputSlots.map((s, j) => `i[${j}] = v[${s}];`).join(' ')}`);
    lines.push(`  sh = ops[${k}].outputShapes(i, nodes[${k}]); o = O[${k}];`);
    st.outputSlots.forEach((s, j) => {
      const current = st.overwrites === undefined ? `v[${s}]` : `v[${st.overwrites}]`;
      const dtypeOk = st.overwrites === undefined ? '' : ` || x.dtype !== '${st.node.outputs[j]!.dtype}'`;
      lines.push(`  x = ${current}; if (x === undefined${dtypeOk} || !same(x.shape, sh[${j}])) x = fresh(${k}, ${j}, sh[${j}]); o[${j}] = x;`);
    });
    lines.push(`  run[${k}](i, o, nodes[${k}]);`);
    lines.push(`  ${st.outputSlots.map((s, j) => `v[${s}] = o[${j}];`).join(' ')}`);
  });
  lines.push('} catch (e) {', '  throw fail(e, k, I[k]);', '}', `return [${outputSlots.map((s) => `v[${s}]`).join(', ')}];`);
  const source = lines.join('\n');
  const ops: Op[] = steps.map((st) => st.node.op);
  const nodes = steps.map((st) => st.node);
  const I = steps.map((st) => new Array<NDArray | undefined>(st.inputSlots.length));
  const O = steps.map((st) => new Array<NDArray | undefined>(st.outputSlots.length));
  const run = steps.map((st) => st.perform);
  const make = new Function('ops', 'run', 'nodes', 'I', 'O', 'same', 'fresh', 'fail', `return function drive(v) {\n${source}\n};`);
  return { run: make(ops, run, nodes, I, O, sameShape, fresh, fail) as Driver, source: `function drive(v) {\n${source}\n}` };
}

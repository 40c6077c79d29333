import type { DType } from '../../ir/dtype.js';
import type { NDArray } from '../../ir/ndarray.js';
import { apply1, type Op } from '../../ir/op.js';
import { TensorType } from '../../ir/type.js';
import type { Apply, Variable } from '../../ir/variable.js';
import { ShapeError } from '../../util/errors.js';
import { broadcastRuntime, broadcastStatic } from '../../util/shape.js';
import { add } from './add.js';
import type { Elemwise } from './elemwise.js';
import { loopKernel, runLoop } from './loop.js';

/** One elementwise op inside a fused kernel; an argument < nInputs is a kernel input, else an earlier step. */
export interface FusedStep {
  op: Elemwise;
  args: number[];
  dtype: DType;
}

/** Rounds a JS double the way storing it in an array of `dtype` would, so fusion never changes results. */
function roundFor(dtype: DType, expr: string): string {
  switch (dtype) {
    case 'float32':
      return `Math.fround(${expr})`;
    case 'int32':
      return `((${expr}) | 0)`;
    case 'uint8':
      return `((${expr}) & 255)`;
    default:
      return expr;
  }
}

/**
 * Several elementwise ops computed in one loop (Theano's Composite/FusedElemwise): a small program of steps
 * over the kernel's inputs, each step rounded to its own dtype so the values equal the unfused graph's.
 */
export class FusedElementwise implements Op {
  readonly name = 'fused';
  readonly body: string;

  constructor(
    readonly steps: readonly FusedStep[],
    readonly nInputs: number,
  ) {
    const ref = (k: number) => (k < nInputs ? `a${k}` : `t${k - nInputs}`);
    const lines = steps.map((s, i) => `const t${i} = ${roundFor(s.dtype, s.op.scalar.render(s.args.map(ref)))};`);
    this.body = `${lines.join(' ')} r = t${steps.length - 1};`;
  }

  /** The user-level ops this kernel computes, in order. */
  get ops(): string[] {
    return this.steps.map((s) => s.op.toString());
  }

  inferTypes(inputs: readonly Variable[]): TensorType[] {
    const b = broadcastStatic(inputs.map((v) => v.type.shape));
    if ('axis' in b) throw new ShapeError(`fused: inputs cannot be broadcast together on axis ${b.axis}: ${inputs.map((v) => v.describe()).join(', ')}`);
    return [new TensorType(this.steps[this.steps.length - 1]!.dtype, b.shape)];
  }

  outputShapes(inputs: readonly NDArray[], node: Apply): number[][] {
    const out = broadcastRuntime(inputs.map((a) => a.shape));
    if (!Array.isArray(out)) {
      throw new ShapeError(
        `fused{${this.expression()}}: shapes cannot be broadcast together on axis ${out.axis}: ${node.inputs.map((v, i) => v.describeWithShape(inputs[i]!.shape)).join(' and ')}.${node.outputs[0]!.createdAt()}`,
      );
    }
    return [out];
  }

  perform(inputs: readonly NDArray[], outputs: NDArray[]): void {
    runLoop(this.body, outputs[0]!, inputs);
  }

  /** Rebuilds the unfused ops on the inputs and differentiates through them in reverse. */
  grad(inputs: readonly Variable[], _outputs: readonly Variable[], [gz]: readonly Variable[]): (Variable | null)[] {
    const values: Variable[] = [...inputs];
    for (const s of this.steps)
      values.push(
        apply1(
          s.op,
          s.args.map((k) => values[k]!),
        ),
      );
    const grads = new Map<number, Variable>([[values.length - 1, gz!]]);
    for (let i = this.steps.length - 1; i >= 0; i--) {
      const g = grads.get(this.nInputs + i);
      if (!g) continue;
      const s = this.steps[i]!;
      const out = values[this.nInputs + i]!;
      s.op
        .grad(
          s.args.map((k) => values[k]!),
          [out],
          [g],
        )
        .forEach((gi, j) => {
          if (!gi) return;
          const k = s.args[j]!;
          const prev = grads.get(k);
          grads.set(k, prev ? add(prev, gi) : gi);
        });
    }
    return inputs.map((_, k) => grads.get(k) ?? null);
  }

  /** The composed scalar expression, e.g. `sigmoid(add(a0, a1))`. */
  expression(): string {
    const text = (k: number): string => {
      if (k < this.nInputs) return `a${k}`;
      const s = this.steps[k - this.nInputs]!;
      return `${s.op.toString()}(${s.args.map(text).join(', ')})`;
    };
    return text(this.nInputs + this.steps.length - 1);
  }

  toString(): string {
    return `fused{${this.expression()}}`;
  }

  kernelSource(node: Apply): string {
    return this.source(kernelRank(node));
  }

  userOps(): string[] {
    return this.ops;
  }

  /** The generated loop as it runs for outputs of rank `rank`. */
  source(rank: number): string {
    return loopKernel(this.body, this.nInputs, rank).toString();
  }
}

/** The loop rank a fused kernel runs with: its highest-rank operand. */
export function kernelRank(node: Apply): number {
  return node.inputs.reduce((r, v) => Math.max(r, v.ndim), node.outputs[0]!.ndim);
}

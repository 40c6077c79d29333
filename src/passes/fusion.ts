import type { FunctionGraph } from '../ir/fgraph.js';
import { apply1 } from '../ir/op.js';
import type { Apply, Variable } from '../ir/variable.js';
import { Elemwise } from '../ops/elemwise/elemwise.js';
import { FusedElementwise, type FusedStep } from '../ops/elemwise/fused.js';
import { FusedSum } from '../ops/elemwise/fused-sum.js';
import type { Sum } from '../ops/sum.js';
import type { Rule } from './rewrite.js';

/** Kernels are not grown past these sizes (argument lists, register pressure, source size). */
const MAX_INPUTS = 12;
const MAX_STEPS = 48;

type Program = { inputs: Variable[]; steps: FusedStep[] };

/** The node as a program over its own inputs. */
function programOf(node: Apply): Program | null {
  if (node.op instanceof FusedElementwise) return { inputs: [...node.inputs], steps: node.op.steps.map((s) => ({ ...s, args: [...s.args] })) };
  if (node.op instanceof Elemwise) {
    return { inputs: [...node.inputs], steps: [{ op: node.op, args: node.inputs.map((_, i) => i), dtype: node.outputs[0]!.dtype }] };
  }
  return null;
}

/** Inlines `producer` (computing input `at` of the consumer program) into the consumer. */
function inline(consumer: Program, at: number, producer: Program): Program {
  // Producer inputs take the place of the value they computed, so kernels read in the user's order.
  const inputs: Variable[] = [];
  const index = (v: Variable): number => {
    const k = inputs.indexOf(v);
    if (k >= 0) return k;
    inputs.push(v);
    return inputs.length - 1;
  };
  let prodIn: number[] = [];
  const consIn = consumer.inputs.map((v, i) => {
    if (i !== at) return index(v);
    prodIn = producer.inputs.map(index);
    return -1;
  });
  const n = inputs.length;
  const steps: FusedStep[] = [];
  for (const s of producer.steps) steps.push({ ...s, args: s.args.map((k) => (k < producer.inputs.length ? prodIn[k]! : n + (k - producer.inputs.length))) });
  const producerOut = n + producer.steps.length - 1;
  const shift = producer.steps.length;
  for (const s of consumer.steps) {
    steps.push({
      ...s,
      args: s.args.map((k) => (k < consumer.inputs.length ? (k === at ? producerOut : consIn[k]!) : n + shift + (k - consumer.inputs.length))),
    });
  }
  return { inputs, steps };
}

/**
 * Elementwise fusion: an elementwise node whose input comes from another elementwise node used only there
 * becomes one fused kernel, `f(g(x), y) -> fused{f(g(a0), a1)}(x, y)`; repeated, chains and trees merge.
 */
export const fuseElementwise: Rule = {
  name: 'fuseElementwise',
  doc: 'f(g(x), y) -> fused{f(g(a0), a1)}(x, y) when g(x) has no other use',
  tags: ['fusion'],
  tracks: ['*'],
  rewrite(node: Apply, fg: FunctionGraph): readonly Variable[] | null {
    const consumer = programOf(node);
    if (!consumer) return null;
    for (let at = 0; at < node.inputs.length; at++) {
      const input = node.inputs[at]!;
      const producerNode = input.owner;
      if (!producerNode || producerNode.outputs.length !== 1) continue;
      const clients = fg.clients(input);
      if (clients.length !== 1 || clients[0]!.node !== node) continue;
      const producer = programOf(producerNode);
      if (!producer || producer.steps.length + consumer.steps.length > MAX_STEPS) continue;
      const merged = inline(consumer, at, producer);
      if (merged.inputs.length > MAX_INPUTS) continue;
      const out = apply1(new FusedElementwise(merged.steps, merged.inputs.length), merged.inputs);
      out.name = node.outputs[0]!.name;
      return [out];
    }
    return null;
  },
};

/**
 * A full `sum` of an elementwise expression used nowhere else becomes one pass that never stores the
 * expression: `sum(f(x, y)) -> fusedSum{f(a0, a1)}(x, y)`.
 */
export const fuseSumOfElementwise: Rule = {
  name: 'fuseSumOfElementwise',
  doc: 'sum(f(x, y)) over all axes -> fusedSum{f(a0, a1)}(x, y) when f(x, y) has no other use',
  tags: ['fusion'],
  tracks: ['sum'],
  rewrite(node: Apply, fg: FunctionGraph): readonly Variable[] | null {
    const input = node.inputs[0]!;
    const producerNode = input.owner;
    if (!producerNode || (node.op as Sum).axes.length !== input.ndim || input.ndim === 0) return null;
    const clients = fg.clients(input);
    if (clients.length !== 1) return null;
    const producer = programOf(producerNode);
    if (!producer || producer.inputs.length > MAX_INPUTS) return null;
    const out = apply1(new FusedSum(producer.steps, producer.inputs.length), producer.inputs);
    if (out.dtype !== node.outputs[0]!.dtype) return null;
    out.name = node.outputs[0]!.name;
    return [out];
  },
};

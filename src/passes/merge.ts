import type { FunctionGraph } from '../ir/fgraph.js';
import type { Op } from '../ir/op.js';
import { Constant, type Apply, type Variable } from '../ir/variable.js';
import { replaceOutputs, type PhaseReport } from './rewrite.js';

/**
 * Merge (common-subexpression elimination): `f(a, b)` computed twice → once; equal small constants → one.
 * Never merges distinct inputs or shared variables (they are leaves, never equal), nor random draws (each
 * draw is a separate stream).
 */
export function mergePhase(fg: FunctionGraph): PhaseReport {
  const report: PhaseReport = { phase: 'merge', fired: new Map(), nodesBefore: fg.toposort().length, nodesAfter: 0 };
  const count = (rule: string) => report.fired.set(rule, (report.fired.get(rule) ?? 0) + 1);

  // One representative per constant value.
  const constants = new Map<string, Variable>();
  for (const leaf of fg.leaves()) {
    if (!(leaf instanceof Constant) || leaf.value.size > 64) continue;
    const key = `${leaf.dtype}|${leaf.value.shape.join(',')}|${Array.from(leaf.value.data).join(',')}`;
    const seen = constants.get(key);
    if (!seen) constants.set(key, leaf);
    else if (fg.clients(leaf).length) {
      fg.replace(leaf, seen, 'merge constants');
      count('mergeConstants');
    }
  }

  const signatures = new Map<string, Apply>();
  const ids = new Map<Op, number>();
  for (const node of fg.toposort().slice()) {
    if (!fg.contains(node) || node.op.name.startsWith('random_')) continue;
    const key = `${opIdentity(node.op, ids)}(${node.inputs.map((v) => v.id).join(',')})`;
    const earlier = signatures.get(key);
    if (!earlier) {
      signatures.set(key, node);
      continue;
    }
    replaceOutputs(fg, node, earlier.outputs, 'merge');
    count('mergeNodes');
  }
  report.nodesAfter = fg.toposort().length;
  return report;
}

/**
 * Two ops are the same computation when they are one object, or of one class with equal fields (the
 * parameters). Fields that hold functions or caches make instances differ, which only costs a missed merge.
 */
function opIdentity(op: Op, ids: Map<Op, number>): string {
  const fields = Object.entries(op).filter(([, v]) => typeof v !== 'function');
  let plain: string | null;
  try {
    plain = JSON.stringify(fields, (_k, v) => (ArrayBuffer.isView(v) ? Array.from(v as unknown as number[]) : v));
  } catch {
    plain = null;
  }
  if (plain !== null && op.constructor !== Object) return `${op.constructor.name}:${plain}`;
  let id = ids.get(op);
  if (id === undefined) ids.set(op, (id = ids.size));
  return `#${id}`;
}

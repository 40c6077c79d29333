import type { FunctionGraph } from '../ir/fgraph.js';
import type { Apply, Variable } from '../ir/variable.js';
import { debugLog, DebugLevel } from '../util/debug.js';
import { CompileError } from '../util/errors.js';

/**
 * A local rewrite: looks at one node and returns replacements for its outputs (same types), or nothing.
 * `doc` is the one-line statement of the rewrite, e.g. "x * 1 -> x".
 */
export interface Rule {
  readonly name: string;
  readonly doc: string;
  readonly tags: readonly string[];
  /** Op names the rule looks at ('*': every op); the engine calls it only for nodes of these ops. */
  readonly tracks: readonly string[];
  rewrite(node: Apply, fg: FunctionGraph): readonly Variable[] | null | undefined;
}

/** What a phase did, for debug output and tests. */
export interface PhaseReport {
  phase: string;
  fired: Map<string, number>;
  nodesBefore: number;
  nodesAfter: number;
}

const MAX_SWEEPS = 50;

/**
 * Applies the rules to every node, in topological order, sweeping until a sweep changes nothing (a fixed point).
 * Replacements inherit the user's name and creation site of what they replace.
 */
export function runRules(fg: FunctionGraph, phase: string, rules: readonly Rule[]): PhaseReport {
  const byOp = new Map<string, Rule[]>();
  for (const r of rules) for (const op of r.tracks) byOp.set(op, [...(byOp.get(op) ?? []), r]);
  const report: PhaseReport = { phase, fired: new Map(), nodesBefore: fg.toposort().length, nodesAfter: 0 };
  for (let sweep = 0; ; sweep++) {
    let changed = false;
    const firedThisSweep = new Set<string>();
    for (const node of fg.toposort().slice()) {
      if (!fg.contains(node)) continue;
      for (const rule of [...(byOp.get(node.op.name) ?? []), ...(byOp.get('*') ?? [])]) {
        const out = rule.rewrite(node, fg);
        if (!out) continue;
        replaceOutputs(fg, node, out, rule.name);
        report.fired.set(rule.name, (report.fired.get(rule.name) ?? 0) + 1);
        firedThisSweep.add(rule.name);
        debugLog(DebugLevel.rules, () => `${phase}: ${rule.name} (${rule.doc}) on ${node.op.toString()}`);
        changed = true;
        break;
      }
    }
    if (!changed) break;
    if (sweep + 1 === MAX_SWEEPS) {
      throw new CompileError(
        `${phase}: the rewrites did not reach a fixed point in ${MAX_SWEEPS} sweeps; still firing: ${[...firedThisSweep].join(', ')}. This is a bug in those rules (each rewrite must make the graph simpler); compile with mode 'FAST_COMPILE' to avoid it meanwhile`,
      );
    }
  }
  report.nodesAfter = fg.toposort().length;
  return report;
}

/** Replaces each output of `node` by its replacement, keeping names and creation sites. */
export function replaceOutputs(fg: FunctionGraph, node: Apply, replacements: readonly Variable[], reason: string): void {
  node.outputs.forEach((old, i) => {
    const repl = replacements[i];
    if (!repl || repl === old) return;
    if (repl.site === undefined) repl.site = old.site;
    fg.replace(old, repl, reason);
  });
}

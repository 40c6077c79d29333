import { Apply, SharedVariable, Variable } from './variable.js';
import { TypeMismatchError } from '../util/errors.js';

/** A use of a variable: input `index` of `node`, or output `index` of the graph (node = 'output'). */
export interface Client {
  node: Apply | 'output';
  index: number;
}

/**
 * A graph between given inputs and outputs that tracks, for every variable, who uses it. It is changed only
 * through `replace`, which keeps the client lists right.
 */
export class FunctionGraph {
  readonly inputs: Variable[];
  readonly outputs: Variable[];
  private clientMap = new Map<Variable, Client[]>();
  private nodeSet = new Set<Apply>();
  private order: Apply[] | null = null;

  constructor(inputs: Variable[], outputs: Variable[]) {
    this.inputs = inputs.slice();
    this.outputs = outputs.slice();
    for (const node of toposort(this.outputs)) this.addNode(node);
    this.outputs.forEach((v, index) => this.addClient(v, { node: 'output', index }));
  }

  /** True while `node` is part of the graph (replacements drop nodes that nothing uses any more). */
  contains(node: Apply): boolean {
    return this.nodeSet.has(node);
  }

  clients(v: Variable): readonly Client[] {
    return this.clientMap.get(v) ?? [];
  }

  /** Nodes in an order where every node comes after the nodes it depends on. */
  toposort(): Apply[] {
    if (!this.order) this.order = toposort(this.outputs);
    return this.order;
  }

  /** Every variable of the graph that no node computes: inputs, constants, shared variables. */
  leaves(): Variable[] {
    const seen = new Set<Variable>();
    const visit = (v: Variable): void => {
      if (!v.owner) seen.add(v);
    };
    for (const node of this.toposort()) node.inputs.forEach(visit);
    this.outputs.forEach(visit);
    return [...seen];
  }

  sharedVariables(): SharedVariable[] {
    return this.leaves().filter((v): v is SharedVariable => v instanceof SharedVariable);
  }

  /**
   * Replaces every use of `old` by `replacement` (whose new nodes join the graph); nodes left without a use
   * are dropped. Types must be compatible. Work is proportional to what changes, not to the graph's size.
   */
  replace(old: Variable, replacement: Variable, reason = 'replace'): void {
    if (old === replacement) return;
    if (!old.type.isCompatible(replacement.type)) {
      throw new TypeMismatchError(`FunctionGraph.replace (${reason}): ${replacement.describe()} cannot replace ${old.describe()}: types differ`);
    }
    if (replacement.name === undefined && old.name !== undefined) replacement.name = old.name;
    this.importVariable(replacement);
    const moved = this.clientMap.get(old) ?? [];
    this.clientMap.delete(old);
    for (const c of moved) {
      if (c.node === 'output') this.outputs[c.index] = replacement;
      else c.node.inputs[c.index] = replacement;
      this.addClient(replacement, c);
    }
    this.pruneIfDead(old.owner);
    this.order = null;
  }

  /** Adds the nodes computing `v` that the graph does not have yet. */
  private importVariable(v: Variable): void {
    for (const node of toposort([v])) if (!this.nodeSet.has(node)) this.addNode(node);
  }

  private addNode(node: Apply): void {
    this.nodeSet.add(node);
    node.inputs.forEach((v, index) => this.addClient(v, { node, index }));
  }

  /** Drops a node none of whose outputs is used, then the nodes that only it used. */
  private pruneIfDead(start: Apply | null): void {
    const stack = start ? [start] : [];
    while (stack.length) {
      const node = stack.pop()!;
      if (!this.nodeSet.has(node) || node.outputs.some((o) => (this.clientMap.get(o)?.length ?? 0) > 0)) continue;
      this.nodeSet.delete(node);
      node.inputs.forEach((v, index) => {
        const list = this.clientMap.get(v);
        if (!list) return;
        const k = list.findIndex((c) => c.node === node && c.index === index);
        if (k >= 0) list.splice(k, 1);
        if (list.length === 0) this.clientMap.delete(v);
        if (v.owner) stack.push(v.owner);
      });
    }
  }

  private addClient(v: Variable, c: Client): void {
    const list = this.clientMap.get(v);
    if (list) list.push(c);
    else this.clientMap.set(v, [c]);
  }
}

/** Depth-first post-order over the owners of `outputs` (iterative: deep graphs must not overflow the stack). */
export function toposort(outputs: readonly Variable[]): Apply[] {
  const order: Apply[] = [];
  const done = new Set<Apply>();
  const onStack = new Set<Apply>();
  for (const out of outputs) {
    if (!out.owner || done.has(out.owner)) continue;
    const stack: { node: Apply; next: number }[] = [{ node: out.owner, next: 0 }];
    onStack.add(out.owner);
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      if (top.next < top.node.inputs.length) {
        const dep = top.node.inputs[top.next++]!.owner;
        if (dep && !done.has(dep)) {
          if (onStack.has(dep)) throw new Error('toposort: the graph has a cycle');
          onStack.add(dep);
          stack.push({ node: dep, next: 0 });
        }
      } else {
        stack.pop();
        onStack.delete(top.node);
        done.add(top.node);
        order.push(top.node);
      }
    }
  }
  return order;
}

/** All variables on which `outputs` depend (including themselves). */
export function ancestors(outputs: readonly Variable[]): Set<Variable> {
  const seen = new Set<Variable>();
  const stack = [...outputs];
  while (stack.length) {
    const v = stack.pop()!;
    if (seen.has(v)) continue;
    seen.add(v);
    if (v.owner) stack.push(...v.owner.inputs);
  }
  return seen;
}

import { Apply, type Variable } from '../ir/variable.js';

/**
 * Copies the graph of `outputs` with every variable in `replace` swapped for its replacement (Theano's
 * `clone(..., replace=givens)`). Leaves not replaced are kept; every node is new, so later rewrites never touch
 * the user's graph. Names and creation sites carry over. `memo` receives each variable's copy.
 */
export function cloneWithReplacements(
  outputs: readonly Variable[],
  replace: ReadonlyMap<Variable, Variable>,
  memo = new Map<Variable, Variable>(),
): Variable[] {
  for (const [k, v] of replace) memo.set(k, v);
  const done = new Set<Apply>();
  const visit = (root: Variable): Variable => {
    // Iterative post-order so that deep graphs do not overflow the stack.
    const stack: Variable[] = [root];
    while (stack.length) {
      const v = stack[stack.length - 1]!;
      if (memo.has(v)) {
        stack.pop();
        continue;
      }
      if (!v.owner) {
        memo.set(v, v);
        stack.pop();
        continue;
      }
      const pending = v.owner.inputs.filter((i) => !memo.has(i));
      if (pending.length) {
        stack.push(...pending);
        continue;
      }
      stack.pop();
      const node = v.owner;
      if (done.has(node)) continue;
      done.add(node);
      const inputs = node.inputs.map((i) => memo.get(i)!);
      const copy = new Apply(node.op, inputs, node.op.inferTypes(inputs), node.site);
      node.outputs.forEach((o, k) => {
        const c = copy.outputs[k]!;
        c.name = o.name;
        c.site = o.site;
        memo.set(o, c);
      });
    }
    return memo.get(root)!;
  };
  return outputs.map(visit);
}

import { Constant, Variable } from './variable.js';

/** Something that prints as a graph: variables, or a compiled function exposing its optimised graph. */
export type Printable = Variable | readonly Variable[] | { fgraph: { outputs: readonly Variable[] } };

function rootsOf(x: Printable): readonly Variable[] {
  if (x instanceof Variable) return [x];
  if (Array.isArray(x)) return x as readonly Variable[];
  return (x as { fgraph: { outputs: readonly Variable[] } }).fgraph.outputs;
}

function idLabel(n: number): string {
  let s = '';
  n += 1;
  while (n > 0) {
    n -= 1;
    s = String.fromCharCode(65 + (n % 26)) + s;
    n = Math.floor(n / 26);
  }
  return s;
}

/**
 * Theano-style tree listing: one line per variable, children indented under ` |`, each node given an id;
 * a node met again prints only its id. `types: true` appends each variable's type.
 */
export function debugprint(x: Printable, opts: { types?: boolean } = {}): string {
  const ids = new Map<object, string>();
  const idOf = (key: object): string => {
    let id = ids.get(key);
    if (!id) ids.set(key, (id = idLabel(ids.size)));
    return id;
  };
  const expanded = new Set<object>();
  const lines: string[] = [];
  const visit = (v: Variable, depth: number): void => {
    const prefix = ' |'.repeat(depth);
    const key: object = v.owner ?? v;
    const seen = ids.has(key);
    const id = idOf(key);
    const typ = opts.types ? ` <${v.type.toString()}>` : '';
    const name = v.name ? ` '${v.name}'` : '';
    if (!v.owner) {
      const label = v instanceof Constant ? (v.name ?? `constant${JSON.stringify(v.value.shape)}`) : (v.name ?? '<unnamed>');
      lines.push(`${prefix}${label} [id ${id}]${typ}`);
      return;
    }
    const out = v.owner.outputs.length > 1 ? `.${v.index}` : '';
    lines.push(`${prefix}${v.owner.op.toString()}${out} [id ${id}]${name}${typ}`);
    if (seen && expanded.has(key)) return;
    expanded.add(key);
    for (const inp of v.owner.inputs) visit(inp, depth + 1);
  };
  for (const root of rootsOf(x)) visit(root, 0);
  return lines.join('\n');
}

/** Pretty-prints an expression in infix form, e.g. `sigmoid((dot(x, w) + b))`. */
export function pp(x: Variable): string {
  const memo = new Map<Variable, string>();
  const render = (v: Variable): string => {
    const hit = memo.get(v);
    if (hit !== undefined) return hit;
    let s: string;
    if (!v.owner) s = v.name ?? (v instanceof Constant ? constantText(v) : `<${v.type.describe()}>`);
    else {
      const args = v.owner.inputs.map(render);
      const op = v.owner.op;
      s = op.pp ? op.pp(args) : op.scalar?.infix && args.length === 2 ? `(${args[0]} ${op.scalar.infix} ${args[1]})` : `${op.toString()}(${args.join(', ')})`;
    }
    memo.set(v, s);
    return s;
  };
  return render(x);
}

function constantText(c: Constant): string {
  return c.value.size <= 6 ? JSON.stringify(c.value.toArray()) : `constant${JSON.stringify(c.value.shape)}`;
}

function dotEscape(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}

/**
 * Graphviz DOT text of a graph: ops as boxes (fused kernels show their scalar expression), inputs as ellipses,
 * shared variables as double ellipses, constants as plain text; edges carry the types.
 */
export function toDot(x: Printable): string {
  const roots = rootsOf(x);
  const ids = new Map<object, string>();
  const lines = ['digraph G {', '  rankdir=TB;', '  node [fontname="Helvetica", fontsize=10];'];
  const idOf = (key: object): string => {
    let id = ids.get(key);
    if (!id) ids.set(key, (id = `n${ids.size}`));
    return id;
  };
  const seen = new Set<object>();
  const stack: Variable[] = [...roots];
  while (stack.length) {
    const v = stack.pop()!;
    const key: object = v.owner ?? v;
    if (seen.has(key)) continue;
    seen.add(key);
    if (!v.owner) {
      const shape = v instanceof Constant ? 'plaintext' : v.constructor.name === 'SharedVariable' ? 'doublecircle' : 'ellipse';
      const label = v.name ?? (v instanceof Constant ? constantText(v) : '<unnamed>');
      lines.push(`  ${idOf(v)} [shape=${shape}, label="${dotEscape(label)}"];`);
      continue;
    }
    const node = v.owner;
    const name = node.outputs
      .map((o) => o.name)
      .filter(Boolean)
      .join(', ');
    lines.push(`  ${idOf(node)} [shape=box, label="${dotEscape(node.op.toString())}${name ? `\\n'${dotEscape(name)}'` : ''}"];`);
    for (const inp of node.inputs) {
      lines.push(`  ${idOf(inp.owner ?? inp)} -> ${idOf(node)} [label="${dotEscape(inp.type.toString())}", fontsize=8];`);
      stack.push(inp);
    }
  }
  roots.forEach((r, i) => {
    lines.push(`  out${i} [shape=none, label="output ${i}"];`, `  ${idOf(r.owner ?? r)} -> out${i};`);
  });
  lines.push('}');
  return lines.join('\n');
}

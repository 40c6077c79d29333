/**
 * Random well-typed expression graphs for property tests, with shrinking that leaves a minimal failing graph.
 *
 * A graph is drawn as a *recipe*: a tree of op names, integer parameters and input references. Recipes are
 * plain data; `GraphCase.build` interprets one into tsano variables, repairing operands that do not fit (see
 * graph-ops.ts), so every recipe is a valid graph. That makes shrinking simple and strong: a node may be
 * replaced by any of its subtrees, a parameter moved toward 0, an input shape made smaller, and the result is
 * still a graph.
 */
import fc from 'fast-check';
import type { NDArray } from '../ir/ndarray.js';
import type { Variable } from '../ir/variable.js';
import { T, printing } from '../index.js';
import { sizeOf, type Built, type BuildContext, type GraphOp } from './graph-ops.js';
import { defaultGraphOps } from './graph-ops-nn.js';
import { valuesAwayFromKinks } from './values.js';

/** A node of a recipe: an op applied to sub-recipes, or (op 'input') a reference to input number p. */
export interface Recipe {
  readonly op: string;
  readonly p: number;
  readonly args: readonly Recipe[];
}

export interface GraphOptions {
  /** The ops to draw from (default: defaultGraphOps, every differentiable family). */
  ops?: readonly GraphOp[];
  /** Base inputs per graph, 1..maxInputs (default 2). */
  maxInputs?: number;
  /** Largest rank of an input (default 3; conv2d and pool2d reshape lower ranks). */
  maxRank?: number;
  /** Largest axis length of an input (default 4). */
  maxDim?: number;
  /** Depth bound of the recipe tree (default 4). */
  maxDepth?: number;
  /** Bound on the number of op nodes (default 8). */
  maxNodes?: number;
  /** Intermediate results larger than this are summed over their longest axis (default 48 elements). */
  maxElements?: number;
}

/** What a GraphCase builds: the symbolic inputs (base inputs x0.., then weights w0..), their values, the output. */
export interface BuiltGraph {
  inputs: Variable[];
  points: NDArray[];
  output: Variable;
  /** Rebuilds the same graph on other variables, one per input (what verifyGrad and checkGrad call). */
  fun: (...vars: Variable[]) => Variable;
}

const LEAF = 'input';

/** A drawn graph: input shapes, a recipe and a value seed. Prints (in fast-check reports too) as its pp. */
export class GraphCase {
  #built: BuiltGraph | undefined;
  constructor(
    readonly shapes: readonly (readonly number[])[],
    readonly recipe: Recipe,
    readonly seed: number,
    readonly ops: readonly GraphOp[],
    readonly maxElements: number,
  ) {}

  /** Interprets the recipe (memoised): inputs named x0, x1, … and weights w0, w1, …, with seeded values. */
  build(): BuiltGraph {
    if (this.#built) return this.#built;
    const inputs = this.shapes.map((s, i) => T.tensor('float64', s.length, `x${i}`));
    const points = this.shapes.map((s, i) => valuesAwayFromKinks(s, this.seed + 1000 * i));
    const weights: Variable[] = [];
    const output = this.interpret(inputs, (shape) => {
      const v = T.tensor('float64', shape.length, `w${weights.length}`);
      points.push(valuesAwayFromKinks(shape, this.seed + 7919 * (weights.length + 1), { min: 0.2, max: 1 }));
      weights.push(v);
      return v;
    });
    const all = [...inputs, ...weights];
    const fun = (...vars: Variable[]): Variable => {
      let k = this.shapes.length;
      return this.interpret(vars.slice(0, this.shapes.length), () => vars[k++]!);
    };
    this.#built = { inputs: all, points, output, fun };
    return this.#built;
  }

  private interpret(inputs: readonly Variable[], makeParam: (shape: number[]) => Variable): Variable {
    const ctx: BuildContext = { param: (shape) => ({ v: makeParam(shape), shape }) };
    const byName = new Map(this.ops.map((o) => [o.name, o]));
    const visit = (r: Recipe): Built => {
      if (r.op === LEAF) {
        const i = r.p % inputs.length;
        return { v: inputs[i]!, shape: this.shapes[i]!.slice() };
      }
      const op = byName.get(r.op);
      if (!op) throw new Error(`GraphCase: unknown op '${r.op}' (not among the generator's ops)`);
      const args = r.args.map(visit);
      return this.bound(op.build(args, r.p, ctx));
    };
    return visit(this.recipe).v;
  }

  /** Keeps intermediate results small: sums over the longest axis while the size exceeds maxElements. */
  private bound(b: Built): Built {
    let cur = b;
    while (sizeOf(cur.shape) > this.maxElements) {
      const axis = cur.shape.indexOf(Math.max(...cur.shape));
      cur = { v: T.sum(cur.v, axis), shape: cur.shape.filter((_, i) => i !== axis) };
    }
    return cur;
  }

  /** Op nodes in the recipe. */
  get size(): number {
    const count = (r: Recipe): number => (r.op === LEAF ? 0 : 1 + r.args.reduce((s, a) => s + count(a), 0));
    return count(this.recipe);
  }

  /** `x0: (2, 3), w0: (3, 1); out = pp(output)`, the way failures are reported. */
  toString(): string {
    const b = this.build();
    const ins = b.inputs.map((v, i) => `${v.name}: float64 (${b.points[i]!.shape.join(', ')}${b.points[i]!.shape.length === 1 ? ',' : ''})`).join(', ');
    return `graph with ${ins}; value seed ${this.seed}:\n    ${printing.pp(b.output)}`;
  }

  [fc.toStringMethod](): string {
    return this.toString();
  }

  with(changes: { shapes?: readonly (readonly number[])[]; recipe?: Recipe }): GraphCase {
    return new GraphCase(changes.shapes ?? this.shapes, changes.recipe ?? this.recipe, this.seed, this.ops, this.maxElements);
  }
}

/** The fast-check arbitrary of GraphCases: draws recipes within the bounds; shrinks toward small graphs. */
class GraphArbitrary extends fc.Arbitrary<GraphCase> {
  private readonly ops: readonly GraphOp[];
  private readonly total: number;
  constructor(private readonly o: Required<GraphOptions>) {
    super();
    this.ops = o.ops;
    this.total = this.ops.reduce((s, op) => s + (op.weight ?? 1), 0);
  }

  generate(mrng: fc.Random): fc.Value<GraphCase> {
    const nInputs = mrng.nextInt(1, this.o.maxInputs);
    const shapes = Array.from({ length: nInputs }, () => {
      // Scalars now and then; mostly tensors of rank 1..maxRank.
      const rank = mrng.nextInt(0, 7) === 0 ? 0 : mrng.nextInt(Math.min(1, this.o.maxRank), this.o.maxRank);
      return Array.from({ length: rank }, () => (mrng.nextInt(0, 4) === 0 ? 1 : mrng.nextInt(1, this.o.maxDim)));
    });
    let budget = this.o.maxNodes;
    const tree = (depth: number, root: boolean): Recipe => {
      if (budget <= 0 || depth === 0 || (!root && mrng.nextInt(0, 2) === 0)) return { op: LEAF, p: mrng.nextInt(0, nInputs - 1), args: [] };
      budget--;
      const op = this.pick(mrng);
      const p = mrng.nextInt(0, 0xffff);
      const args = Array.from({ length: op.arity }, () => tree(depth - 1, false));
      return { op: op.name, p, args };
    };
    const recipe = tree(this.o.maxDepth, true);
    const seed = mrng.nextInt(0, 0x3fffffff);
    return new fc.Value(new GraphCase(shapes, recipe, seed, this.ops, this.o.maxElements), undefined);
  }

  private pick(mrng: fc.Random): GraphOp {
    let r = mrng.nextDouble() * this.total;
    for (const op of this.ops) {
      r -= op.weight ?? 1;
      if (r < 0) return op;
    }
    return this.ops[this.ops.length - 1]!;
  }

  canShrinkWithoutContext(value: unknown): value is GraphCase {
    return value instanceof GraphCase;
  }

  shrink(value: GraphCase): fc.Stream<fc.Value<GraphCase>> {
    return fc.stream(shrinkCase(value)).map((c) => new fc.Value(c, undefined));
  }
}

/** Candidates smaller than c, most aggressive first: subtrees, then parameters and shapes. */
function* shrinkCase(c: GraphCase): IterableIterator<GraphCase> {
  for (const r of shrinkRecipe(c.recipe, c.shapes.length)) yield c.with({ recipe: r });
  // Fewer inputs (leaves refer to inputs modulo their number).
  if (c.shapes.length > 1) yield c.with({ shapes: c.shapes.slice(0, -1) });
  for (let i = 0; i < c.shapes.length; i++) {
    for (const s of shrinkShape(c.shapes[i]!)) yield c.with({ shapes: c.shapes.map((x, k) => (k === i ? s : x)) });
  }
}

function* shrinkRecipe(r: Recipe, nInputs: number): IterableIterator<Recipe> {
  if (r.op === LEAF) {
    if (r.p > 0) yield { ...r, p: 0 };
    return;
  }
  // Replace the node by one of its operands (whole subtrees, nearest first), or by an input.
  for (const a of r.args) yield a;
  for (const a of r.args) for (const d of descendants(a)) yield d;
  for (let i = 0; i < nInputs; i++) yield { op: LEAF, p: i, args: [] };
  // Shrink one operand.
  for (let i = 0; i < r.args.length; i++) {
    for (const s of shrinkRecipe(r.args[i]!, nInputs)) yield { ...r, args: r.args.map((a, k) => (k === i ? s : a)) };
  }
  // Simpler parameters.
  if (r.p > 0) {
    yield { ...r, p: 0 };
    if (r.p > 1) yield { ...r, p: r.p >>> 1 };
    yield { ...r, p: r.p - 1 };
  }
}

function* descendants(r: Recipe): IterableIterator<Recipe> {
  for (const a of r.args) {
    if (a.op !== LEAF) yield a;
    yield* descendants(a);
  }
}

function* shrinkShape(s: readonly number[]): IterableIterator<number[]> {
  for (let a = 0; a < s.length; a++) yield [...s.slice(0, a), ...s.slice(a + 1)];
  for (let a = 0; a < s.length; a++) {
    if (s[a]! > 1) {
      yield s.map((d, k) => (k === a ? 1 : d));
      if (s[a]! > 2) yield s.map((d, k) => (k === a ? d - 1 : d));
    }
  }
}

/**
 * `graphArb(opts)`: random well-typed graphs over the differentiable ops (elementwise, reductions, dot, reshape,
 * dimshuffle, indexing, softmax, conv2d, pooling), at most `maxNodes` op nodes deep `maxDepth`, float64 inputs
 * of rank ≤ maxRank. Values are seeded and kept away from kinks and ties. Shrinks to a minimal graph.
 */
export function graphArb(opts: GraphOptions = {}): fc.Arbitrary<GraphCase> {
  return new GraphArbitrary({
    ops: opts.ops ?? defaultGraphOps,
    maxInputs: opts.maxInputs ?? 2,
    maxRank: opts.maxRank ?? 3,
    maxDim: opts.maxDim ?? 4,
    maxDepth: opts.maxDepth ?? 4,
    maxNodes: opts.maxNodes ?? 8,
    maxElements: opts.maxElements ?? 48,
  });
}

/** A GraphCase from an explicit recipe (to replay a shrunk counterexample, or to write one by hand). */
export function graphCase(
  shapes: readonly (readonly number[])[],
  recipe: Recipe,
  opts: { seed?: number; ops?: readonly GraphOp[]; maxElements?: number } = {},
): GraphCase {
  return new GraphCase(shapes, recipe, opts.seed ?? 1, opts.ops ?? defaultGraphOps, opts.maxElements ?? 48);
}

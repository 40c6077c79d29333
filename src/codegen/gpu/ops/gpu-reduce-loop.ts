import type { GpuRendering, GpuStage } from '../kernel-spec.js';

/**
 * A reduction rendered as loops: one thread per output element, walking its `count` reduced elements. Long
 * reductions split in two stages (threads that each reduce a chunk, then one pass over the chunks' results), so
 * that no GPU thread loops over millions of elements alone.
 */
export interface ReduceLoop {
  outSize: number;
  /** Reduced elements per output element. */
  count: number;
  /** The kernel's parameters ('x0, x1'). */
  params: string;
  /** Statements run once per thread with `o` the output index (coordinates, base offsets). */
  prelude: string;
  /** Statements that set `const ${name}` to reduced element `r` (an expression) of output `o`. */
  load(r: string, name: string): string;
  /** Statements that start the accumulator `acc` from the first value `v` (at index `r`). */
  init(v: string, r: string): string;
  /** Statements that fold value `v` at reduced index `r` into `acc`. */
  combine(v: string, r: string): string;
  /** The output from `acc` (by default acc). */
  finish?: (acc: string) => string;
  /** Whether partial accumulators combine like values (sum, max: yes; argmax: no). */
  splittable: boolean;
  label: string;
}

/** Above this many elements per output, a splittable reduction takes two stages. */
const SPLIT_ABOVE = 4096;

/** One loop kernel: `head` sets the output index `o` from the thread index `t`; the loop covers `count` elements from `first`. */
interface LoopShape {
  size: number;
  params: string;
  head: string;
  prelude: string;
  first: string;
  count: number;
  /** Reduced elements per output, when the last chunk may run past them. */
  guard?: number;
  /** Whether this stage gives the output (and applies `finish`). */
  last: boolean;
}

function loopStage(shape: LoopShape, spec: ReduceLoop): GpuStage {
  const { first, count, guard } = shape;
  const r = guard === undefined ? `${first} + k` : 'r';
  const load = spec.load(r, 'v');
  const step = guard === undefined ? `${load} ${spec.combine('v', r)}` : `const r = ${first} + k; if (r < ${guard}) { ${load} ${spec.combine('v', 'r')} }`;
  const loop = count > 1 ? `for (let k = 1; k < ${count}; k++) { ${step} }` : '';
  const result = shape.last && spec.finish ? spec.finish('acc') : 'acc';
  const source = `function (${shape.params}) { const t = this.thread.x; ${shape.head} ${shape.prelude} ${spec.load(first, 'w')} ${spec.init('w', first)} ${loop} return ${result}; }`;
  const stage: GpuStage = { source, args: [], size: shape.size, label: spec.label };
  if (count > 1000) stage.loopMaxIterations = count;
  return stage;
}

export function renderReduceLoop(spec: ReduceLoop, nInputs: number): GpuRendering {
  const inputs = Array.from({ length: nInputs }, (_, k) => ({ input: k }));
  if (!spec.splittable || spec.count <= SPLIT_ABOVE) {
    const stage = loopStage(
      { size: spec.outSize, params: spec.params, head: 'const o = t;', prelude: spec.prelude, first: '0', count: spec.count, last: true },
      spec,
    );
    return { stages: [{ ...stage, args: inputs }], outputs: [0] };
  }
  const chunk = Math.ceil(Math.sqrt(spec.count));
  const chunks = Math.ceil(spec.count / chunk);
  // Stage 1: thread t reduces chunk c of output o; stage 2: output o reduces its chunks' partial results.
  const partial = loopStage(
    {
      size: spec.outSize * chunks,
      params: spec.params,
      head: `const o = Math.floor(t / ${chunks}); const c = t - o * ${chunks};`,
      prelude: spec.prelude,
      first: `c * ${chunk}`,
      count: chunk,
      ...(chunk * chunks > spec.count ? { guard: spec.count } : {}),
      last: false,
    },
    spec,
  );
  const combineSpec: ReduceLoop = { ...spec, load: (r, name) => `const ${name} = p[o * ${chunks} + ${r}];` };
  const total = loopStage({ size: spec.outSize, params: 'p', head: 'const o = t;', prelude: '', first: '0', count: chunks, last: true }, combineSpec);
  return {
    stages: [
      { ...partial, args: inputs, label: `${spec.label}:partial` },
      { ...total, args: [{ stage: 0 }] },
    ],
    outputs: [1],
  };
}

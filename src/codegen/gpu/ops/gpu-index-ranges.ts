import { Constant, type Apply } from '../../../ir/variable.js';
import { sliceRange, type IndexEntry } from '../../../ops/index-spec.js';
import { floatLiteral } from '../kernel-spec.js';

/** One axis of basic indexing as kernel expressions (literals where the indices are constants). */
export interface AxisExprs {
  start: string;
  step: string;
  count: string;
  /** False for an int entry: the axis is not in the region. */
  keep: boolean;
}

export interface IndexRanges {
  axes: AxisExprs[];
  /** Statements that compute the per-axis values read from the device. */
  statements: string;
  /** The node inputs read on the device (the symbolic index scalars), each a kernel parameter `s${input}`. */
  deviceInputs: number[];
}

/**
 * Python's slice.indices (index-spec's `sliceRange`) per axis of x (shape `shape`) for the entries of a
 * Subtensor-like node whose index scalars are inputs from `firstScalar` on. Constant indices resolve here; the
 * others are read from their device arrays and clamped in the kernel (the result's shape is known, not the values).
 */
export function indexRanges(node: Apply, entries: readonly IndexEntry[], shape: readonly number[], firstScalar: number): IndexRanges {
  const lines: string[] = [];
  const deviceInputs: number[] = [];
  let next = firstScalar;
  const take = (): { value: number | null; expr: string } => {
    const k = next++;
    const v = node.inputs[k]!;
    if (v instanceof Constant) return { value: v.value.item(), expr: floatLiteral(v.value.item()) };
    deviceInputs.push(k);
    return { value: null, expr: `s${k}[0]` };
  };
  const axes = shape.map((n, a): AxisExprs => {
    const e = entries[a];
    const N = floatLiteral(n);
    if (!e) return { start: '0.0', step: '1.0', count: N, keep: true };
    if (e.kind === 'int') {
      const i = take();
      if (i.value !== null) return { start: floatLiteral(i.value < 0 ? i.value + n : i.value), step: '1.0', count: '1.0', keep: false };
      lines.push(`const i${a} = ${i.expr}; const b${a} = i${a} < 0.0 ? i${a} + ${N} : i${a};`);
      return { start: `b${a}`, step: '1.0', count: '1.0', keep: false };
    }
    const [start, stop, step] = [e.start ? take() : null, e.stop ? take() : null, e.step ? take() : null];
    if ([start, stop, step].every((p) => p === null || p.value !== null)) {
      const r = sliceRange(n, start?.value ?? null, stop?.value ?? null, step?.value ?? null);
      return { start: floatLiteral(r.start), step: floatLiteral(r.step), count: floatLiteral(r.count), keep: true };
    }
    // slice.indices in the kernel: bounds wrap once, then clamp to [lo, hi], which depend on the step's sign.
    const st = `st${a}`;
    lines.push(`const ${st} = ${step ? step.expr : '1.0'};`);
    lines.push(`const lo${a} = ${st} < 0.0 ? -1.0 : 0.0; const hi${a} = ${st} < 0.0 ? ${floatLiteral(n - 1)} : ${N};`);
    const bound = (p: { expr: string } | null, name: string, dflt: string): void => {
      if (!p) return void lines.push(`const ${name} = ${dflt};`);
      lines.push(`const ${name}w = ${p.expr} < 0.0 ? ${p.expr} + ${N} : ${p.expr};`);
      lines.push(`const ${name} = Math.min(Math.max(${name}w, lo${a}), hi${a});`);
    };
    bound(start, `b${a}`, `${st} < 0.0 ? hi${a} : lo${a}`);
    bound(stop, `e${a}`, `${st} < 0.0 ? lo${a} : hi${a}`);
    lines.push(
      `const n${a} = ${st} > 0.0 ? (b${a} < e${a} ? Math.floor((e${a} - b${a} - 1.0) / ${st}) + 1.0 : 0.0) : (b${a} > e${a} ? Math.floor((b${a} - e${a} - 1.0) / -${st}) + 1.0 : 0.0);`,
    );
    return { start: `b${a}`, step: st, count: `n${a}`, keep: true };
  });
  return { axes, statements: lines.join(' '), deviceInputs };
}

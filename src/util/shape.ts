/** Shape arithmetic shared by every layer. `null` in a static shape means "unknown until run time". */
export type StaticShape = readonly (number | null)[];

export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  return strides;
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function formatShape(shape: StaticShape): string {
  if (shape.length === 1) return `(${shape[0] ?? '?'},)`;
  return `(${shape.map((d) => d ?? '?').join(', ')})`;
}

/**
 * NumPy broadcasting of equal-rank static shapes. Returns null (with the offending axis) when two known
 * sizes differ and neither is 1. An unknown size against a known one n > 1 gives n: at run time it must be n or 1.
 */
export function broadcastStatic(shapes: StaticShape[]): { shape: (number | null)[] } | { axis: number } {
  const rank = shapes[0]?.length ?? 0;
  const out: (number | null)[] = [];
  for (let a = 0; a < rank; a++) {
    let known: number | null = null;
    let anyUnknown = false;
    for (const s of shapes) {
      const d = s[a]!;
      if (d === null) anyUnknown = true;
      else if (d !== 1) {
        if (known !== null && known !== d) return { axis: a };
        known = d;
      }
    }
    out.push(known !== null ? known : anyUnknown ? null : 1);
  }
  return { shape: out };
}

/** Run-time broadcasting of equal-rank shapes; returns the axis that fails, or the result. */
export function broadcastRuntime(shapes: readonly (readonly number[])[]): number[] | { axis: number } {
  const rank = shapes[0]?.length ?? 0;
  const out = new Array<number>(rank);
  for (let a = 0; a < rank; a++) {
    let d = 1;
    for (const s of shapes) {
      const v = s[a]!;
      if (v === 1) continue;
      if (d !== 1 && d !== v) return { axis: a };
      d = v;
    }
    out[a] = d;
  }
  return out;
}

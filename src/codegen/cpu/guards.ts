import { arrayClass, isFloat, type DType } from '../../ir/dtype.js';
import type { NDArray } from '../../ir/ndarray.js';
import type { Apply, Variable } from '../../ir/variable.js';
import { BackendError, NanGuardError, TsanoError } from '../../util/errors.js';

export const bytesPer = (dtype: DType): number => (arrayClass(dtype) as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;
export const mib = (bytes: number): string => (bytes / 2 ** 20).toFixed(bytes < 2 ** 20 ? 3 : 1);

/** "fused{…} (ops: mul, log), computing 'h'" — a node as the user would recognise it. */
function describeNode(node: Apply): string {
  const ops = node.op.userOps?.(node);
  const out = node.outputs[0]!;
  return `${node.op.toString()}${ops && ops.length > 1 ? ` (ops: ${ops.join(', ')})` : ''}${out.name ? `, computing '${out.name}'` : ''}`;
}

const describeInputs = (node: Apply, inputs: readonly NDArray[]) => node.inputs.map((v, i) => v.describeWithShape(inputs[i]!.shape)).join(', ');

/**
 * An exception from inside a kernel: tsano's own errors already name what is wrong and pass through; anything
 * else (a TypeError, a RangeError) is a bug in tsano, rethrown naming the node, its ops, inputs and site.
 */
export function kernelFailure(e: unknown, node: Apply, inputs: readonly NDArray[]): Error {
  if (e instanceof TsanoError) return e;
  const why = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return new BackendError(
    `${describeNode(node)}: the kernel failed (${why}); inputs ${describeInputs(node, inputs)};${node.outputs[0]!.createdAt() || ' (no creation site)'} This is a bug in tsano: please report it with this message`,
  );
}

interface Stats {
  nan: number;
  inf: number;
  first: number;
  min: number;
  max: number;
  mean: number;
}

function stats(a: NDArray): Stats {
  const s: Stats = { nan: 0, inf: 0, first: -1, min: Infinity, max: -Infinity, mean: 0 };
  let finite = 0;
  const d = a.data;
  for (let i = 0; i < d.length; i++) {
    const v = d[i]!;
    if (v === v && v - v === 0) {
      if (v < s.min) s.min = v;
      if (v > s.max) s.max = v;
      s.mean += v;
      finite++;
      continue;
    }
    if (s.first < 0) s.first = i;
    if (v !== v) s.nan++;
    else s.inf++;
  }
  s.mean = finite ? s.mean / finite : NaN;
  return s;
}

const hasNonFinite = (a: NDArray): boolean => {
  const d = a.data;
  for (let i = 0; i < d.length; i++) if (d[i]! - d[i]! !== 0) return true;
  return false;
};

function summary(v: Variable, a: NDArray): string {
  const s = stats(a);
  const range = s.min <= s.max ? `min ${s.min}, max ${s.max}, mean ${s.mean.toPrecision(4)}` : 'no finite values';
  return `${v.describeWithShape(a.shape)}: ${range}${s.nan ? `, ${s.nan} NaN` : ''}${s.inf ? `, ${s.inf} Inf` : ''}`;
}

/** NAN_GUARD after a kernel: its float outputs must hold no NaN or ±Inf. */
export function checkFinite(node: Apply, inputs: readonly NDArray[], outputs: readonly NDArray[]): void {
  outputs.forEach((out, j) => {
    if (!isFloat(out.dtype) || !hasNonFinite(out)) return;
    const s = stats(out);
    const what = [s.nan ? `${s.nan} NaN` : '', s.inf ? `${s.inf} Inf` : ''].filter(Boolean).join(' and ');
    throw new NanGuardError(
      `NAN_GUARD: ${describeNode(node)} produced ${what} (first at flat index ${s.first} of shape (${out.shape.join(', ')}));${node.outputs[j]!.createdAt()} its inputs: ${node.inputs.map((v, i) => summary(v, inputs[i]!)).join('; ')}`,
    );
  });
}

/** NAN_GUARD before the first kernel: a NaN in an input is the user's data, not a kernel's doing. */
export function checkLeafFinite(leaf: Variable, value: NDArray): void {
  if (isFloat(value.dtype) && hasNonFinite(value)) {
    throw new NanGuardError(`NAN_GUARD: input ${summary(leaf, value)}, before any kernel ran; check the data passed in or the shared variable's value`);
  }
}

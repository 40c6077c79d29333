import type { Executable, KernelProfile } from '../codegen/backend.js';
import { TsanoError } from '../util/errors.js';

export interface ProfileReport {
  kernels: (KernelProfile & { share: number })[];
  totalMs: number;
  /** A table like Theano's ProfileStats: kernels by time, with calls, mean and share. */
  toString(): string;
}

export function profileReport(exe: Executable, fname: string): ProfileReport {
  const raw = exe.profile();
  if (!raw) throw new TsanoError(`profile: function${fname ? ` '${fname}'` : ''} was not compiled with { profile: true }`);
  const totalMs = raw.reduce((s, k) => s + k.totalMs, 0);
  const kernels = raw.map((k) => ({ ...k, share: totalMs ? k.totalMs / totalMs : 0 })).sort((a, b) => b.totalMs - a.totalMs);
  return {
    kernels,
    totalMs,
    toString() {
      const rows = kernels.map(
        (k) =>
          `${(100 * k.share).toFixed(1).padStart(5)}%  ${k.totalMs.toFixed(2).padStart(9)} ms  ${String(k.calls).padStart(7)}  ${((1000 * k.totalMs) / Math.max(k.calls, 1)).toFixed(1).padStart(9)} µs  ${k.name}`,
      );
      return [
        `Function profile${fname ? ` '${fname}'` : ''}: ${totalMs.toFixed(2)} ms in kernels`,
        '  share      total    calls       mean  kernel',
        ...rows,
      ].join('\n');
    },
  };
}

import { stridesOf, unflattenIndex } from '../kernel-spec.js';
import type { ReduceLoop } from './gpu-reduce-loop.js';

/** Runs of adjacent axes merged into one (a run's stride is its innermost axis's). */
function mergeRuns(axes: readonly number[], shape: readonly number[], strides: readonly number[]): { sizes: number[]; strides: number[] } {
  const sizes: number[] = [];
  const out: number[] = [];
  axes.forEach((a, j) => {
    if (j > 0 && axes[j - 1] === a - 1) {
      sizes[sizes.length - 1]! *= shape[a]!;
      out[out.length - 1] = strides[a]!;
    } else {
      sizes.push(shape[a]!);
      out.push(strides[a]!);
    }
  });
  return { sizes, strides: out };
}

function offsetOf(coord: string, strides: readonly number[]): string {
  const terms = strides.map((s, d) => (s === 1 ? `${coord}${d}` : `${coord}${d} * ${s}`));
  return terms.length > 0 ? terms.join(' + ') : '0';
}

/**
 * The loads of a reduction of the single input x0 (shape `inShape`) over `axes`: each output element (the kept
 * axes, in order) walks its reduced elements in row-major order of the reduced axes.
 */
export function axisReduction(inShape: readonly number[], axes: readonly number[]): Pick<ReduceLoop, 'outSize' | 'count' | 'params' | 'prelude' | 'load'> {
  const strides = stridesOf(inShape);
  const keptAxes = inShape.map((_, a) => a).filter((a) => !axes.includes(a));
  const kept = mergeRuns(keptAxes, inShape, strides);
  const reduced = mergeRuns(
    [...axes].sort((a, b) => a - b),
    inShape,
    strides,
  );
  const outSize = kept.sizes.reduce((p, d) => p * d, 1);
  const count = reduced.sizes.reduce((p, d) => p * d, 1);
  const prelude = kept.sizes.length > 0 ? `${unflattenIndex('o', kept.sizes, 'ko')} const base = ${offsetOf('ko', kept.strides)};` : 'const base = 0;';
  const load = (r: string, name: string): string => {
    if (reduced.sizes.length <= 1) {
      const s = reduced.strides[0] ?? 1;
      return `const ${name} = x0[base + ${s === 1 ? `(${r})` : `(${r}) * ${s}`}];`;
    }
    return `const ${name}_r = ${r}; ${unflattenIndex(`${name}_r`, reduced.sizes, `${name}_q`)} const ${name} = x0[base + ${offsetOf(`${name}_q`, reduced.strides)}];`;
  };
  return { outSize, count, params: 'x0', prelude, load };
}

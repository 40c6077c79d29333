import type { Apply } from '../../../ir/variable.js';
import type { Extremum } from '../../../ops/max.js';
import type { Reduce } from '../../../ops/reduce.js';
import { floatLiteral, type GpuRenderer, type GpuShapes } from '../kernel-spec.js';
import { axisReduction } from './gpu-axis-reduction.js';
import { renderReduceLoop, type ReduceLoop } from './gpu-reduce-loop.js';
import { isNaNExpr } from './gpu-scalar-source.js';

type Fold = Pick<ReduceLoop, 'init' | 'combine' | 'finish'>;

const sumFold: Fold = {
  init: (v) => `let acc = ${v};`,
  combine: (v) => `acc = acc + ${v};`,
};

/** Max or min; NaN wins (NumPy), with a NaN test that survives compilers assuming no NaNs. */
function extremumFold(symbol: '>' | '<'): Fold {
  return {
    init: (v) => `let acc = ${v};`,
    combine: (v) => `if (${isNaNExpr(v)} || ${v} ${symbol} acc) { acc = ${v}; }`,
  };
}

function reduction(node: Apply, shapes: GpuShapes, fold: Fold): ReturnType<GpuRenderer> {
  const op = node.op as Reduce;
  const loads = axisReduction(shapes.inputs[0]!, op.axes);
  return renderReduceLoop({ ...loads, ...fold, splittable: true, label: op.toString() }, 1);
}

export const renderSum: GpuRenderer = (node, shapes) => reduction(node, shapes, sumFold);

export const renderMean: GpuRenderer = (node, shapes) => {
  const { count } = axisReduction(shapes.inputs[0]!, (node.op as Reduce).axes);
  return reduction(node, shapes, { ...sumFold, finish: (acc) => `${acc} / ${floatLiteral(count)}` });
};

export const renderExtremum: GpuRenderer = (node, shapes) => reduction(node, shapes, extremumFold((node.op as Extremum).name === 'max' ? '>' : '<'));

import { AdvancedIncSubtensor } from '../../../ops/advanced-inc-subtensor.js';
import { AdvancedSubtensor } from '../../../ops/advanced-subtensor.js';
import { Argmax } from '../../../ops/argmax.js';
import { DimShuffle } from '../../../ops/dimshuffle.js';
import { Elemwise } from '../../../ops/elemwise/elemwise.js';
import { FusedSum } from '../../../ops/elemwise/fused-sum.js';
import { FusedElementwise } from '../../../ops/elemwise/fused.js';
import { IncSubtensor } from '../../../ops/inc-subtensor.js';
import { Extremum } from '../../../ops/max.js';
import { Mean } from '../../../ops/mean.js';
import { Reshape } from '../../../ops/reshape.js';
import { Subtensor } from '../../../ops/subtensor.js';
import { SumTo } from '../../../ops/sum-to.js';
import { Sum } from '../../../ops/sum.js';
import type { RendererEntry } from '../renderers.js';
import { renderAdvancedIncSubtensor } from './gpu-advanced-inc-subtensor.js';
import { renderAdvancedSubtensor } from './gpu-advanced-subtensor.js';
import { renderArgmax } from './gpu-argmax.js';
import { renderDimShuffle } from './gpu-dimshuffle.js';
import { renderElemwise } from './gpu-elemwise.js';
import { renderFusedSum } from './gpu-fused-sum.js';
import { renderFused } from './gpu-fused.js';
import { renderIncSubtensor } from './gpu-inc-subtensor.js';
import { renderExtremum, renderMean, renderSum } from './gpu-reduce.js';
import { renderReshape } from './gpu-reshape.js';
import { renderSubtensor } from './gpu-subtensor.js';
import { renderSumTo } from './gpu-sum-to.js';

/** Elementwise and fused kernels, reductions, shape and indexing ops. SumTo also covers its subclass SumToShape. */
export const ELEMENTWISE_RENDERERS: RendererEntry[] = [
  { op: Elemwise, render: renderElemwise },
  { op: FusedElementwise, render: renderFused },
  { op: FusedSum, render: renderFusedSum },
  { op: Sum, render: renderSum },
  { op: Mean, render: renderMean },
  { op: Extremum, render: renderExtremum },
  { op: Argmax, render: renderArgmax },
  { op: SumTo, render: renderSumTo },
  { op: DimShuffle, render: renderDimShuffle },
  { op: Reshape, render: renderReshape },
  { op: Subtensor, render: renderSubtensor },
  { op: IncSubtensor, render: renderIncSubtensor },
  { op: AdvancedSubtensor, render: renderAdvancedSubtensor },
  { op: AdvancedIncSubtensor, render: renderAdvancedIncSubtensor },
];

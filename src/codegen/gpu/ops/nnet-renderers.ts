import { Conv2d } from '../../../ops/conv2d.js';
import { Conv2dGradFilters } from '../../../ops/conv2d-grad-filters.js';
import { Conv2dGradInputs } from '../../../ops/conv2d-grad-input.js';
import { CrossentropySoftmax1Hot } from '../../../ops/crossentropy-1hot.js';
import { CrossentropySoftmax1HotDx } from '../../../ops/crossentropy-1hot-dx.js';
import { Dot } from '../../../ops/dot.js';
import { Gemm } from '../../../ops/gemm.js';
import { LogSoftmax } from '../../../ops/log-softmax.js';
import { Pool2d } from '../../../ops/pool2d.js';
import { MaxPool2dGradGrad, Pool2dGrad } from '../../../ops/pool2d-grad.js';
import { RandomDraw } from '../../../ops/random-draw.js';
import { Softmax } from '../../../ops/softmax.js';
import type { RendererEntry } from '../renderers.js';
import { renderConv2d } from './gpu-conv2d.js';
import { renderConv2dGradFilters } from './gpu-conv2d-grad-filters.js';
import { renderConv2dGradInputs } from './gpu-conv2d-grad-inputs.js';
import { renderCrossentropySoftmax1Hot } from './gpu-crossentropy-1hot.js';
import { renderCrossentropySoftmax1HotDx } from './gpu-crossentropy-1hot-dx.js';
import { renderDot } from './gpu-dot.js';
import { renderGemm } from './gpu-gemm.js';
import { renderLogSoftmax } from './gpu-log-softmax.js';
import { renderPool2d } from './gpu-pool2d.js';
import { renderMaxPool2dGradGrad, renderPool2dGrad } from './gpu-pool2d-grad.js';
import { renderRandomDraw } from './gpu-random-draw.js';
import { renderSoftmax } from './gpu-softmax.js';

/**
 * Products, convolutions, pooling, softmax and cross-entropy. Gemm's entry serves Gemv too (a subclass whose B, Z
 * and output are vectors). RandomDraw draws the host's numbers (Philox in exact float arithmetic; the new stream state is computed on the host).
 */
export const NNET_RENDERERS: RendererEntry[] = [
  { op: Dot, render: renderDot },
  { op: Gemm, render: renderGemm },
  { op: Conv2d, render: renderConv2d },
  { op: Conv2dGradInputs, render: renderConv2dGradInputs },
  { op: Conv2dGradFilters, render: renderConv2dGradFilters },
  { op: Pool2d, render: renderPool2d },
  { op: Pool2dGrad, render: renderPool2dGrad },
  { op: MaxPool2dGradGrad, render: renderMaxPool2dGradGrad },
  { op: Softmax, render: renderSoftmax },
  { op: LogSoftmax, render: renderLogSoftmax },
  { op: CrossentropySoftmax1Hot, render: renderCrossentropySoftmax1Hot },
  { op: CrossentropySoftmax1HotDx, render: renderCrossentropySoftmax1HotDx },
  { op: RandomDraw, render: renderRandomDraw },
];

import type { RendererEntry } from '../renderers.js';

/** Products, convolutions, pooling, softmax and cross-entropy. */
export const NNET_RENDERERS: RendererEntry[] = [];

import type { GpuCase } from './types.js';
import { CONV_CASES } from './nnet-conv.js';
import { POOL_CASES } from './nnet-pool.js';
import { PRODUCT_CASES } from './nnet-products.js';
import { SOFTMAX_CASES } from './nnet-softmax.js';

/** Products, convolutions, pooling, softmax and cross-entropy (one file per family, nnet-*.ts). */
export const NNET_CASES: GpuCase[] = [...PRODUCT_CASES, ...CONV_CASES, ...POOL_CASES, ...SOFTMAX_CASES];

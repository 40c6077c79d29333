import type { GpuCase } from './types.js';

export const NNET_CASES: GpuCase[] = [];

import type { GpuCase } from './types.js';

export const ELEMENTWISE_CASES: GpuCase[] = [];

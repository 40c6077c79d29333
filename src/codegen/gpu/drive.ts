import type { MaybePromise } from './device.js';

/**
 * Runs a generator that yields device results (values on the synchronous gpu.js modes, Promises on webgpu) and gets
 * each one back resolved: one body of code serves both, synchronously while nothing is a Promise.
 */
export function drive<T>(gen: Generator<unknown, T, unknown>): MaybePromise<T> {
  let step = gen.next();
  while (!step.done) {
    if (step.value instanceof Promise) return finishAsync(gen, step.value);
    step = gen.next(step.value);
  }
  return step.value;
}

async function finishAsync<T>(gen: Generator<unknown, T, unknown>, pending: Promise<unknown>): Promise<T> {
  let step = gen.next(await pending);
  while (!step.done) step = gen.next(await step.value);
  return step.value;
}

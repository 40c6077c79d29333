/**
 * One growing float64 work area shared by the reference implementations (row accumulators, partial sums), so
 * that steady-state calls allocate no buffers. Safe because kernels run one at a time and never nest.
 */
let buffer = new Float64Array(1024);

export function scratch64(n: number): Float64Array {
  if (buffer.length < n) buffer = new Float64Array(Math.max(n, buffer.length * 2));
  return buffer.subarray(0, n);
}

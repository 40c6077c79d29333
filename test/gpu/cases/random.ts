/** GPU cases for RandomDraw: the device must draw the host's very numbers (Philox words computed in float arithmetic). */
import * as theano from '../../../src/index.js';
import { NDArray } from '../../../src/ir/ndarray.js';
import type { SharedVariable, Variable } from '../../../src/ir/variable.js';
import { philox4x32 } from '../../../src/util/philox.js';
import type { GpuCase } from './types.js';
import { feed, nodeOf } from './nnet-data.js';

const { T } = theano;

type Draw = (srng: InstanceType<typeof T.RandomStreams>, size: number[]) => Variable;

/** Exact: the same 24-bit units; a + (b − a)·u rounds once in float64 on the host, twice in float32 on the device. */
const EXACT = { rtol: 0, atol: 0 };
const AFFINE = { rtol: 1e-6, atol: 1e-6 };
/** Box–Muller's log, sqrt and cos in float32. */
const TRANSCENDENTAL = { rtol: 1e-4, atol: 1e-5 };

const draws: [string, Draw, { rtol: number; atol: number }][] = [
  ['uniform(0,1)', (s, size) => s.uniform({ size }), EXACT],
  ['uniform(-2,3)', (s, size) => s.uniform({ size, low: -2, high: 3 }), AFFINE],
  ['normal(0,1)', (s, size) => s.normal({ size }), TRANSCENDENTAL],
  ['normal(1,0.5)', (s, size) => s.normal({ size, avg: 1, std: 0.5 }), TRANSCENDENTAL],
  ['binomial(1,0.5)', (s, size) => s.binomial({ size, n: 1, p: 0.5 }), EXACT],
  ['binomial(5,0.3)', (s, size) => s.binomial({ size, n: 5, p: 0.3 }), EXACT],
];

/** States [key0, key1, counterLo, counterHi] as int32: a seed's own, a counter about to carry, keys with the top bit. */
const states: [string, ((seeded: NDArray) => NDArray) | undefined][] = [
  ['seeded', undefined],
  ['counter lo 0xfffffffe', (s) => new NDArray('int32', [4], Int32Array.from([s.data[0]!, s.data[1]!, -2, 7]))],
  ['counter 0xffffffff:0xfffffffe, keys ≥ 2^31', () => new NDArray('int32', [4], Int32Array.from([-0x6b9c0de1, -2, -2, -1]))],
];

const sizes: number[][] = [[1], [7], [10, 640]];

function drawCase(what: string, draw: Draw, tol: { rtol: number; atol: number }, size: number[], state: string, setState?: (s: NDArray) => NDArray): GpuCase {
  return {
    name: `random ${what} (${size.join(',')}) ${state}`,
    ...tol,
    build: () => {
      const node = nodeOf(draw(new T.RandomStreams(1234), size));
      const seeded = (node.inputs[0] as SharedVariable).getValue();
      return { node, inputs: feed(node, [setState ? setState(seeded) : seeded]) };
    },
  };
}

/** Every draw at every size from a seeded state; the carrying states on a size that spans several blocks. */
const drawCases: GpuCase[] = draws.flatMap(([what, draw, tol]) => [
  ...sizes.map((size) => drawCase(what, draw, tol, size, states[0]![0])),
  ...states.slice(1).map(([state, set]) => drawCase(what, draw, tol, [3, 5], state, set)),
]);

export const RANDOM_CASES: GpuCase[] = [
  ...drawCases,
  {
    // p a float64 variable between two 24-bit units: word 0's unit m·2^-24 < p only as float64 (float32 p rounds to
    // m·2^-24), so the device must compare with the host's p, not its float32 rounding.
    name: 'random binomial(3, float64 p just above word 0) (9)',
    build: () => {
      const p = T.dscalar('p');
      const node = nodeOf(new T.RandomStreams(7).binomial({ size: [9], n: 3, p }));
      const state = (node.inputs[0] as SharedVariable).getValue();
      const s = Array.from(state.data, (x) => x >>> 0);
      const block = new Uint32Array(4);
      philox4x32(s[2]!, s[3]!, 0, 0, s[0]!, s[1]!, block);
      return { node, inputs: feed(node, [state, NDArray.scalar(((block[0]! >>> 8) + 1 / 64) * 2 ** -24, 'float64')]) };
    },
    ...EXACT,
  },
];

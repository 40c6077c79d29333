import { isInteger, type DType } from '../../../ir/dtype.js';
import type { ScalarOp } from '../../../ir/scalar.js';
import { floatLiteral } from '../kernel-spec.js';

/**
 * Scalar ops as gpu.js kernel statements. Most ops' own renderings (`op.scalar.render`) are valid kernel source;
 * the ones below are not accurate or not defined alike on every device: gpu.js's log1p is log(1 + x) and its GLSL
 * tanh overflows, GLSL/WGSL pow is undefined for a negative base, WGSL folds `x !== x` to false (the NaN test
 * below survives), and Mesa and Tint rewrite (1 + x) - 1 to x, which rules out the usual log1p trick.
 */

/** Whether `v` is NaN, written so that compilers that assume no NaNs do not fold it away. */
export function isNaNExpr(v: string): string {
  return `(!(${v} <= 0.0) && !(${v} > 0.0))`;
}

/** Ops whose results on integers are integers: no truncation needed when their output dtype is an integer. */
const INTEGER_CLOSED = new Set(['add', 'sub', 'mul', 'neg', 'abs', 'sqr', 'relu', 'maximum', 'minimum', 'clip', 'switch', 'sgn', 'fill']);
const COMPARISONS = new Set(['eq', 'neq', 'lt', 'gt', 'le', 'ge']);

/** Horner form of Σ c[k]·x^k. */
function horner(x: string, coefficients: readonly number[]): string {
  return coefficients.reduceRight((acc, c) => (acc === '' ? floatLiteral(c) : `(${floatLiteral(c)} + ${x} * ${acc})`), '');
}

/** log(1 + x): a series near 0 (where rounding 1 + x loses the digits of x), else the log. */
function log1p(x: string, out: string): string {
  const series = horner(x, [0, 1, -1 / 2, 1 / 3, -1 / 4, 1 / 5, -1 / 6, 1 / 7, -1 / 8]);
  return `const ${out} = Math.abs(${x}) < 0.1 ? ${series} : Math.log(1.0 + ${x});`;
}

/** tanh: an odd series near 0 (where 1 - e^-2|x| cancels), else from e^-2|x| (which cannot overflow). */
function tanh(x: string, out: string): string {
  const x2 = `${out}_x2`;
  const t = `${out}_t`;
  const series = `${x} * ${horner(x2, [1, -1 / 3, 2 / 15, -17 / 315, 62 / 2835])}`;
  return [
    `const ${x2} = ${x} * ${x};`,
    `const ${t} = Math.exp(-2.0 * Math.abs(${x}));`,
    `const ${out}_q = (1.0 - ${t}) / (1.0 + ${t});`,
    `const ${out} = Math.abs(${x}) < 0.1 ? ${series} : (${x} < 0.0 ? -${out}_q : ${out}_q);`,
  ].join(' ');
}

/** JS Math.pow: a negative base gives a signed power for integer exponents; integer results round exactly. */
function pow(a: string, b: string, out: string, integerResult: boolean): string {
  const p = `${out}_p`;
  const lines = [
    `const ${p} = Math.pow(Math.abs(${a}), ${b});`,
    `const ${out}_odd = ${b} - 2.0 * Math.floor(${b} * 0.5);`,
    `const ${out}_r = ${b} === 0.0 ? 1.0 : ${a} >= 0.0 ? ${p} : ${b} !== Math.floor(${b}) ? Math.pow(${a}, ${b}) : ${out}_odd === 1.0 ? -${p} : ${p};`,
  ];
  // Integer powers: exact integers for exponents >= 0, else |r| < 1 truncates to 0 (±1 and 0 aside: 0^-k is
  // Infinity, which an int32 array stores as 0).
  if (integerResult) lines.push(`const ${out} = ${b} < 0.0 && Math.abs(${a}) !== 1.0 ? 0.0 : Math.floor(${out}_r + 0.5);`);
  else lines.push(`const ${out} = ${out}_r;`);
  return lines.join(' ');
}

function extremum(a: string, b: string, out: string, symbol: '>' | '<'): string {
  return `const ${out} = ${isNaNExpr(a)} || ${a} ${symbol} ${b} ? ${a} : ${b};`;
}

function cast(x: string, out: string, to: DType): string {
  if (to === 'bool') return `const ${out} = ${x} !== 0.0 ? 1.0 : 0.0;`;
  return `const ${out} = ${isInteger(to) ? `Math.trunc(${x})` : x};`;
}

/**
 * Statements that compute `op` of `args` (identifiers) into `const out` as a value of `dtype` would hold it:
 * integers truncated, uint8 wrapped modulo 256 (as storing into its typed array does).
 */
export function scalarStatements(
  op: ScalarOp & { params?: Readonly<Record<string, unknown>> | undefined },
  args: readonly string[],
  out: string,
  dtype: DType,
): string {
  const [a, b] = args as [string, string];
  const raw = `${out}_v`;
  let body: string;
  switch (op.name) {
    case 'log1p':
      body = log1p(a, raw);
      break;
    case 'softplus':
      body = `const ${out}_e = Math.exp(-Math.abs(${a})); ${log1p(`${out}_e`, `${out}_l`)} const ${raw} = (${a} > 0.0 ? ${a} : 0.0) + ${out}_l;`;
      break;
    case 'tanh':
      body = tanh(a, raw);
      break;
    case 'pow':
      body = pow(a, b, raw, isInteger(dtype));
      break;
    case 'sgn':
      body = `const ${raw} = ${a} > 0.0 ? 1.0 : ${a} < 0.0 ? -1.0 : ${a};`;
      break;
    case 'maximum':
      body = extremum(a, b, raw, '>');
      break;
    case 'minimum':
      body = extremum(a, b, raw, '<');
      break;
    case 'cast':
      body = cast(a, raw, (op.params?.dtype as DType | undefined) ?? dtype);
      break;
    default: {
      const value = op.render([...args]);
      const exact = !isInteger(dtype) || dtype === 'bool' || INTEGER_CLOSED.has(op.name) || COMPARISONS.has(op.name);
      body = `const ${raw} = ${exact ? value : `Math.trunc(${value})`};`;
    }
  }
  const result = dtype === 'uint8' ? `${raw} - 256.0 * Math.floor(${raw} / 256.0)` : raw;
  return `${body} const ${out} = ${result};`;
}

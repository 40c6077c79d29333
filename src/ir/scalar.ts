import type { DType } from './dtype.js';

/**
 * The scalar-expression IR that elementwise bodies are written in. An expression is rendered as a JavaScript
 * expression over argument expressions; that source is valid both for the CPU renderer (`new Function`) and
 * inside gpu.js kernels, so one definition serves every backend and fusion can compose bodies by substitution.
 */
export interface ScalarOp {
  readonly name: string;
  readonly arity: number;
  /** A JS expression for the result, from the argument expressions (already parenthesised). */
  render(args: string[]): string;
  /** Result dtype from argument dtypes (after the elementwise op has upcast them where it must). */
  outDType(argDTypes: DType[]): DType;
  /** Infix symbol for pp, e.g. '+'. */
  readonly infix?: string;
}

import { upcast as upcastPair, type DType } from '../../ir/dtype.js';
import type { NDArray } from '../../ir/ndarray.js';
import { opToString, type Op } from '../../ir/op.js';
import type { ScalarOp } from '../../ir/scalar.js';
import { runLoop } from './loop.js';
import { TensorType } from '../../ir/type.js';
import type { Apply, Variable } from '../../ir/variable.js';
import { ShapeError, TypeMismatchError } from '../../util/errors.js';
import { broadcastRuntime, broadcastStatic } from '../../util/shape.js';

/** How an elementwise op differentiates: gradients for each input from the inputs, the output and its gradient. */
export type ElemwiseGrad = (inputs: readonly Variable[], output: Variable, gz: Variable) => (Variable | null)[];

export interface ElemwiseSpec extends ScalarOp {
  grad: ElemwiseGrad;
  /** Extra parameters to print (cast's target dtype). */
  params?: Readonly<Record<string, unknown>>;
}

/** An elementwise op: a scalar body applied with NumPy broadcasting over equal-rank inputs. */
export class Elemwise implements Op {
  readonly name: string;
  readonly scalar: ScalarOp;
  readonly params: Readonly<Record<string, unknown>> | undefined;
  #body: string | undefined;

  constructor(private readonly spec: ElemwiseSpec) {
    this.name = spec.name;
    this.scalar = spec;
    this.params = spec.params;
  }

  inferTypes(inputs: readonly Variable[]): TensorType[] {
    if (inputs.length !== this.spec.arity) {
      throw new TypeMismatchError(`${this.name}: takes ${this.spec.arity} inputs, got ${inputs.length}`);
    }
    const rank = inputs[0]!.ndim;
    if (inputs.some((v) => v.ndim !== rank)) {
      throw new TypeMismatchError(
        `${this.name}: inputs must have equal rank (the builders pad with dimshuffle): ${inputs.map((v) => v.describe()).join(', ')}`,
      );
    }
    const b = broadcastStatic(inputs.map((v) => v.type.shape));
    if ('axis' in b) {
      throw new ShapeError(`${this.name}: shapes cannot be broadcast together on axis ${b.axis}: ${inputs.map((v) => v.describe()).join(' and ')}`);
    }
    return [new TensorType(this.spec.outDType(inputs.map((v) => v.dtype)), b.shape)];
  }

  outputShapes(inputs: readonly NDArray[], node: Apply): number[][] {
    const out = broadcastRuntime(inputs.map((a) => a.shape));
    if (!Array.isArray(out)) {
      const names = node.inputs.map((v, i) => describeOperand(v, inputs[i]!.shape)).join(' and ');
      throw new ShapeError(`${this.name}: shapes cannot be broadcast together on axis ${out.axis}: ${names}.${node.outputs[0]!.createdAt()}`);
    }
    return [out];
  }

  perform(inputs: readonly NDArray[], outputs: NDArray[]): void {
    runLoop((this.#body ??= `r = ${this.spec.render(Array.from({ length: this.spec.arity }, (_, i) => `a${i}`))};`), outputs[0]!, inputs);
  }

  grad(inputs: readonly Variable[], outputs: readonly Variable[], outputGrads: readonly Variable[]): (Variable | null)[] {
    return this.spec.grad(inputs, outputs[0]!, outputGrads[0]!);
  }

  pp(args: string[]): string {
    return this.spec.infix && args.length === 2 ? `(${args[0]} ${this.spec.infix} ${args[1]})` : `${this.toString()}(${args.join(', ')})`;
  }

  toString(): string {
    return opToString(this.name, this.params);
  }
}

/**
 * Describes an operand for an error message. The builders pad lower-rank operands with a dimshuffle of leading
 * 'x' axes; such an operand is described as the user's variable with its own shape (e.g. 'v', shape (4,)).
 */
function describeOperand(v: Variable, shape: readonly number[]): string {
  const owner = v.owner;
  const pattern = owner && owner.op.name === 'dimshuffle' ? (owner.op as unknown as { pattern?: readonly (number | 'x')[] }).pattern : undefined;
  if (owner && pattern) {
    const pad = pattern.length - owner.inputs[0]!.ndim;
    const isPadding = pad > 0 && pattern.every((p, i) => (i < pad ? p === 'x' : p === i - pad));
    if (isPadding) return describeOperand(owner.inputs[0]!, shape.slice(pad));
  }
  return v.describeWithShape(shape);
}

/** Output dtype rules shared by several ops. */
export const dtypeRules = {
  /** NumPy upcast; arithmetic on booleans counts in int32. */
  arithmetic(ds: DType[]): DType {
    let d = ds.reduce((a, b) => upcastPair(a, b));
    if (d === 'bool') d = 'int32';
    return d;
  },
  /** Theano's upgrade_to_float: small ints to float32, int32 to float64. */
  float(ds: DType[]): DType {
    const d = ds.reduce((a, b) => upcastPair(a, b));
    if (d === 'float32' || d === 'float64') return d;
    return d === 'int32' ? 'float64' : 'float32';
  },
  bool(): DType {
    return 'bool';
  },
  same(ds: DType[]): DType {
    return ds[0] === 'bool' ? 'int32' : ds[0]!;
  },
};

/**
 * All of tsano's error classes, in one place. Messages follow one shape:
 * "<op>: <what is wrong>; <each input by user name with its type and shape>; created at <file:line>; <hint>"
 */
export class TsanoError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Shapes that cannot work together (inference or at run time). */
export class ShapeError extends TsanoError {}
/** Wrong dtype or rank for an op or a function input. */
export class DTypeError extends TsanoError {}
/** The name earlier versions used for `DTypeError`. */
export { DTypeError as TypeMismatchError };

/** Problems with a compiled function's inputs: at compile time (missing, unused) or call time (values). */
export class InputError extends TsanoError {}
/** A variable the outputs need is not among the function's inputs. */
export class MissingInputError extends InputError {}
/** An input the outputs do not need (onUnusedInput: 'raise'). */
export class UnusedInputError extends InputError {}
/** A value passed at call time that does not fit the input's type. */
export class InputValueError extends InputError {}

/** `T.grad`: the cost does not depend on a `wrt` variable. */
export class DisconnectedInputError extends TsanoError {}
/** Gradient problems: non-scalar cost, non-differentiable path, failed verification. */
export class GradientError extends TsanoError {}

/** `theano.function` cannot build the function: bad options, a rewrite that kept firing, a size over the limit. */
export class CompileError extends TsanoError {}
/** Bad `updates` or `givens` passed to `theano.function`. */
export class UpdateError extends CompileError {}

/** A backend cannot start or a kernel failed while running; names the node, its ops, shapes and creation site. */
export class BackendError extends TsanoError {}
/** NAN_GUARD: a kernel produced NaN or ±Inf; names the node, its ops, creation site and its inputs' statistics. */
export class NanGuardError extends TsanoError {}
/** A saved file that is truncated, corrupted, of another version or does not match what it is loaded into. */
export class FormatError extends TsanoError {}
/** An index out of range, or a slice that cannot be taken. */
export class IndexError extends TsanoError {}

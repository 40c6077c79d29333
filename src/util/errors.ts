/**
 * One error class per kind. Messages follow one shape:
 * "<op>: <what is wrong>: <variables by user name and shape>. Created at <site>. <hint>"
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
export class TypeMismatchError extends TsanoError {}
/** A variable the outputs need is not among the function's inputs. */
export class MissingInputError extends TsanoError {}
/** An input the outputs do not need (onUnusedInput: 'raise'). */
export class UnusedInputError extends TsanoError {}
/** `T.grad`: the cost does not depend on a `wrt` variable. */
export class DisconnectedInputError extends TsanoError {}
/** Gradient problems: non-scalar cost, non-differentiable path, failed verification. */
export class GradientError extends TsanoError {}
/** Bad `updates` or `givens` passed to `theano.function`. */
export class UpdateError extends TsanoError {}
/** A value passed at call time that does not fit the input's type. */
export class InputValueError extends TsanoError {}
/** An index out of range, or a slice that cannot be taken. */
export class IndexError extends TsanoError {}

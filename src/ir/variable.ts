import type { TensorType } from './type.js';
import type { Op } from './op.js';
import { NDArray, toNDArray, type Nested } from './ndarray.js';
import { canCastLosslessly, type TypedArray } from './dtype.js';
import { TypeMismatchError } from '../util/errors.js';
import { formatShape } from '../util/shape.js';
import { userCallSite } from '../util/site.js';

let nextId = 1;

/**
 * A symbolic value. `owner` is the Apply node that computes it (null for inputs, constants and shared
 * variables). User-facing methods (`x.add(y)`, `x.get(...)`, …) are installed by src/tensor.
 */
export class Variable {
  readonly id = nextId++;
  /** Where the user created this variable (file:line), for error messages; nodes' outputs share their node's. */
  site: string | undefined;
  constructor(
    public type: TensorType,
    public owner: Apply | null = null,
    public index = 0,
    public name?: string,
    captureSite = true,
  ) {
    this.site = owner ? owner.site : captureSite ? userCallSite() : undefined;
  }

  get dtype() {
    return this.type.dtype;
  }
  get ndim(): number {
    return this.type.ndim;
  }

  /** For messages: `'x' (float32 matrix (?, 784))`, or the op that made an unnamed variable. */
  describe(): string {
    return `${this.label()} (${this.type.toString()})`;
  }

  /** For messages about values: adds the actual shape. */
  describeWithShape(shape: readonly number[]): string {
    return `${this.label()} (${this.type.describe()}, shape ${formatShape(shape)})`;
  }

  private label(): string {
    if (this.name) return `'${this.name}'`;
    if (this.owner) return `the output of ${this.owner.op.toString()}`;
    // Constants stay "an unnamed input" (the wording tests of conv2d's hints expect).
    return this instanceof SharedVariable ? 'an unnamed shared variable' : 'an unnamed input';
  }

  /** " Created at file:line." or "". */
  createdAt(): string {
    const site = this.site ?? this.owner?.site;
    return site ? ` Created at ${site}.` : '';
  }
}

/** A variable with a fixed value. */
export class Constant extends Variable {
  constructor(
    type: TensorType,
    readonly value: NDArray,
    name?: string,
  ) {
    // Constants are made in bulk by builders and gradients; where they came from rarely helps a user.
    super(type, null, 0, name, false);
  }
}

/** A variable whose value lives between calls and can be updated by compiled functions (`theano.shared`). */
export class SharedVariable extends Variable {
  private storage: NDArray;
  /**
   * An update that every compiled function using this variable applies unless given another (Theano's
   * `default_update`): how random streams advance on each call.
   */
  defaultUpdate: Variable | undefined;
  /** Counts changes of the value, so that copies of it elsewhere (a GPU's) know when they are stale. */
  private changes = 0;
  /** A newer value that lives on a device (a GPU function's update): read back on the next host read. */
  private readBack: (() => NDArray) | undefined;
  constructor(type: TensorType, value: NDArray, name?: string) {
    super(type, null, 0, name);
    this.storage = value;
  }

  /** A copy of the value, or the stored array itself with `borrow: true` (later updates then show through it). */
  getValue(opts: { borrow?: boolean } = {}): NDArray {
    const v = this.value;
    return opts?.borrow ? v : v.copy();
  }

  /** How many times the value has changed (compiled functions' updates, setValue). */
  get version(): number {
    return this.changes;
  }

  /** Records that the stored array was written (updates applied in place). */
  markChanged(): void {
    this.changes++;
  }

  /**
   * The value's newest copy is on a device: `readBack` fetches it when the host next reads the value. Returns the
   * new version, under which the device's copy is current.
   */
  setDeviceValue(readBack: () => NDArray): number {
    this.readBack = readBack;
    return ++this.changes;
  }

  /**
   * Replaces the value (copied unless `borrow: true`). The rank must stay; another dtype is converted only
   * when no value changes.
   */
  setValue(value: NDArray | Nested | TypedArray, opts: { borrow?: boolean } = {}): void {
    const arr = value instanceof NDArray ? value : toNDArray(value, undefined, this.dtype);
    const label = `setValue of shared variable ${this.describe()}`;
    if (arr.ndim !== this.ndim) throw new TypeMismatchError(`${label}: expected a ${this.type.describe()}; got shape ${formatShape(arr.shape)}`);
    if (arr.dtype !== this.dtype) {
      if (!canCastLosslessly(arr.dtype, this.dtype)) {
        throw new TypeMismatchError(
          `${label}: expected ${this.dtype} values; got ${arr.dtype}, which may lose precision (convert it with .astype('${this.dtype}'))`,
        );
      }
      this.setStorage(arr.astype(this.dtype));
      return;
    }
    this.setStorage(opts?.borrow ? arr : arr.copy());
  }

  /** Replaces the stored array as it is (the runtime uses it for updates that change shape). */
  setStorage(value: NDArray): void {
    this.storage = value;
    this.readBack = undefined;
    this.changes++;
  }

  /** The stored array, for the runtime (fetched from the device first when a GPU function updated it). */
  get value(): NDArray {
    if (this.readBack) {
      const read = this.readBack;
      this.readBack = undefined;
      this.storage = read();
    }
    return this.storage;
  }
}

/** One application of an op: inputs → outputs. */
export class Apply {
  readonly outputs: Variable[] = [];
  constructor(
    readonly op: Op,
    readonly inputs: Variable[],
    outputTypes: TensorType[],
    readonly site: string | undefined,
  ) {
    for (let i = 0; i < outputTypes.length; i++) {
      this.outputs.push(new Variable(outputTypes[i]!, this, i));
    }
  }
}

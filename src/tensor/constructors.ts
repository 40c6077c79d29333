import type { DType } from '../ir/dtype.js';
import { TensorType } from '../ir/type.js';
import { Variable } from '../ir/variable.js';
import { checkDType, checkRank, checkStaticShape, describeValue } from '../ir/validate.js';
import { config } from '../util/config.js';
import { DTypeError } from '../util/errors.js';

/** A free symbolic input of the given dtype and rank (or static shape, `null` for unknown sizes). */
export function tensor(dtype: DType, shapeOrRank: number | readonly (number | null)[], name?: string): Variable {
  return makeTensor('T.tensor', dtype, shapeOrRank, name);
}

function makeTensor(fn: string, dtype: DType, shapeOrRank: number | readonly (number | null)[], name?: string): Variable {
  const where = `${fn}${typeof name === 'string' ? ` '${name}'` : ''}`;
  checkDType(dtype, where);
  const shape = typeof shapeOrRank === 'number' ? new Array<null>(checkRank(shapeOrRank, where)).fill(null) : checkStaticShape(shapeOrRank, where);
  return new Variable(new TensorType(dtype, shape), null, 0, checkName(name, where));
}

/** A variable's name: a string or nothing. */
export function checkName(name: unknown, where: string): string | undefined {
  if (name === undefined || typeof name === 'string') return name;
  throw new DTypeError(`${where}: a name must be a string; got ${describeValue(name)}`);
}

type Maker = (name?: string, dtype?: DType) => Variable;
const RANK_NAMES = ['scalar', 'vector', 'matrix', 'tensor3', 'tensor4'];
const PREFIX: Partial<Record<DType, string>> = { int32: 'i', float32: 'f', float64: 'd', uint8: 'b' };
const ofRank =
  (rank: number, fixed?: DType): Maker =>
  (name, dtype) =>
    makeTensor(`T.${fixed ? PREFIX[fixed] : ''}${RANK_NAMES[rank]}`, fixed ?? dtype ?? config.floatX, rank, name);

export const scalar = ofRank(0);
export const vector = ofRank(1);
export const matrix = ofRank(2);
export const tensor3 = ofRank(3);
export const tensor4 = ofRank(4);

// Theano's prefixed constructors: i = int32, f = float32, d = float64, b = uint8.
// `l` (int64 in Theano) is int32 too: JavaScript has no fast 64-bit integers.
export const iscalar = ofRank(0, 'int32');
export const ivector = ofRank(1, 'int32');
export const imatrix = ofRank(2, 'int32');
export const lscalar = ofRank(0, 'int32');
export const lvector = ofRank(1, 'int32');
export const lmatrix = ofRank(2, 'int32');
export const fscalar = ofRank(0, 'float32');
export const fvector = ofRank(1, 'float32');
export const fmatrix = ofRank(2, 'float32');
export const ftensor3 = ofRank(3, 'float32');
export const ftensor4 = ofRank(4, 'float32');
export const dscalar = ofRank(0, 'float64');
export const dvector = ofRank(1, 'float64');
export const dmatrix = ofRank(2, 'float64');
export const dtensor3 = ofRank(3, 'float64');
export const dtensor4 = ofRank(4, 'float64');
export const bscalar = ofRank(0, 'uint8');
export const bvector = ofRank(1, 'uint8');
export const bmatrix = ofRank(2, 'uint8');

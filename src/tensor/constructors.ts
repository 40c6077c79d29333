import type { DType } from '../ir/dtype.js';
import { TensorType } from '../ir/type.js';
import { Variable } from '../ir/variable.js';
import { config } from '../util/config.js';

/** A free symbolic input of the given dtype and rank (or static shape, `null` for unknown sizes). */
export function tensor(dtype: DType, shapeOrRank: number | readonly (number | null)[], name?: string): Variable {
  const shape = typeof shapeOrRank === 'number' ? new Array<null>(shapeOrRank).fill(null) : shapeOrRank;
  return new Variable(new TensorType(dtype, shape), null, 0, name);
}

type Maker = (name?: string, dtype?: DType) => Variable;
const ofRank =
  (rank: number, fixed?: DType): Maker =>
  (name, dtype) =>
    tensor(fixed ?? dtype ?? config.floatX, rank, name);

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

// tsano/testing in a consumer's project, with fast-check (an optional peer dependency) installed beside tsano.
import fc from 'fast-check';
import { T } from 'tsano';
import { checkGrad, ndarrayArb, shapeArb } from 'tsano/testing';

let passed = 0;
fc.assert(
  fc.property(ndarrayArb(shapeArb({ minRank: 1, maxRank: 2, maxDim: 3 })), (x) => {
    const result = checkGrad((v) => T.sum(T.tanh(v).mul(v)), [x]);
    if (result.status === 'passed') passed++;
  }),
  { seed: 1, numRuns: 10 },
);
console.log(JSON.stringify({ passed }));

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { iso } from '../src/domain/context.js';

test('iso() writes exactly what Date#toISOString writes, for any instant', () => {
  fc.assert(
    fc.property(fc.integer({ min: -62_135_596_800_000, max: 253_402_300_799_999 }), (ms) => {
      assert.equal(iso(ms), new Date(ms).toISOString());
    }),
    { numRuns: 20_000 },
  );
  for (const ms of [0, -1, 86_399_999, 86_400_000, 951_782_400_000, 1_700_000_000_123]) assert.equal(iso(ms), new Date(ms).toISOString());
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { SeenSet } from './seen-set.ts';

test('SeenSet agrees with a string Set over random keys, through growth, including the zero key', () => {
  const s = new SeenSet(4);
  const ref = new Set<string>();
  const keys: Buffer[] = [Buffer.alloc(8)];
  for (let i = 0; i < 5000; i++) keys.push(randomBytes(8));
  for (let round = 0; round < 2; round++) {
    for (const k of keys) {
      const fresh = !ref.has(k.toString('hex'));
      ref.add(k.toString('hex'));
      assert.equal(s.add(k), fresh);
    }
  }
  assert.equal(s.size, ref.size);
  const wide = Buffer.concat([Buffer.alloc(3, 9), keys[7]!]);
  assert.equal(s.add(wide, 3), false, 'offset addressing reads the same key');
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ExtranonceAllocator } from './extranonce.ts';
import { resolveConfig } from '../config.ts';

test('N edges with distinct prefixes never hand out the same extranonce1', () => {
  const edges = [0, 1, 2, 3, 4, 5, 6, 7].map((v) => new ExtranonceAllocator(4, { value: v, bits: 3 }, 12345));
  const seen = new Set<string>();
  for (let i = 0; i < 2000; i++) {
    for (const e of edges) {
      const hex = e.allocate().toString('hex');
      assert.ok(!seen.has(hex), `collision on ${hex}`);
      seen.add(hex);
    }
  }
  for (const [v, e] of edges.entries()) {
    const b = e.allocate();
    assert.equal(b[0]! >> 5, v, 'prefix sits in the top bits');
    assert.ok(e.owns(b));
    assert.ok(!edges[(v + 1) % 8]!.owns(b));
  }
});

test('resume gives back an owned, free extranonce1 and refuses foreign or live ones', () => {
  const a = new ExtranonceAllocator(4, { value: 2, bits: 8 });
  const b = new ExtranonceAllocator(4, { value: 3, bits: 8 });
  const en = a.allocate();
  const hex = en.toString('hex');
  assert.equal(a.resume(hex), null, 'live: cannot be taken twice');
  a.release(en);
  assert.deepEqual(a.resume(hex), en);
  assert.equal(b.resume(hex), null, "another edge's prefix");
  assert.equal(a.resume('zz'), null);
  assert.equal(a.resume(hex + '00'), null);
});

test('allocation skips live values when the counter wraps, and reports exhaustion', () => {
  const a = new ExtranonceAllocator(1, { value: 0, bits: 0 });
  const held = new Set<string>();
  for (let i = 0; i < 256; i++) held.add(a.allocate().toString('hex'));
  assert.equal(held.size, 256);
  assert.throws(() => a.allocate(), /exhausted/);
  a.release(Buffer.from('7f', 'hex'));
  assert.equal(a.allocate().toString('hex'), '7f');
});

test('config rejects prefixes that do not fit and nonce splits that are not 8 bytes', () => {
  assert.throws(() => resolveConfig({ extranoncePrefix: { value: 4, bits: 2 } }), /does not fit/);
  assert.throws(() => resolveConfig({ extranoncePrefix: { value: 0, bits: 25 } }), /prefix bits/);
  assert.throws(() => resolveConfig({ extranonce1Size: 4, extranonce2Size: 2 }), /must be 8/);
  assert.equal(resolveConfig({ extranoncePrefix: { value: 255, bits: 8 } }).extranoncePrefix.value, 255);
});

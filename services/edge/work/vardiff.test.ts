import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Vardiff } from './vardiff.ts';

const limits = { minTarget: 1n << 100n, maxTarget: 1n << 255n };
const opts = { shareRateSeconds: 3, graceMs: 10_000, fixed: false, limits };

function hashOf(v: bigint): Buffer {
  return Buffer.from(v.toString(16).padStart(64, '0'), 'hex').reverse();
}

test('shares much faster than the share rate make the target harder (at most 2x per retarget)', () => {
  const t0 = 1n << 240n;
  const v = new Vardiff(t0, 0, opts);
  let changed = false;
  for (let i = 1; i <= 13 && !changed; i++) changed = v.onShare(i * 100);
  assert.ok(changed);
  assert.equal(v.target, t0 / 2n);
});

test('shares slower than the rate make it easier, bounded by maxTarget', () => {
  const v = new Vardiff(1n << 254n, 0, opts);
  assert.equal(v.onShare(200_000), true, 'one share after a long silence triggers a retarget');
  assert.equal(v.target, 1n << 255n);
});

test('grace: right after a retarget, a hash meeting only the previous target still counts', () => {
  const t0 = 1n << 240n;
  const v = new Vardiff(t0, 0, opts);
  for (let i = 1; i <= 13; i++) v.onShare(i * 100);
  const between = hashOf((t0 * 3n) / 4n); // meets t0, misses t0/2
  assert.equal(v.judge(between, 1_400), 2);
  assert.equal(v.judge(between, 1_300 + 10_001), 0, 'grace has ended');
  assert.equal(v.judge(hashOf(t0 / 4n), 50_000), 1);
});

test('fixed (+PSEUDODIFF) never retargets; the floor keeps pseudoshares at least as easy as shares', () => {
  const f = new Vardiff(1n << 230n, 0, { ...opts, fixed: true });
  for (let i = 1; i < 40; i++) assert.equal(f.onShare(i), false);
  assert.equal(f.onIdle(1e9), false);
  const v = new Vardiff(1n << 230n, 0, opts);
  assert.equal(v.setFloor(1n << 240n, 5), true);
  assert.equal(v.target, 1n << 240n);
  assert.equal(v.suggest(1n << 200n, 6), false, 'a suggestion harder than a share is clipped to the floor');
});

test('idle sweeper halves difficulty after ten silent share periods', () => {
  const v = new Vardiff(1n << 240n, 0, opts);
  assert.equal(v.onIdle(29_000), false);
  assert.equal(v.onIdle(30_000), true);
  assert.equal(v.target, 1n << 241n);
});

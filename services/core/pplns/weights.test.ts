// The sliding-window PPLNS must equal the reference's share-by-share walk for every query.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tracker } from '../tracker/forest.ts';
import { PplnsWindows, cumulativeWeightsLinear, type PayoutItem } from './weights.ts';
import { coinbaseAmounts, payoutOrder } from './amounts.ts';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

test('PplnsWindows equals the linear definition along a chain, on forks and for random queries', () => {
  const rand = rng(42);
  const t = new Tracker<PayoutItem>();
  const all: PayoutItem[] = [];
  for (let i = 0; i < 600; i++) {
    const prev =
      i === 0 ? null : rand() < 0.1 && all.length > 10 ? all[all.length - 1 - Math.floor(rand() * 10)]!.hash : all[all.length - 1]!.hash;
    const it: PayoutItem = {
      hash: BigInt(i + 1),
      previousHash: prev,
      target: (1n << 240n) >> BigInt(Math.floor(rand() * 6)),
      maxTarget: 1n << 240n,
      donation: rand() < 0.2 ? Math.floor(rand() * 65536) : 0,
      payoutKey: `miner${Math.floor(rand() * 12)}`,
    };
    t.add(it);
    all.push(it);
  }
  const fast = new PplnsWindows(t);
  const W = 65535n;
  let checked = 0;
  for (const it of all) {
    const h = t.getHeight(it.hash);
    for (const [maxShares, desired] of [
      [Math.min(h, 100), W * 3n * 70000n],
      [h, W * 10n ** 9n],
      [Math.floor(h / 2), W * 5000n],
    ] as [number, bigint][]) {
      const a = fast.get(it.hash, maxShares, desired);
      const b = cumulativeWeightsLinear(t, it.hash, maxShares, desired);
      assert.equal(a.total, b.total);
      assert.equal(a.donation, b.donation);
      assert.deepEqual(Object.fromEntries(a.weights), Object.fromEntries(b.weights));
      checked++;
    }
  }
  assert.ok(checked > 1500);
});

test('coinbase amounts add up, pay the finder 0.5 % and give the remainder to the donation', () => {
  const w = new Map([
    ['a', 300n],
    ['b', 100n],
  ]);
  const amounts = coinbaseAmounts(1_000_000n, w, 400n, 'b', 'DON');
  assert.equal(amounts.get('a'), (1_000_000n * 199n * 300n) / (200n * 400n));
  assert.equal(amounts.get('b'), (1_000_000n * 199n * 100n) / (200n * 400n) + 5000n);
  assert.equal(
    [...amounts.values()].reduce((x, y) => x + y),
    1_000_000n,
  );
  const empty = coinbaseAmounts(1000n, new Map(), 0n, 'f', 'DON');
  assert.deepEqual(Object.fromEntries(empty), { f: 5n, DON: 995n });
});

test('payout order: ascending amount, ties by key, donation last, capped at the last 4000', () => {
  const amounts = new Map<string, bigint>([
    ['DON', 0n],
    ['b', 5n],
    ['a', 5n],
    ['c', 1n],
  ]);
  assert.deepEqual(payoutOrder(amounts, 'DON'), ['c', 'a', 'b', 'DON']);
  const many = new Map<string, bigint>();
  for (let i = 0; i < 4100; i++) many.set(`m${String(i).padStart(5, '0')}`, BigInt(i));
  many.set('DON', 0n);
  const order = payoutOrder(many, 'DON');
  assert.equal(order.length, 4000);
  assert.equal(order[0], 'm00101');
  assert.equal(order.at(-1), 'DON');
});

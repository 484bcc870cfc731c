// The forest against a naive model: random insertion orders (gap fills), forks and removals.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tracker, type ChainItem } from './forest.ts';
import { targetToAverageAttempts } from '../bitcoin/difficulty.ts';

interface Item extends ChainItem {
  payoutKey: string;
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

/** A random forest of `n` items: each item's parent is a random earlier item (or a missing hash, or genesis). */
function randomForest(n: number, rand: () => number): Item[] {
  const items: Item[] = [];
  for (let i = 0; i < n; i++) {
    const r = rand();
    const previousHash =
      i === 0 || r < 0.03
        ? null
        : r < 0.06
          ? BigInt(1_000_000 + i)
          : items[Math.max(0, items.length - 1 - Math.floor(rand() * rand() * 8))]!.hash;
    items.push({
      hash: BigInt(i + 1),
      previousHash,
      target: (1n << 250n) >> BigInt(Math.floor(rand() * 4)),
      maxTarget: 1n << 251n,
      donation: Math.floor(rand() * 3) * 100,
      payoutKey: `k${i % 5}`,
    });
  }
  return items;
}

function naive(items: Map<bigint, Item>, h: bigint) {
  let height = 0;
  let work = 0n;
  const chain: bigint[] = [];
  let cur: bigint | null = h;
  while (cur !== null && items.has(cur)) {
    const it: Item = items.get(cur)!;
    chain.push(cur);
    height++;
    work += targetToAverageAttempts(it.target);
    cur = it.previousHash;
  }
  return { height, last: cur, work, chain };
}

test('heights, tails, work and nth-parent match a naive walk under random insertion and removal', () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    const rand = rng(seed);
    const items = randomForest(400, rand);
    const shuffled = items.slice().sort(() => rand() - 0.5);
    const t = new Tracker<Item>();
    const present = new Map<bigint, Item>();
    for (const [i, it] of shuffled.entries()) {
      t.add(it);
      present.set(it.hash, it);
      if (i % 37 === 0 && i > 0) {
        const victim = shuffled[Math.floor(rand() * i)]!;
        if (present.has(victim.hash)) {
          t.remove(victim.hash);
          present.delete(victim.hash);
        }
      }
    }
    for (const h of present.keys()) {
      const want = naive(present, h);
      assert.deepEqual(t.getHeightAndLast(h), [want.height, want.last], `seed ${seed} item ${h}`);
      assert.equal(t.getWork(h), want.work);
      for (const n of [0, 1, Math.floor(want.height / 2), want.height - 1, want.height]) {
        assert.equal(t.getNthParentHash(h, n), n === want.height ? want.last : want.chain[n]);
      }
      if (want.height > 3) {
        const far = want.chain[3]!;
        assert.equal(t.getDelta(h, far).work, want.work - naive(present, far).work);
        assert.equal(t.isChildOf(far, h), true);
      }
    }
    // Heads are exactly the items nobody names as parent.
    const parents = new Set([...present.values()].map((i) => i.previousHash));
    assert.deepEqual(new Set([...t.heads].map((n) => n.item.hash)), new Set([...present.keys()].filter((h) => !parents.has(h))));
  }
});

test('addMany fills a gap below a chain once and removeMany prunes the oldest shares', () => {
  const items: Item[] = [];
  for (let i = 0; i < 100; i++)
    items.push({
      hash: BigInt(i + 1),
      previousHash: i ? BigInt(i) : null,
      target: 1n << 250n,
      maxTarget: 1n << 250n,
      donation: 0,
      payoutKey: 'a',
    });
  const t = new Tracker<Item>();
  t.addMany(items.slice(50));
  assert.deepEqual(t.getHeightAndLast(100n), [50, 50n]);
  t.addMany(items.slice(0, 50).reverse());
  assert.deepEqual(t.getHeightAndLast(100n), [100, null]);
  assert.equal(t.getNthParentHash(100n, 99), 1n);
  t.removeMany(items.slice(0, 10).map((i) => i.hash));
  assert.deepEqual(t.getHeightAndLast(100n), [90, 10n]);
  assert.deepEqual(
    t.tailChildren(10n).map((n) => n.item.hash),
    [11n],
  );
  assert.equal(t.getChain(100n, 90).next().value?.hash, 100n);
  assert.throws(() => [...t.getChain(100n, 91)], /shorter/);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildChain, easyNetwork } from '../testing/chain-builder.ts';
import { ShareTracker } from './share-tracker.ts';
import { think, type ThinkInput } from './think.ts';
import { pruneTracker } from './prune.ts';
import { parseWrappedShare } from '../share/share.ts';

const net = easyNetwork({ chainLength: 20, lookbehind: 5 });
const T0 = 1700000000;
const input = (now: number): ThinkInput => ({ net, previousBlock: 1n, bits: 0x1f6d3a06, blockRelHeight: () => 0, now, random: () => 0 });

/** A fresh tracker holding copies of the given shares (as a node that received them would). */
function copyOf(shares: { pack(): Buffer; timeSeen: number; peerAddr: string | null }[]): ShareTracker {
  const t = new ShareTracker();
  for (const s of shares) {
    const c = parseWrappedShare(net, s.pack());
    c.timeSeen = s.timeSeen;
    c.peerAddr = s.peerAddr;
    t.add(c);
  }
  return t;
}

test('think() verifies a complete chain back to CHAIN_LENGTH shares and picks its tip', () => {
  const { shares } = buildChain(net, { count: 30, startTime: T0 });
  const t = copyOf(shares);
  const r = think(t, input(T0 + 2000));
  assert.equal(r.best, shares[29]!.hash);
  assert.equal(t.verified.size, net.CHAIN_LENGTH);
  assert.equal(t.verified.getHeight(shares[29]!.hash), net.CHAIN_LENGTH);
  assert.deepEqual(r.desired, []);
});

test('think() prefers the fork with more work below its newest five shares', () => {
  const { tracker, shares } = buildChain(net, { count: 26, startTime: T0 });
  const a = buildChain(net, { count: 3, tracker, parent: shares[25]!.hash, salt: 1, startTime: T0 }).shares;
  const b = buildChain(net, { count: 7, tracker, parent: shares[25]!.hash, salt: 2, startTime: T0 }).shares;
  const t = copyOf([...shares, ...a, ...b]);
  const r = think(t, input(T0 + 2000));
  assert.equal(r.best, b[6]!.hash);
  assert.ok(r.decoratedHeads.some((h) => h.hash === a[2]!.hash));
});

test('think() removes a share that fails check() and reports the peer that sent it', () => {
  const { tracker, shares } = buildChain(net, { count: 25, startTime: T0 });
  // A share stamped far in the future parses (its PoW is fine) but fails the 600 s rule at check().
  const future = buildChain(net, {
    count: 1,
    tracker,
    parent: shares[24]!.hash,
    startTime: T0 + 10 ** 6,
    peerAddr: '192.0.2.9:9333',
    timeSeen: T0,
  }).shares[0]!;
  const t = copyOf([...shares, future]);
  const r = think(t, input(T0 + 2000));
  assert.equal(t.has(future.hash), false);
  assert.deepEqual([...r.badPeers], ['192.0.2.9:9333']);
  assert.equal(r.best, shares[24]!.hash);
});

test('think() asks for the missing parent of a chain that does not reach genesis', () => {
  const { shares } = buildChain(net, { count: 40, startTime: T0, peerAddr: '198.51.100.1:9333' });
  const t = copyOf(shares.slice(15));
  const r = think(t, input(T0 + 40 * 30));
  assert.equal(r.best, null);
  assert.deepEqual(
    r.desired.map((d) => d.hash),
    [shares[14]!.hash],
  );
  assert.equal(r.desired[0]!.peerAddr, '198.51.100.1:9333');
});

test('pruning keeps 2·CHAIN_LENGTH + 10 shares of a long chain', () => {
  const { shares } = buildChain(net, { count: 70, startTime: T0 });
  const t = copyOf(shares);
  const now = T0 + 5000;
  const thought = think(t, input(now));
  const removed = pruneTracker(t, { net, now, thought });
  assert.equal(removed.length, 70 - (2 * net.CHAIN_LENGTH + 10));
  assert.equal(t.getHeight(shares[69]!.hash), 2 * net.CHAIN_LENGTH + 10);
  assert.equal(t.has(shares[19]!.hash), false);
  assert.equal(t.has(shares[20]!.hash), true);
  assert.equal(think(t, input(now)).best, shares[69]!.hash);
});

test('pruning eats stale fork heads beyond the best five', () => {
  const { tracker, shares } = buildChain(net, { count: 45, startTime: T0 });
  const forks = [];
  for (let i = 0; i < 7; i++)
    forks.push(buildChain(net, { count: 1, tracker, parent: shares[35 + i]!.hash, salt: 10 + i, startTime: T0 }).shares[0]!);
  const t = copyOf([...shares, ...forks]);
  const now = T0 + 5000;
  const thought = think(t, input(now));
  assert.equal(thought.best, shares[44]!.hash);
  pruneTracker(t, { net, now, thought });
  const kept = new Set(thought.decoratedHeads.slice(-5).map((h) => h.hash));
  for (const f of forks) assert.equal(t.has(f.hash), kept.has(f.hash));
  assert.equal(forks.filter((f) => t.has(f.hash)).length, 4);
  assert.ok(t.has(shares[44]!.hash));
});

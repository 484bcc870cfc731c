// The hard-fork switch (docs/protocol.md §5.6): produce the successor at > 95 %, accept it at ≥ 60 % of the
// voting window, and never without CHAIN_LENGTH shares of history.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildChain, easyNetwork } from '../testing/chain-builder.ts';
import { checkShare } from './check.ts';
import { versionToProduce } from './voting.ts';
import { shareVersion } from './versions.ts';

const net = { ...easyNetwork({ chainLength: 20, lookbehind: 5 }), GENESIS_SHARE_VERSION: 34 };
const successor = (v: number) => shareVersion('JT', v)?.successor ?? null;
const NOW = 1800000000;

test('with the window voting for v35, the node produces v35 and peers accept it', () => {
  const { tracker, shares } = buildChain(net, { count: 25, desiredVersion: 35 });
  const tip = shares[24]!;
  assert.equal(tip.type, 34);
  assert.equal(versionToProduce(tracker, net, tip, successor).version, 35);
  const next = buildChain(net, { count: 1, tracker, parent: tip.hash, version: 35 }).shares[0]!;
  assert.equal(next.type, 35);
  assert.doesNotThrow(() => checkShare(tracker, next, { now: NOW }));
});

test('a switch without enough upgraded hash power is rejected as misbehaving', () => {
  const { tracker, shares } = buildChain(net, { count: 25, desiredVersion: 34 });
  assert.equal(versionToProduce(tracker, net, shares[24]!, successor).version, 34);
  const next = buildChain(net, { count: 1, tracker, parent: shares[24]!.hash, version: 35 }).shares[0]!;
  assert.throws(
    () => checkShare(tracker, next, { now: NOW }),
    (e: any) => e.rule === 'version-switch' && e.misbehaving && /enough hash power/.test(e.message),
  );
});

test('a switch before CHAIN_LENGTH shares of history is rejected', () => {
  const { tracker, shares } = buildChain(net, { count: 5, desiredVersion: 35 });
  const next = buildChain(net, { count: 1, tracker, parent: shares[4]!.hash, version: 35 }).shares[0]!;
  assert.throws(() => checkShare(tracker, next, { now: NOW }), /without enough history/);
});

test('going back to an older version after CHAIN_LENGTH shares is rejected', () => {
  const v35 = { ...net, GENESIS_SHARE_VERSION: 35 };
  const { tracker, shares } = buildChain(v35, { count: 25 });
  const next = buildChain(v35, { count: 1, tracker, parent: shares[24]!.hash, version: 34 }).shares[0]!;
  assert.throws(() => checkShare(tracker, next, { now: NOW }), /can't follow/);
});

// The work basis must let an edge build exactly the coinbase and share_info the sharechain's full
// tracker would: WorkBasisView runs the core's generateTransaction on the basis chain; compare bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  generateTransaction,
  encodeTx,
  bitsToTarget,
  preTarget3,
  subsidy,
  pushInteger,
  hash160,
  pubkeyHashToAddress,
  type Network,
  ShareTracker,
  VersionRatchet,
  type ShareData,
} from '../../services/core/index.ts';
import { buildChain, easyNetwork, testAddresses } from '../../services/core/testing/chain-builder.ts';
import { basisChainLength, type BasisInput } from '../../services/pool/work/basis.ts';
import { testBasis } from '../../services/pool/work/testing.ts';
import { WorkBasisView, BasisMismatchError } from '../../services/pool/work/basis-view.ts';

const BLOCK_BITS = 0x1f6d3a06;

function basisFor(net: Network, tracker: ShareTracker, best: bigint, bits = BLOCK_BITS, extra: Partial<BasisInput> = {}) {
  return testBasis(net, tracker, best, bits, extra);
}

function compare(net: Network, tracker: ShareTracker, best: bigint, addresses: string[]): number {
  const basis = basisFor(net, tracker, best);
  assert.ok(basis.chain.length <= basisChainLength(net));
  const view = new WorkBasisView(net);
  view.update(basis);
  const pre = preTarget3(tracker, net, best);
  let n = 0;
  for (const address of addresses) {
    for (const desiredTarget of [(1n << 256n) - 1n, pre / 7n, pre / 1000n]) {
      const sd: ShareData = view.shareData({
        address,
        coinbase: Buffer.concat([pushInteger(650000), Buffer.from('/t/')]),
        subsidy: 625_000_000n,
        random: () => 0.25,
      });
      const common = {
        shareData: sd,
        blockTarget: bitsToTarget(BLOCK_BITS),
        desiredTimestamp: 1700009999,
        desiredTarget,
        desiredTxs: [],
        knownTxs: new Map(),
        baseSubsidy: subsidy(net.PARENT, 650000),
      };
      const a = view.generate(common);
      const b = generateTransaction({ ...common, tracker, net, type: basis.shareVersion });
      assert.equal(a.shareInfoBytes.toString('hex'), b.shareInfoBytes.toString('hex'));
      assert.equal(encodeTx(a.gentx).toString('hex'), encodeTx(b.gentx).toString('hex'));
      assert.deepEqual(a.payouts, b.payouts);
      n++;
    }
  }
  return n;
}

test('basis view reproduces generateTransaction byte for byte past the basis window (v35)', () => {
  const net = easyNetwork({ chainLength: 150, lookbehind: 20 });
  const { tracker, shares } = buildChain(net, { count: 230 });
  const tip = shares.at(-1)!.hash;
  const miners = testAddresses(net, 50);
  // Existing miners (their weight plus the finder's 0.5 %), a newcomer, and a bech32 address.
  const addrs = [
    miners[3]!,
    pubkeyHashToAddress(hash160(Buffer.from('new')), net.PARENT.ADDRESS_VERSION),
    'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4',
  ];
  assert.equal(compare(net, tracker, tip, addrs), 9);
  // A fork point inside the chain and a young chain (height below the window) as well.
  assert.equal(compare(net, tracker, shares[180]!.hash, addrs.slice(0, 1)), 3);
  assert.equal(compare(net, tracker, shares[40]!.hash, addrs.slice(0, 1)), 3);
});

test('basis view reproduces generateTransaction for layout A (v33, P2PKH)', () => {
  const net = easyNetwork({ chainLength: 120, lookbehind: 20, version: 33 });
  const { tracker, shares } = buildChain(net, { count: 150, version: 33, desiredVersion: 33 });
  assert.equal(compare(net, tracker, shares.at(-1)!.hash, testAddresses(net, 3)), 9);
});

test('a basis for other block bits is refused, not silently wrong', () => {
  const net = easyNetwork({ chainLength: 120, lookbehind: 20 });
  const { tracker, shares } = buildChain(net, { count: 130 });
  const view = new WorkBasisView(net);
  view.update(basisFor(net, tracker, shares.at(-1)!.hash, 0x1f100000));
  const sd = view.shareData({ address: testAddresses(net, 1)[0]!, coinbase: Buffer.from('0101', 'hex'), subsidy: 1n });
  assert.throws(
    () =>
      view.generate({
        shareData: sd,
        blockTarget: bitsToTarget(BLOCK_BITS),
        desiredTimestamp: 1,
        desiredTarget: 1n << 250n,
        desiredTxs: [],
        knownTxs: new Map(),
        baseSubsidy: 1n,
      }),
    BasisMismatchError,
  );
});

test('--max-share-version: a held-back node mints and votes v35 where the ratchet would switch to v36', () => {
  const net = easyNetwork({ chainLength: 20, lookbehind: 10, lineage: 'V36', version: 35, pow: 'scrypt' });
  // A full window of v35 shares voting 36 from three origins: the ratchet activates.
  const tracker = new ShareTracker();
  const shares: bigint[] = [];
  for (let i = 0; i < 45; i++) {
    const [s] = buildChain(net, {
      count: 1,
      tracker,
      parent: shares.at(-1) ?? null,
      desiredVersion: 36,
      peerAddr: `10.0.0.${i % 3}:9326`,
      salt: i,
    }).shares;
    shares.push(s!.hash);
  }
  const best = shares.at(-1)!;
  const basis = (at: bigint, extra: Partial<BasisInput>) =>
    basisFor(net, tracker, at, BLOCK_BITS, { ratchet: new VersionRatchet(), ...extra });
  const free = basis(best, {});
  assert.equal(free.shareVersion, 36, 'the rules switch');
  const held = basis(best, { maxShareVersion: 35 });
  assert.equal(held.shareVersion, 35);
  assert.equal(held.desiredVersion, 35, 'and it votes as the release before V36');
  // Before the switch a V36 node votes 36; held back, 35.
  const early = shares[10]!;
  assert.equal(basis(early, {}).desiredVersion, 36);
  assert.equal(basis(early, { maxShareVersion: 35 }).desiredVersion, 35);
});

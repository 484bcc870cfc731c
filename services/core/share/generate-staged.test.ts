// The two stages of generate_transaction (prepare once, finish per finder) against the literal
// reference model of §6.3–6.5 (coinbaseAmounts + payoutOrder, a transcription of the Python), on
// windows the vector chains do not reach: the 4000-output cap, the donation key in the window or
// as the finder, subsidies under 200, and one base finished for many finders.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ShareTracker } from '../tracker/share-tracker.ts';
import { PplnsWindows, type CumulativeWeights } from '../pplns/weights.ts';
import { coinbaseAmounts, payoutOrder } from '../pplns/amounts.ts';
import { easyNetwork, testAddresses } from '../testing/chain-builder.ts';
import { encodeTx } from '../bitcoin/tx.ts';
import { addressToScriptJT } from '../bitcoin/address.ts';
import { layoutFor, type Share } from './share.ts';
import { donationKey, finishGeneration, generateTransaction, prepareGeneration, type GenerateInput } from './generate.ts';
import { DONATION_SCRIPT, MAX_PAYOUT_OUTPUTS } from './constants.ts';

const net = easyNetwork();
const layout = layoutFor(net, 35);
const DON = donationKey(net, layout);

class FixedWindow extends PplnsWindows<Share> {
  private readonly w: CumulativeWeights;
  constructor(tracker: ShareTracker, w: CumulativeWeights) {
    super(tracker);
    this.w = w;
  }
  override get(): CumulativeWeights {
    return { weights: new Map(this.w.weights), total: this.w.total, donation: 0n };
  }
}

function trackerWith(weights: Map<string, bigint>): ShareTracker {
  let total = 0n;
  for (const w of weights.values()) total += w;
  const t = new ShareTracker();
  (t as { pplns: PplnsWindows<Share> }).pplns = new FixedWindow(t, { weights, total, donation: 0n });
  return t;
}

// A deterministic generator (xorshift), so a failure names its case.
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 0x100000000;
  };
}

function input(tracker: ShareTracker, address: string, subsidy: bigint, target: bigint): GenerateInput {
  return {
    tracker,
    net,
    type: 35,
    shareData: {
      previousShareHash: null,
      coinbase: Buffer.from('0101', 'hex'),
      nonce: 7,
      address,
      subsidy,
      donation: 0,
      staleInfo: 0,
      desiredVersion: 35,
    },
    blockTarget: 1n << 240n,
    desiredTimestamp: 1_700_000_000,
    desiredTarget: target,
    desiredTxs: [],
    knownTxs: null,
    baseSubsidy: subsidy,
    segwitData: { txidMerkleBranch: [], wtxidMerkleRoot: 0x77n },
  };
}

function expected(weights: Map<string, bigint>, subsidy: bigint, finder: string): [string, bigint][] {
  let total = 0n;
  for (const w of weights.values()) total += w;
  const amounts = coinbaseAmounts(subsidy, weights, total, finder, DON);
  return payoutOrder(amounts, DON)
    .filter((k) => k === DON || amounts.get(k)! !== 0n)
    .map((k) => [k, amounts.get(k)!]);
}

const addresses = testAddresses(net, 4200);

test('finishing a prepared base pays what the literal §6.3–6.5 model pays, outputs in its order', () => {
  const r = rng(35);
  const cases: { n: number; subsidy: bigint; donInWindow: boolean }[] = [
    { n: 0, subsidy: 5_000_000_000n, donInWindow: false },
    { n: 1, subsidy: 5_000_000_000n, donInWindow: false },
    { n: 7, subsidy: 150n, donInWindow: false }, // subsidy / 200 = 0: no finder bonus
    { n: 50, subsidy: 312_500_000n, donInWindow: true },
    { n: 300, subsidy: 2_500_000_000n, donInWindow: false },
    { n: MAX_PAYOUT_OUTPUTS + 100, subsidy: 5_000_000_000n, donInWindow: true }, // the cap
  ];
  let checked = 0;
  for (const c of cases) {
    const weights = new Map<string, bigint>();
    for (let i = 0; i < c.n; i++) {
      // Ties on purpose: a few weights repeat, so (amount, key) ordering matters.
      const w = i % 5 === 0 ? 1000n : BigInt(1 + Math.floor(r() * 1e6)) * BigInt(1 + Math.floor(r() * 1e6));
      weights.set(addresses[i]!, w);
    }
    if (c.donInWindow) weights.set(DON, 123_456n);
    const tracker = trackerWith(weights);
    const base = prepareGeneration(input(tracker, addresses[0]!, c.subsidy, 1n << 250n));
    const finders = [DON, addresses[4199]!, ...Array.from({ length: 12 }, () => addresses[Math.floor(r() * Math.min(c.n + 1, 4200))]!)];
    if (c.n > 0) finders.push(addresses[c.n - 1]!);
    for (const finder of finders) {
      const gen = finishGeneration(base, input(tracker, finder, c.subsidy, 1n << 250n));
      const want = expected(weights, c.subsidy, finder);
      assert.deepEqual(gen.payouts, want, `n=${c.n} finder=${finder}`);
      // The gentx: commitment, the payouts in that order with their scripts, the ref output.
      const outs = gen.gentx.outputs.slice(1, -1);
      assert.equal(outs.length, want.length);
      for (let i = 0; i < want.length; i++) {
        const [key, value] = want[i]!;
        assert.equal(outs[i]!.value, value);
        assert.deepEqual(outs[i]!.script, key === DON ? DONATION_SCRIPT : addressToScriptJT(key, net.PARENT, true));
      }
      assert.ok(want.length <= MAX_PAYOUT_OUTPUTS);
      // The same bytes as the one-shot function: finishing leaves the base as it was.
      const once = generateTransaction(input(tracker, finder, c.subsidy, 1n << 250n));
      assert.deepEqual(encodeTx(gen.gentx), encodeTx(once.gentx));
      assert.deepEqual(gen.shareInfoBytes, once.shareInfoBytes);
      checked++;
    }
  }
  assert.ok(checked > 80);
});

test('at the 4000-output cap a newcomer with no bonus (subsidy < 200) counts as a key, as in the reference', () => {
  const weights = new Map<string, bigint>();
  for (let i = 0; i < MAX_PAYOUT_OUTPUTS + 5; i++) weights.set(addresses[i]!, 10n ** 12n + BigInt(i) * 10n ** 9n);
  const tracker = trackerWith(weights);
  for (const subsidy of [150n, 199n, 10n ** 9n]) {
    const base = prepareGeneration(input(tracker, addresses[0]!, subsidy, 1n << 250n));
    for (const finder of [addresses[4199]!, addresses[3]!, addresses[MAX_PAYOUT_OUTPUTS + 4]!]) {
      const gen = finishGeneration(base, input(tracker, finder, subsidy, 1n << 250n));
      const want = expected(weights, subsidy, finder);
      assert.deepEqual(gen.payouts, want, `subsidy ${subsidy} finder ${finder}`);
    }
  }
});

test('finishing refuses share_data for another parent or subsidy than the base', () => {
  const tracker = trackerWith(new Map([[addresses[1]!, 5n]]));
  const base = prepareGeneration(input(tracker, addresses[0]!, 1000n, 1n << 250n));
  const other = input(tracker, addresses[0]!, 1001n, 1n << 250n);
  assert.throws(() => finishGeneration(base, other), /another subsidy/);
  other.shareData.subsidy = 1000n;
  other.shareData.previousShareHash = 5n;
  assert.throws(() => finishGeneration(base, other), /another parent/);
});

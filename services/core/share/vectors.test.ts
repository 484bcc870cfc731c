// Every share of the reference-generated chains (test/vectors) must parse, hash, re-pack,
// verify, regenerate its gentx and be reproduced by the generator, byte for byte.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadVector } from '../testing/vectors.ts';
import { networkFromDocument } from '../networks/index.ts';
import { parseWrappedShare, type Share } from './share.ts';
import { checkShare } from './check.ts';
import { generateTransaction } from './generate.ts';
import { ShareTracker } from '../tracker/share-tracker.ts';
import { decodeTx, encodeTx, nodeTxHash, type Tx } from '../bitcoin/tx.ts';
import { hexToU256, u256ToHex, u256ToLE } from '../bitcoin/uint256.ts';
import { decodeHeader } from '../bitcoin/header.ts';
import { cumulativeWeightsLinear } from '../pplns/weights.ts';
import { expectedPayouts } from '../pplns/amounts.ts';
import { donationKey } from './generate.ts';
import { subsidy } from '../networks/types.ts';

const FILES = ['jt35.json', 'jt33.json', 'orig17.json', 'orig16.json'];
const NOW = 1600001000;

for (const file of FILES) {
  const v = loadVector(file);
  const net = networkFromDocument(v);

  test(`${file}: every share parses, hashes and re-packs byte for byte`, () => {
    for (const s of v.shares) {
      const sh = parseWrappedShare(net, Buffer.from(s.packed_share_hex, 'hex'));
      assert.equal(u256ToHex(sh.hash), s.share_hash, `share ${s.index} hash`);
      assert.equal(u256ToHex(sh.powHash), s.pow_hash, `share ${s.index} pow`);
      assert.equal(u256ToHex(sh.gentxHash), s.gentx_txid, `share ${s.index} gentx txid via hash link`);
      assert.equal(u256ToLE(sh.refHash).toString('hex'), s.ref_hash, `share ${s.index} ref hash`);
      assert.equal(sh.shareInfoBytes.toString('hex'), s.share_info_packed, `share ${s.index} share_info`);
      assert.equal(u256ToHex(sh.target), s.target);
      assert.equal(u256ToHex(sh.maxTarget), s.max_target);
      assert.equal(sh.absheight, s.absheight);
      assert.equal(sh.abswork, BigInt(s.abswork));
      assert.equal(sh.isBlock, s.is_block, `share ${s.index} is_block`);
      assert.equal(sh.pack().toString('hex'), s.packed_share_hex);
      if (s.address) assert.equal(sh.address, s.address);
    }
  });

  test(`${file}: check() passes in order and regenerates each gentx byte for byte`, () => {
    const tracker = new ShareTracker();
    for (const s of v.shares) {
      const sh = parseWrappedShare(net, Buffer.from(s.packed_share_hex, 'hex'));
      tracker.add(sh);
      const r = checkShare(tracker, sh, { now: NOW });
      assert.equal(encodeTx(r.gentx, true).toString('hex'), s.gentx_full_hex, `share ${s.index} gentx`);
      assert.equal(encodeTx(r.gentx, false).toString('hex'), s.gentx_stripped_hex, `share ${s.index} stripped gentx`);
      assert.deepEqual(
        r.otherTransactionHashes.map(u256ToHex),
        s.template_tx_hashes.filter((h: string) => r.otherTransactionHashes.some((x) => u256ToHex(x) === h)),
      );
    }
  });

  test(`${file}: the generator reproduces every share from its template`, () => {
    const tracker = new ShareTracker();
    const blockTarget = hexToU256(v.block.target);
    for (const s of v.shares) {
      const ref = parseWrappedShare(net, Buffer.from(s.packed_share_hex, 'hex'));
      const txs: Tx[] = (s.template_txs ?? []).map((h: string) => decodeTx(Buffer.from(h, 'hex')));
      const known = new Map<bigint, Tx>(txs.map((t) => [nodeTxHash(t), t]));
      const desiredTxs = txs.map((t, i) => ({ hash: nodeTxHash(t), fee: BigInt(s.template_fees[i]) }));
      assert.deepEqual(
        desiredTxs.map((d) => u256ToHex(d.hash)),
        s.template_tx_hashes ?? [],
      );
      const gen = generateTransaction({
        tracker,
        net,
        type: ref.type,
        shareData: { ...ref.shareData },
        blockTarget,
        desiredTimestamp: s.desired_timestamp,
        desiredTarget: hexToU256(s.desired_target),
        desiredTxs,
        knownTxs: known,
        baseSubsidy: subsidy(net.PARENT, v.block.height),
      });
      assert.equal(gen.shareInfoBytes.toString('hex'), s.share_info_packed, `share ${s.index} share_info`);
      const stripped = encodeTx(gen.gentx, false);
      assert.equal(stripped.subarray(0, stripped.length - 12).toString('hex'), s.stratum_coinb1, `share ${s.index} coinb1`);
      assert.equal(stripped.subarray(stripped.length - 4).toString('hex'), s.stratum_coinb2);
      const share: Share = gen.getShare(decodeHeader(Buffer.from(s.header_hex, 'hex')), hexToU256(s.last_txout_nonce));
      assert.equal(share.pack().toString('hex'), s.packed_share_hex, `share ${s.index} packed`);
      tracker.add(share);
    }
  });

  test(`${file}: PPLNS weights and expected payouts at the tip`, () => {
    const tracker = new ShareTracker();
    for (const s of v.shares) tracker.add(parseWrappedShare(net, Buffer.from(s.packed_share_hex, 'hex')));
    const cw = v.cumulative_weights_from_tip;
    const start = hexToU256(cw.args.start);
    const desired = BigInt(cw.args.desired_weight);
    for (const got of [
      tracker.pplns.get(start, cw.args.max_shares, desired),
      cumulativeWeightsLinear(tracker, start, cw.args.max_shares, desired),
    ]) {
      assert.equal(got.total, BigInt(cw.total_weight));
      assert.equal(got.donation, BigInt(cw.donation_weight));
      const want = Object.fromEntries(Object.entries<number>(cw.weights).map(([k, w]) => [k, BigInt(w)]));
      assert.deepEqual(Object.fromEntries(got.weights), want);
    }
    const tip = tracker.get(start)!;
    const layout = tip.layout;
    const r = tracker.pplns.get(start, cw.args.max_shares, desired);
    const payouts = expectedPayouts(625000000n, r.weights, r.total, donationKey(net, layout));
    const want = Object.fromEntries(Object.entries<number>(v.expected_payouts_from_tip).map(([k, a]) => [k, BigInt(a)]));
    assert.deepEqual(Object.fromEntries(payouts), want);
  });
}

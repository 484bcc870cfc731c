// Share version 36 against the reference-generated chains (test/vectors/v36.json and
// v35-to-v36-switch.json): every share parses, hashes, re-packs, verifies and is reproduced by the
// generator byte for byte, merged_coinbase_info and merged_payout_hash included; the switch chain
// verifies and its premature-switch negatives fail for the stated reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadVector } from '../testing/vectors.ts';
import { networkFromDocument } from '../networks/index.ts';
import { parseWrappedShare, type Share } from './share.ts';
import { checkShare } from './check.ts';
import { generateTransaction } from './generate.ts';
import { ShareTracker } from '../tracker/share-tracker.ts';
import { decodeTx, encodeTx, nodeTxHash, txid, type Tx } from '../bitcoin/tx.ts';
import { hexToU256, u256ToHex } from '../bitcoin/uint256.ts';
import { decodeHeader } from '../bitcoin/header.ts';
import { subsidy } from '../networks/types.ts';
import { decayedWeights } from '../pplns/decayed.ts';
import { canonicalMergedCoinbase, DOGE_CHAIN_ID, mergedPayout, mergedWeights } from '../merged/index.ts';
import type { MergedCoinbaseEntry } from './types.ts';

const toBig = (o: Record<string, number | bigint>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, BigInt(v)]));

function mergedInfo(list: any[] | null): MergedCoinbaseEntry[] | null {
  if (!list) return null;
  return list.map((e) => ({
    chainId: e.chain_id,
    coinbaseValue: BigInt(e.coinbase_value),
    blockHeight: BigInt(e.block_height),
    blockHeader: Buffer.from(e.block_header_hex, 'hex'),
    coinbaseMerkleBranch: e.coinbase_merkle_link.branch.map(hexToU256),
    coinbaseScript: Buffer.from(e.coinbase_script, 'hex'),
  }));
}

for (const file of ['v36.json', 'v35-to-v36-switch.json']) {
  const v = loadVector(file);
  const net = networkFromDocument(v);

  test(`${file}: every share parses, hashes and re-packs byte for byte`, () => {
    assert.equal(net.LINEAGE, 'V36');
    for (const s of v.shares) {
      const sh = parseWrappedShare(net, Buffer.from(s.packed_share_hex, 'hex'));
      assert.equal(sh.type, s.share_version);
      assert.equal(u256ToHex(sh.hash), s.share_hash, `share ${s.index} hash`);
      assert.equal(u256ToHex(sh.powHash), s.pow_hash, `share ${s.index} pow`);
      assert.equal(u256ToHex(sh.gentxHash), s.gentx_txid, `share ${s.index} gentx txid via the hash link`);
      // Unlike the v35 files, these show ref_hash as an integer.
      assert.equal(u256ToHex(sh.refHash), s.ref_hash, `share ${s.index} ref hash`);
      assert.equal(sh.shareInfoBytes.toString('hex'), s.share_info_packed, `share ${s.index} share_info`);
      assert.equal(u256ToHex(sh.target), s.target);
      assert.equal(u256ToHex(sh.maxTarget), s.max_target);
      assert.equal(sh.absheight, s.absheight);
      assert.equal(sh.abswork, BigInt(s.abswork));
      assert.equal(sh.isBlock, s.is_block, `share ${s.index} is_block`);
      assert.equal(sh.address, s.address, `share ${s.index} address`);
      assert.equal(sh.newScript.toString('hex'), s.new_script, `share ${s.index} new_script`);
      assert.equal(sh.pack().toString('hex'), s.packed_share_hex);
      if (s.share_version === 36) {
        const c = sh.contents;
        assert.equal((c.hashLink.extraData ?? Buffer.alloc(0)).toString('hex'), s.hash_link.extra_data);
        assert.equal(c.hashLink.length, s.hash_link.length);
        assert.equal(sh.shareData.pubkeyType, s.pubkey_type);
        const mph = c.shareInfo.mergedPayoutHash;
        assert.equal(mph === null || mph === undefined ? null : u256ToHex(mph), s.merged_payout_hash ?? null);
        assert.deepEqual(c.shareInfo.mergedCoinbaseInfo ?? null, mergedInfo(s.merged_coinbase_info));
        assert.equal(c.messageData ?? null, null);
      }
    }
  });

  test(`${file}: check() passes in order; decayed and merged weights, payloads and DOGE coinbases match`, () => {
    const tracker = new ShareTracker();
    for (const s of v.shares) {
      const sh = parseWrappedShare(net, Buffer.from(s.packed_share_hex, 'hex'));
      if (s.merged_work?.merged_weights) {
        // The generator built the DOGE coinbase with the tracker before this share was added.
        const prev = sh.previousHash;
        const mw = s.merged_work.merged_weights;
        const w = mergedWeights(tracker, prev, mw.chain_length, DOGE_CHAIN_ID, tracker.mergedLookup);
        assert.deepEqual(Object.fromEntries(w.weights), toBig(mw.weights), `share ${s.index} merged weights`);
        assert.equal(w.total, BigInt(mw.total_weight));
        assert.equal(w.donation, BigInt(mw.donation_weight));
        const e = s.merged_coinbase_info[0];
        const cb = canonicalMergedCoinbase(w, BigInt(e.coinbase_value), BigInt(e.block_height));
        assert.equal(encodeTx(cb.tx, false).toString('hex'), s.merged_work.doge_coinbase_hex, `share ${s.index} DOGE coinbase`);
        assert.equal(u256ToHex(txid(cb.tx)), s.merged_work.doge_coinbase_txid);
      }
      tracker.add(sh);
      if (s.share_version === 36) {
        const p = s.pplns;
        const d = decayedWeights(tracker, p.start ? hexToU256(p.start) : null, p.max_shares, net.CHAIN_LENGTH);
        assert.deepEqual(Object.fromEntries(d.weights), toBig(p.weights), `share ${s.index} decayed weights`);
        assert.equal(d.total, BigInt(p.total_weight));
        assert.equal(d.donation, BigInt(p.donation_weight));
        const mp = mergedPayout(tracker, sh.previousHash, net.REAL_CHAIN_LENGTH);
        assert.equal(mp?.payload ?? null, s.merged_payout?.payload ?? null, `share ${s.index} merged payload`);
      }
      const r = checkShare(tracker, sh, { now: s.timestamp + 2 });
      assert.equal(encodeTx(r.gentx, true).toString('hex'), s.gentx_full_hex, `share ${s.index} gentx`);
      assert.equal(encodeTx(r.gentx, false).toString('hex'), s.gentx_stripped_hex, `share ${s.index} stripped gentx`);
    }
  });

  test(`${file}: the generator reproduces every share from its template, merged fields included`, () => {
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
      const info = ref.shareInfo;
      const gen = generateTransaction({
        tracker,
        net,
        type: ref.type,
        shareData: {
          ...ref.shareData,
          subsidy: BigInt(s.base_subsidy) + (s.template_fees ?? []).reduce((a: bigint, f: number) => a + BigInt(f), 0n),
        },
        blockTarget,
        desiredTimestamp: s.desired_timestamp,
        desiredTarget: hexToU256(s.desired_target),
        desiredTxs,
        knownTxs: known,
        baseSubsidy: subsidy(net.PARENT, v.block.height),
        mergedAddresses: s.merged_addresses
          ? s.merged_addresses.map((m: any) => ({ chainId: m.chain_id, script: Buffer.from(m.script, 'hex') }))
          : null,
        mergedCoinbaseInfo: mergedInfo(s.merged_coinbase_info),
        messageData: null,
      });
      assert.equal(gen.shareInfoBytes.toString('hex'), s.share_info_packed, `share ${s.index} share_info`);
      assert.deepEqual(gen.shareInfo.mergedCoinbaseInfo ?? null, info.mergedCoinbaseInfo ?? null);
      const stripped = encodeTx(gen.gentx, false);
      assert.equal(stripped.subarray(0, stripped.length - 12).toString('hex'), s.stratum_coinb1, `share ${s.index} coinb1`);
      assert.equal(stripped.subarray(stripped.length - 4).toString('hex'), s.stratum_coinb2);
      const share: Share = gen.getShare(decodeHeader(Buffer.from(s.header_hex, 'hex')), hexToU256(s.last_txout_nonce));
      assert.equal(share.pack().toString('hex'), s.packed_share_hex, `share ${s.index} packed`);
      tracker.add(share);
    }
  });
}

test('v35-to-v36-switch.json: the premature switches fail for the stated reason', () => {
  const v = loadVector('v35-to-v36-switch.json');
  const net = networkFromDocument(v);
  assert.equal(
    v.shares.findIndex((s: any) => s.share_version === 36),
    v.switch_index,
  );
  const reasons: Record<string, string> = {};
  for (const n of v.negatives) {
    const tracker = new ShareTracker();
    for (const s of v.shares.slice(0, n.base_index)) tracker.add(parseWrappedShare(net, Buffer.from(s.packed_share_hex, 'hex')));
    const bad = parseWrappedShare(net, Buffer.from(n.packed_share_hex, 'hex'));
    assert.equal(bad.type, 36);
    tracker.add(bad);
    assert.throws(
      () => checkShare(tracker, bad, { now: bad.timestamp + 2 }),
      (e: any) => {
        reasons[n.name] = e.message;
        return n.reference_error.endsWith(e.message) && e.misbehaving === true;
      },
      n.name,
    );
  }
  assert.deepEqual(Object.keys(reasons).sort(), ['premature_v36_at_10', 'premature_v36_at_24']);
});

test('the sliding merged-payout window equals the walked one, forward, back and across forks', async () => {
  const { buildChain, easyNetwork } = await import('../testing/chain-builder.ts');
  const { MergedPayoutWindows } = await import('../merged/weights.ts');
  const net = easyNetwork({ chainLength: 15, lookbehind: 10, lineage: 'V36', version: 36, pow: 'scrypt' });
  const { tracker, shares } = buildChain(net, { count: 40, desiredVersion: 36 });
  // A fork from share 20, some of it voting 35.
  const fork = buildChain(net, { count: 10, tracker, parent: shares[20]!.hash, salt: 7, desiredVersion: 35 }).shares;
  const windows = new MergedPayoutWindows(tracker);
  const order = [...shares, ...fork, ...shares.slice(5, 30).reverse(), ...fork.slice(2)];
  for (const s of order) {
    for (const n of [1, 7, 15]) {
      const a = windows.get(s.hash, n);
      const b = mergedWeights(tracker, s.hash, Math.min(n, tracker.getHeight(s.hash)), null, null);
      assert.deepEqual([Object.fromEntries(a.weights), a.total, a.donation], [Object.fromEntries(b.weights), b.total, b.donation]);
    }
  }
});

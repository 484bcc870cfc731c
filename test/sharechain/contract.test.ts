// The proto handlers over a Sharechain (what server.ts binds) and the payout address rules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { u256ToLE, u256FromLE } from '../../services/core/index.ts';
import { sharechainHandlers } from '../../services/sharechain/contract.ts';
import { ReferenceStats } from '../../services/sharechain/stats/reference-stats.ts';
import { resolvePayout, PayoutAddressError } from '../../services/sharechain/payout.ts';
import { ShareOutcome, SyncState } from '../../services/gen/p2pool/v1/sharechain.ts';
import { vectorSharechain } from './helpers.ts';

test('contract handlers map the sharechain 1:1', async () => {
  const { v, net, sc } = await vectorSharechain();
  const h = sharechainHandlers(sc, new ReferenceStats(sc));
  const tip = BigInt('0x' + v.shares[15].share_hash);
  const stats = await h.GetStats!({});
  assert.equal(stats.syncState, SyncState.SYNCED);
  assert.equal(u256FromLE(stats.bestShareHash), tip);
  assert.equal(
    stats.currentPayouts.find((p) => p.address === v.shares[0].address)!.amount,
    BigInt(v.expected_payouts_from_tip[v.shares[0].address]),
  );
  const got = await h.GetShare!({ hash: u256ToLE(tip) });
  assert.equal(got.found, true);
  assert.equal(got.summary!.inBestChain, true);
  const chain = await h.GetShares!({ hashes: [u256ToLE(tip)], parents: 3, stops: [] });
  assert.equal(chain.shares.length, 4);
  const dup = await h.SubmitShare!({ share: chain.shares[0], doa: false, miner: 'm', edge: 'e', receivedAtMs: 0n, transactions: [] });
  assert.equal(dup.outcome, ShareOutcome.DUPLICATE);
  const basis = await h.GetWorkBasis!({});
  assert.equal(u256FromLE(basis.previousShareHash), tip);
  assert.equal(basis.shareVersion, 35n);
  const missing = await h.GetMissingParents!({ max: 10 });
  assert.equal(missing.parents.length, 0);
  void net;
});

test('payout address: -a validated for the network, wallet fallback cached, percentages checked', async () => {
  const { net } = await vectorSharechain();
  const p = await resolvePayout({ net, address: '1KUCp7YP5FP8ViRxhfszSUJCTAajK6viGy', donationPercent: 1, workerFeePercent: 0.5 });
  assert.deepEqual(p, { address: '1KUCp7YP5FP8ViRxhfszSUJCTAajK6viGy', donationPercent: 1, workerFeePercent: 0.5 });
  await assert.rejects(resolvePayout({ net, address: 'LeD2fnnDJYZuyt8zgDsZ2oBGmuVcxGKCLd' }), PayoutAddressError);
  await assert.rejects(resolvePayout({ net, address: '1KUCp7YP5FP8ViRxhfszSUJCTAajK6viGy', workerFeePercent: 101 }), PayoutAddressError);
  await assert.rejects(resolvePayout({ net }), /pass -a/);
  const dir = mkdtempSync(join(tmpdir(), 'sc-payout-'));
  try {
    let asked = 0;
    const wallet = {
      newAddress: async () => {
        asked++;
        return 'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4';
      },
    };
    assert.equal((await resolvePayout({ net, dataDir: dir, wallet })).address, 'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4');
    assert.equal(readFileSync(join(dir, 'cached_payout_address'), 'utf8').trim(), 'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4');
    await resolvePayout({ net, dataDir: dir, wallet });
    assert.equal(asked, 1, 'the cached address is reused');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

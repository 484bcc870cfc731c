// Statistics and the reference endpoints on the jt35 vector chain, against values computed by hand
// from the vector file's own fields (targets, timestamps, stale_info, addresses).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hexToU256, sha256d, targetToDifficulty } from '../../services/core/index.ts';
import { ReferenceStats } from '../../services/sharechain/stats/reference-stats.ts';
import { handleReference, scaledPayouts } from '../../services/web/reference/routes.ts';
import { formatBinomialConf, formatDt, formatSI } from '../../services/sharechain/stats/format.ts';
import { vectorSharechain } from './helpers.ts';

const att = (targetHex: string) => (1n << 256n) / (hexToU256(targetHex) + 1n);

async function get(stats: ReferenceStats, path: string): Promise<{ status: number; type: string; body: any; text: string }> {
  const r = (await handleReference(stats, { path, query: '', headers: {} }, { random: () => 0 }))!;
  const text = r.body.toString();
  return { status: r.status, type: r.contentType, text, body: r.contentType === 'application/json' ? JSON.parse(text) : text };
}

test('reference endpoints at the jt35 tip equal hand-computed values', async () => {
  const { v, sc, res } = await vectorSharechain();
  assert.ok(res.results.every((r) => r.outcome === 'accepted'));
  const shares = v.shares;
  const tip = shares[15];
  assert.equal(sc.bestShareHash(), hexToU256(tip.share_hash));
  assert.equal(sc.tracker.verified.size, 16);
  const stats = new ReferenceStats(sc, { peers: () => ({ incoming: 1, outgoing: 2, addresses: ['10.0.0.1', '10.0.0.2:19333'] }) });

  // /current_payouts: expected_payouts_from_tip, in coins.
  const payouts = await get(stats, '/current_payouts');
  const want = Object.fromEntries(Object.entries<number>(v.expected_payouts_from_tip).map(([k, a]) => [k, a / 1e8]));
  assert.deepEqual(payouts.body, want);
  assert.equal(payouts.type, 'application/json');

  // /users: each address's Σ att·(65535 − donation) over all 16 shares / Σ att·65535 (one share donates 655/65535).
  const byAddr = new Map<string, bigint>();
  let total = 0n;
  for (const s of shares) {
    const a = att(s.target);
    byAddr.set(s.address, (byAddr.get(s.address) ?? 0n) + a * (65535n - BigInt(s.share_data.donation)));
    total += a * 65535n;
  }
  const users = (await get(stats, '/users')).body;
  assert.deepEqual(Object.keys(users).sort(), [...byAddr.keys()].sort());
  for (const [k, w] of byAddr) assert.ok(Math.abs(users[k] - Number(w) / Number(total)) < 1e-15, k);

  // /difficulty: difficulty of the tip's max_target.
  assert.equal((await get(stats, '/difficulty')).body, targetToDifficulty(hexToU256(tip.max_target)));

  // /rate: work of shares 1..15 over (ts15 − ts0), divided by 1 − 2/18 (one orphan, one doa among 16).
  const work = shares.slice(1).reduce((a: bigint, s: any) => a + att(s.target), 0n);
  const dt = tip.timestamp - shares[0].timestamp;
  assert.equal(dt, 225);
  const stales = shares.filter((s: any) => s.share_data.stale_info !== null).length;
  assert.equal(stales, 2);
  const staleProp = stales / (16 + stales);
  const rate = (await get(stats, '/rate')).body;
  assert.ok(Math.abs(rate - Number(work) / dt / (1 - staleProp)) < 1e-9 * rate);

  // /stale_rates: the 15 newest shares' work per second, and the orphan (index 7) and doa (index 11) parts.
  const sr = (await get(stats, '/stale_rates')).body;
  assert.ok(Math.abs(sr.good - Number(work) / dt) < 1e-9 * sr.good);
  assert.ok(Math.abs(sr.orphan - Number(att(shares[7].target)) / dt) < 1e-9 * sr.orphan);
  assert.ok(Math.abs(sr.doa - Number(att(shares[11].target)) / dt) < 1e-9 * sr.doa);

  // /global_stats over min(16, 3600 // 30) shares.
  const gs = (await get(stats, '/global_stats')).body;
  assert.ok(Math.abs(gs.pool_nonstale_hash_rate - Number(work) / dt) < 1e-9 * gs.pool_nonstale_hash_rate);
  assert.equal(gs.pool_stale_prop, staleProp);
  const diff = targetToDifficulty(hexToU256(v.block.target));
  assert.equal(gs.network_block_difficulty, diff);
  assert.equal(gs.network_hashrate, Math.floor((diff * 2 ** 32) / 600));
  assert.equal(gs.min_difficulty, targetToDifficulty(hexToU256(tip.max_target)));

  // /recent_blocks: the block-solving shares, newest first, BIP34 height 650000.
  const blocks = (await get(stats, '/recent_blocks')).body;
  const solving = shares.filter((s: any) => s.is_block).reverse();
  assert.deepEqual(
    blocks,
    solving.map((s: any) => ({ ts: s.timestamp, hash: s.share_hash, number: 650000, share: s.share_hash })),
  );

  // Small ones.
  assert.equal((await get(stats, '/fee')).body, 0.5);
  assert.equal((await get(stats, '/payout_addr')).body, shares[0].address);
  assert.equal((await get(stats, '/peer_addresses')).body, '10.0.0.1 10.0.0.2:19333');
  assert.equal((await get(stats, '/web/best_share_hash')).body, tip.share_hash);
  assert.equal(typeof (await get(stats, '/uptime')).body, 'number');
  assert.equal(await handleReference(stats, { path: '/not_ours', query: '', headers: {} }), null);
});

test('/web/share/HASH has the reference shape with exact big integers', async () => {
  const { v, sc } = await vectorSharechain();
  const stats = new ReferenceStats(sc);
  const s = v.shares[7];
  const r = await get(stats, `/web/share/${s.share_hash}`);
  assert.equal(r.body.parent, s.share_data.previous_share_hash);
  assert.deepEqual(r.body.children, [v.shares[8].share_hash]);
  assert.equal(r.body.type_name, 'PaddingBugfixShare');
  assert.equal(r.body.local.verified, true);
  assert.equal(r.body.local.peer_first_received_from, '10.0.0.1:9333');
  assert.equal(r.body.share_data.stale_info, 'orphan');
  assert.equal(r.body.share_data.payout_address, s.address);
  assert.equal(r.body.share_data.absheight, s.absheight);
  assert.equal(r.body.block.hash, s.share_hash);
  assert.equal(r.body.block.gentx.hash, s.gentx_txid);
  assert.equal(r.body.block.gentx.coinbase, s.share_data.coinbase);
  assert.equal(r.body.block.gentx.value, 6.25);
  // The generation transaction itself, rebuilt from the chain (issue 12.14: it was the string "unknown").
  assert.equal(typeof r.body.block.gentx.raw, 'string');
  assert.equal(sha256d(Buffer.from(r.body.block.gentx.raw, 'hex')).reverse().toString('hex'), s.gentx_txid);
  // No far parent is JSON null, not Python's "None" as a string.
  assert.ok(r.body.far_parent === null || /^[0-9a-f]{64}$/.test(r.body.far_parent), JSON.stringify(r.body.far_parent));
  const first = await get(stats, `/web/share/${v.shares[0].share_hash}`);
  assert.notEqual(first.body.far_parent, 'None');
  assert.notEqual(first.body.parent, 'None');
  // The target is written as an exact integer literal, as json.dumps writes a Python int.
  assert.ok(r.text.includes(`"target":${hexToU256(s.target).toString()}`));
  assert.equal((await get(stats, '/web/share/00ff')).body, null);
  assert.equal((await get(stats, '/web/share/zz')).body, null);
});

test('/patron_sendmany scales payouts to TOTAL, lumps dust, and is text/plain', async () => {
  const { sc } = await vectorSharechain();
  const stats = new ReferenceStats(sc);
  const r = await get(stats, '/patron_sendmany/1');
  assert.equal(r.type, 'text/plain');
  const out = JSON.parse(r.text);
  // Scaled to 1 coin; the 1-satoshi donation scales to 0, which the reference keeps as 0 (nothing to lump).
  assert.equal(
    Object.values<number>(out)
      .reduce((a, b) => a + b, 0)
      .toFixed(8),
    '1.00000000',
  );
  assert.equal(out['1Kz5QaUPDtKrj5SqW5tFkn7WZh8LmQaQi4'], 0);
  assert.equal(out['1KUCp7YP5FP8ViRxhfszSUJCTAajK6viGy'], Math.floor((121875000 * 1e8) / 625000000) / 1e8);
  assert.equal((await get(stats, '/patron_sendmany')).text, 'need total argument. go to patron_sendmany/<TOTAL>');
  // Two dust entries (1 and 2 under a truncation of 10) become one of 3, given to a holder chosen by weight.
  const m = scaledPayouts(
    new Map([
      ['a', 1n],
      ['c', 2n],
      ['b', 997n],
    ]),
    1000n,
    10n,
    () => 0,
  );
  assert.deepEqual(Object.fromEntries(m), { a: 3n, b: 997n });
  const m2 = scaledPayouts(
    new Map([
      ['a', 1n],
      ['c', 2n],
      ['b', 997n],
    ]),
    1000n,
    10n,
    () => 0.9,
  );
  assert.deepEqual(Object.fromEntries(m2), { c: 3n, b: 997n });
});

test('status line and the reference formatting helpers', async () => {
  const { sc } = await vectorSharechain();
  sc.own.add(sc.bestShareHash()!, false, 'me', 0);
  const stats = new ReferenceStats(sc, { localRates: () => ({ miners: { a: 150000 }, dead: { a: 15000 }, lastDifficulties: {} }) });
  const line = stats.statusLine();
  assert.match(line, /^P2Pool: 16 shares in chain \(16 verified\/16 total\) Peers: 0 \(0 incoming\)/);
  assert.match(line, /Local: 150kH\/s Local dead on arrival: ~10\.0%/);
  assert.match(line, /Shares: 1 \(0 orphan, 0 dead\) Stale rate: ~0\.0% \(0-\d+%\) Efficiency: ~112\.5%/);
  assert.match(line, /Pool: \d+H\/s Stale rate: 11\.1% Expected time to block: /);
  assert.equal(formatSI(99999), '99999');
  assert.equal(formatSI(123456789), '123M');
  assert.equal(formatDt(90), '1.5 minutes');
  assert.equal(formatDt(0.5), '0.5 seconds');
  assert.equal(formatBinomialConf(0, 0), '???');
  assert.equal(formatBinomialConf(1, 10), '~10.0% (1-41%)');
  const eff = stats.efficiency()!;
  assert.ok(eff.low <= eff.value && eff.value <= eff.high);
  const ls = stats.localStats()!;
  assert.deepEqual(ls.shares, { total: 1, orphan: 0, dead: 0 });
  assert.deepEqual(ls.my_share_counts_in_last_hour, {
    shares: 1,
    unstale_shares: 1,
    stale_shares: 0,
    orphan_stale_shares: 0,
    doa_stale_shares: 0,
  });
  const sample = stats.sampleLog();
  assert.equal(sample.shares, 1);
  assert.equal(stats.log().length, 1);
});

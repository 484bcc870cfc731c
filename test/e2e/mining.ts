// Mining through a running pool, as a miner would, checked against litecoind: the same scenario for
// the cluster (one process per service on NATS) and the embedded default (one process), over stratum
// (test/edge/stratum-client.ts) and getwork (test/edge/getwork-client.ts). Both clients do their own
// header and PoW math, so they check the pool rather than agree with it by construction.
import assert from 'node:assert/strict';
import { scryptSync } from 'node:crypto';
import { blockSubsidy, coinParams } from '../../services/pool/coins.ts';
import type { Clients } from '../../services/runtime/clients.ts';
import type { LitecoindNode } from '../harness/litecoind.ts';
import { regtestAddress } from '../harness/keys.ts';
import { StratumTestClient } from '../edge/stratum-client.ts';
import { dataFor, getworkCall, headerOf } from '../edge/getwork-client.ts';
import { eventually } from '../cluster/procs.ts';

export interface Pool {
  workerPort: number;
  /** Where the worker port listens (default loopback; a Service's NodePort in the cluster tests). */
  workerHost?: string;
  clients: Clients;
  ltc: LitecoindNode;
}

const COIN = coinParams('litecoin', 'regtest');
const SCRYPT_DIFF = 65536;

export function minerAddress(label: string): string {
  return regtestAddress('litecoin', `p2pool-ts e2e miner ${label}`);
}

const le = (displayHex: string) => Buffer.from(displayHex, 'hex').reverse();

function scryptValue(header: Buffer): bigint {
  return BigInt(
    '0x' +
      Buffer.from(scryptSync(header, header, 32, { N: 1024, r: 1, p: 1 }))
        .reverse()
        .toString('hex'),
  );
}

// The newest block of litecoind's chain since `since` that is one of the pool's shares paying `miner`.
// A block solution reaches the template builder before its share reaches the sharechain, and on
// regtest most later blocks are not shares at all (block-only solutions), so the tip alone is not it.
async function ourBlock(pool: Pool, since: string, miner: string, depth = 50): Promise<string | null> {
  let hash = await pool.ltc.call<string>('getbestblockhash');
  for (let i = 0; i < depth && hash !== since; i++) {
    const r = await pool.clients.sharechain.GetShare({ hash: le(hash) });
    if (r.found && JSON.parse(r.referenceJson).share_data.payout_address === miner) return hash;
    hash = (await pool.ltc.call<{ previousblockhash: string }>('getblockheader', hash)).previousblockhash;
  }
  return null;
}

// The last solutions' shares may still be on their way to the sharechain.
async function settle(pool: Pool, since: string, miner: string): Promise<string | null> {
  return eventually(
    async () => {
      const h = await ourBlock(pool, since, miner);
      assert.ok(h);
      return h;
    },
    'a block of ours among the new blocks',
    10_000,
  ).catch(() => null);
}

// What every mining scenario ends with: shares in the sharechain, and a block of ours at litecoind's
// tip whose coinbase is the share's gentx, verified by the sharechain (its PPLNS outputs are the ones
// generate_transaction computes), paying the miner and summing to the subsidy. `tip` is that block, in
// litecoind's best chain.
export async function assertBlockOfShares(pool: Pool, tip: string, miner: string): Promise<void> {
  const stats = await pool.clients.sharechain.GetStats({});
  assert.ok(stats.sharesTotal >= 1n, `the sharechain counts ${stats.sharesTotal} shares of this node`);
  assert.ok(stats.height >= 1);

  const block = await pool.ltc.call<{
    height: number;
    tx: Array<{ txid: string; vout: Array<{ value: number; scriptPubKey: { address?: string; addresses?: string[] } }> }>;
  }>('getblock', tip, 2);
  const coinbase = block.tx[0]!;
  // The reference's /web/share object, as the sharechain computes it.
  const share = await eventually(
    async () => {
      const r = await pool.clients.sharechain.GetShare({ hash: le(tip) });
      assert.ok(r.found);
      const body = JSON.parse(r.referenceJson);
      assert.equal(body.local.verified, true, 'the sharechain verified the share');
      return body;
    },
    'the block share verified',
    30_000,
  );
  assert.equal(share.block.gentx.hash, coinbase.txid, "the block's coinbase is the share's gentx");
  assert.equal(share.share_data.payout_address, miner);
  const paid = new Map<string, number>();
  let total = 0;
  for (const o of coinbase.vout) {
    total += Math.round(o.value * 1e8);
    const a = o.scriptPubKey.address ?? o.scriptPubKey.addresses?.[0];
    if (a) paid.set(a, (paid.get(a) ?? 0) + Math.round(o.value * 1e8));
  }
  assert.ok((paid.get(miner) ?? 0) > 0, `the coinbase pays the miner: ${JSON.stringify([...paid])}`);
  // No transactions on this regtest chain: the outputs share out exactly the subsidy.
  assert.equal(BigInt(total), blockSubsidy(COIN, block.height));
}

// Stratum v1: subscribe, authorize, submit pseudoshares until litecoind's tip is a block of ours.
export async function mineStratum(pool: Pool, label: string, maxSubmits = 200): Promise<{ accepted: number; tip: string }> {
  const address = minerAddress(label);
  const user = `${address}.rig1`;
  const tip0 = await pool.ltc.call<string>('getbestblockhash');
  const c = await StratumTestClient.connect(pool.workerPort, pool.workerHost);
  try {
    c.pow = 'scrypt';
    c.difficultyMultiplier = SCRYPT_DIFF;
    const sub = await c.subscribe();
    assert.equal(sub.error, null);
    const auth = await c.authorize(user);
    assert.equal(auth.result, true);
    let accepted = 0;
    let tip: string | null = null;
    for (let i = 0; i < maxSubmits && tip === null; i++) {
      const params = c.solve({ extranonce2: i.toString(16).padStart(8, '0'), worker: user });
      const r = await c.submit(params);
      // A new block between solving and submitting makes the job stale (21): the next one is fresh.
      if (r.error?.code === 21) continue;
      assert.equal(r.error, null, `submit ${i}: ${JSON.stringify(r.error)}`);
      assert.equal(r.result, true);
      accepted++;
      if ((await pool.ltc.call<string>('getbestblockhash')) !== tip0) tip = await ourBlock(pool, tip0, address);
    }
    assert.ok(accepted > 0, 'pseudoshares accepted');
    tip ??= await settle(pool, tip0, address);
    assert.ok(tip, `no block of ours in litecoind's chain after ${maxSubmits} submits`);
    await assertBlockOfShares(pool, tip, address);
    return { accepted, tip };
  } finally {
    await c.close();
  }
}

// getwork: ask for work over HTTP, find a nonce meeting its target with scrypt, hand the data back.
export async function mineGetwork(pool: Pool, label: string, maxSubmits = 200): Promise<{ accepted: number; tip: string }> {
  const address = minerAddress(label);
  const user = `${address}.gw`;
  const tip0 = await pool.ltc.call<string>('getbestblockhash');
  let accepted = 0;
  let tip: string | null = null;
  for (let i = 0; i < maxSubmits && tip === null; i++) {
    const w = await getworkCall(pool.workerPort, [], user);
    assert.equal(w.status, 200, w.body);
    const work = JSON.parse(w.body).result as { data: string; target: string };
    const target = BigInt('0x' + Buffer.from(work.target, 'hex').reverse().toString('hex'));
    const header = Buffer.from(headerOf(work.data));
    let n = 0;
    for (; ; n++) {
      header.writeUInt32LE(n >>> 0, 76);
      if (scryptValue(header) <= target) break;
    }
    const r = await getworkCall(pool.workerPort, [dataFor(header, work.data)], user);
    assert.equal(r.status, 200, r.body);
    const res = JSON.parse(r.body);
    // Work from before a new block is refused (false); fetch fresh work.
    if (res.result !== true) continue;
    accepted++;
    if ((await pool.ltc.call<string>('getbestblockhash')) !== tip0) tip = await ourBlock(pool, tip0, address);
  }
  assert.ok(accepted > 0, 'getwork solutions accepted');
  tip ??= await settle(pool, tip0, address);
  assert.ok(tip, `no block of ours in litecoind's chain after ${maxSubmits} getwork solutions`);
  await assertBlockOfShares(pool, tip, address);
  return { accepted, tip };
}

// One more share on the current best, then stop. Pseudoshares may be easier than shares, so this
// submits until the chain is one higher. Two shares on the same job can be siblings of equal work, and
// nodes keep the one they saw first (as the reference does) until the next share: one share on the
// current best settles which head every peer follows.
export async function extendChain(pool: Pool, label: string, maxSubmits = 400): Promise<void> {
  const before = (await pool.clients.sharechain.GetStats({})).height;
  const user = `${minerAddress(label)}.one`;
  const c = await StratumTestClient.connect(pool.workerPort, pool.workerHost);
  try {
    c.pow = 'scrypt';
    c.difficultyMultiplier = SCRYPT_DIFF;
    await c.subscribe();
    assert.equal((await c.authorize(user)).result, true);
    for (let i = 0; i < maxSubmits; i++) {
      const r = await c.submit(c.solve({ extranonce2: (0x1000 + i).toString(16).padStart(8, '0'), worker: user }));
      if (r.error?.code === 21) continue;
      assert.equal(r.result, true, JSON.stringify(r.error));
      if ((await pool.clients.sharechain.GetStats({})).height > before) return;
    }
    assert.fail(`the chain did not grow past ${before} in ${maxSubmits} submits`);
  } finally {
    await c.close();
  }
}

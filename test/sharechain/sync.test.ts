// Sync state (loading → downloading → synced) and the sharechain's contract with the gateway and edges.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildChain, easyNetwork, testAddresses } from '../../services/core/testing/chain-builder.ts';
import { Sharechain, type SyncStatus } from '../../services/sharechain/sharechain.ts';
import { MemoryShareStore } from '../../services/sharechain/store/memory-store.ts';
import type { Share } from '../../services/core/index.ts';

const CL = 40;
const net = { ...easyNetwork({ chainLength: CL, lookbehind: 10 }), PERSIST: true };
const chain = buildChain(net, { count: 120 }).shares;
const TEMPLATE = { templateId: 1, previousBlock: 0x1234n, bits: 0x1f6d3a06, height: 650000, subsidy: 625_000_000n };

function make() {
  const store = new MemoryShareStore();
  // The clock sits just after the chain, so think()'s download cutoff (an hour before the best share) holds.
  const sc = new Sharechain({
    net,
    store,
    thinkIntervalMs: 0,
    now: () => 1700000000 + 121 * 30,
    payout: { address: testAddresses(net, 1)[0]!, workerFeePercent: 0, donationPercent: 0 },
  });
  const states: SyncStatus[] = [];
  sc.onSyncState((s) => states.push(s));
  const calls = { broadcast: [] as bigint[], desired: [] as bigint[][], punished: [] as string[] };
  sc.attachPeers({
    broadcastShare: (h: bigint, c: readonly Share[]) => {
      calls.broadcast.push(h);
      assert.ok(c.length <= 5 && c[0]!.hash === h);
    },
    setDesired: (l) => {
      calls.desired.push(l.map((d) => d.hash));
    },
    punishPeer: (p) => {
      calls.punished.push(p);
    },
  });
  return { sc, store, states, calls };
}

test('loading → downloading (template, peers, parents) → synced; no work basis is synced before', async () => {
  const { sc, states, calls } = make();
  assert.equal(sc.syncStatus().state, 'loading');
  await sc.start();
  assert.equal(sc.syncStatus().state, 'downloading');
  assert.match(sc.syncStatus().detail, /template/);
  sc.setTemplate(TEMPLATE);
  assert.match(sc.syncStatus().detail, /waiting for peers/);
  sc.setPeerCount(1);
  assert.match(sc.syncStatus().detail, /downloading shares/);
  // The newest 30 shares arrive first (as a peer's `shares` then the downloader would deliver them).
  await sc.addShares(chain.slice(90), { peer: '10.0.0.9:9333' });
  assert.equal(sc.syncStatus().state, 'downloading');
  assert.ok(
    sc.missingParents().some((d) => d.hash === chain[89]!.hash),
    'the gap is wanted',
  );
  assert.equal(calls.desired.at(-1)![0], chain[89]!.hash);
  assert.notEqual(sc.workBasis()?.syncState, 'synced');
  await sc.addShares(chain.slice(0, 90), { peer: '10.0.0.9:9333' });
  assert.equal(sc.syncStatus().state, 'synced');
  assert.equal(sc.bestShareHash(), chain.at(-1)!.hash);
  const basis = sc.workBasis()!;
  assert.equal(basis.syncState, 'synced');
  assert.equal(basis.previousShareHash, chain.at(-1)!.hash);
  assert.ok(basis.pplns && basis.pplns.total > 0n);
  assert.deepEqual([...new Set(states.map((s) => s.state))], ['loading', 'downloading', 'synced']);
  assert.equal(calls.broadcast.at(-1), chain.at(-1)!.hash);
  assert.equal(calls.desired.at(-1)!.length, 0);
  await sc.stop();
});

test('non-persistent networks mine a new chain once a template is there', async () => {
  const store = new MemoryShareStore();
  const sc = new Sharechain({
    net: { ...net, PERSIST: false },
    store,
    thinkIntervalMs: 0,
    payout: { address: 'x', workerFeePercent: 0, donationPercent: 0 },
  });
  await sc.start();
  assert.equal(sc.syncStatus().state, 'downloading');
  sc.setTemplate(TEMPLATE);
  assert.equal(sc.syncStatus().state, 'synced');
  assert.equal(sc.workBasis()!.previousShareHash, null);
  assert.equal(sc.workBasis()!.shareVersion, net.GENESIS_SHARE_VERSION);
});

test('local shares: stored before the answer, duplicates, DOA, block listeners, stale_info in the basis', async () => {
  const { sc, store } = make();
  await sc.start();
  sc.setTemplate(TEMPLATE);
  await sc.addShares(chain.slice(0, 100), { peer: '10.0.0.9:9333' });
  const basisIds: number[] = [];
  sc.onWorkBasis((b) => basisIds.push(b.basisId));
  const r = await sc.submitLocal(chain[100]!.pack(), { miner: 'addr.w1' });
  assert.equal(r.outcome, 'accepted');
  assert.equal(r.isBest, true);
  assert.ok(store.records.some((x) => x.kind === 'share' && x.hash === chain[100]!.hash));
  assert.ok(basisIds.length >= 1, 'a new best share publishes a new basis');
  assert.equal((await sc.submitLocal(chain[100]!.pack())).outcome, 'duplicate');
  const bad = Buffer.from(chain[101]!.pack());
  bad[bad.length - 1]! ^= 0xff;
  const rb = await sc.submitLocal(bad);
  assert.equal(rb.outcome, 'invalid');
  // A DOA share (an orphan in the making) counts in stats and makes the next share announce it.
  const doa = await sc.submitLocal(chain[101]!, { doa: true, miner: 'addr.w1' });
  assert.equal(doa.outcome, 'accepted');
  const counts = sc.own.staleCounts(sc.tracker, sc.bestShareHash());
  assert.equal(counts.total, 2);
  // Peer results: accepted / duplicate / invalid per share, misbehaviour flagged for bad PoW.
  const res = await sc.addPeerShares([chain[102]!.pack(), chain[102]!.pack(), Buffer.from('00', 'hex')], '10.0.0.9:9333');
  assert.deepEqual(
    res.results.map((x) => x.outcome),
    ['accepted', 'duplicate', 'invalid'],
  );
  await sc.stop();
});

// Issue 12.15: at debug level one line per share event (received from a peer, verified, relayed), with
// the share's hash, height, peer and outcome, so a share can be followed as in the reference's log.
test('debug log: a line per share received, verified and relayed, with hash, height, peer and outcome', async () => {
  const lines: Array<{ msg: string } & Record<string, unknown>> = [];
  const capture = (msg: string, fields?: Record<string, unknown>) => {
    lines.push({ msg, ...fields });
  };
  const sc = new Sharechain({
    net,
    store: new MemoryShareStore(),
    thinkIntervalMs: 0,
    now: () => 1700000000 + 121 * 30,
    payout: { address: testAddresses(net, 1)[0]!, workerFeePercent: 0, donationPercent: 0 },
    log: { debug: capture, info: capture, warn: capture },
  });
  sc.attachPeers({ broadcastShare: () => undefined, setDesired: () => undefined, punishPeer: () => undefined });
  await sc.start();
  sc.setTemplate(TEMPLATE);
  sc.setPeerCount(1);
  await sc.addShares(chain.slice(0, 100), { peer: '10.0.0.9:9333' });
  await sc.addShares(chain.slice(99, 100), { peer: '10.0.0.7:9333' });
  const hash = chain[99]!.hash.toString(16).padStart(64, '0');
  const received = lines.filter((l) => l.msg === 'share received from peer' && l.share === hash);
  assert.deepEqual(
    received.map((l) => [l.peer, l.outcome]),
    [
      ['10.0.0.9:9333', 'new'],
      ['10.0.0.7:9333', 'already known'],
    ],
  );
  const verified = lines.find((l) => l.msg === 'share verified' && l.share === hash);
  assert.ok(verified, 'verified line');
  assert.equal(verified.peer, '10.0.0.9:9333');
  assert.equal(typeof verified.height, 'number');
  const relayed = lines.find((l) => l.msg === 'share relayed to peers' && l.share === hash);
  assert.ok(relayed, 'relayed line for the new best');
  assert.equal(relayed.outcome, 'new best');
  await sc.stop();
});

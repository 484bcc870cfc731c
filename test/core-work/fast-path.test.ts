// CoreWorkSource without a full node: jobs from the fast path (transaction walk once per work,
// generateTransaction in its verification form) must be byte-identical to the literal
// generateTransaction with the decoded template — on the edge's basis view and on the sharechain's
// full tracker — including when the size budget drops transactions; plus epochs, caching, payout
// choice, targets, refusals, and the sink turning a solved job into a block and a share that check().
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  generateTransaction,
  encodeTx,
  decodeTx,
  bitsToTarget,
  targetToBits,
  preTarget3,
  subsidy,
  checkShare,
  powHash,
  desiredShareTarget,
  pseudoshareTarget,
  difficultyToTarget,
  parseWrappedShare,
  decodeHeader,
  headerHash,
  hash256,
  u256FromLE,
  buildAuxTree,
  buildAuxPow,
  checkAuxPow,
  encodeMergedMiningData,
  pushData,
  pushInteger,
  u256ToLE,
  DOGE_CHAIN_ID,
  findMergedMiningData,
  pubkeyHashToAddress,
  encodeHeader,
  verifyMergedCoinbaseCommitment,
  checkMerkleLink,
  txid,
  type Network,
  type ShareTracker,
  type Tx,
} from '../../services/core/index.ts';
import { buildChain, easyNetwork, testAddresses } from '../../services/core/testing/chain-builder.ts';
import type { WorkBasis } from '../../services/pool/work/basis.ts';
import { testBasis } from '../../services/pool/work/testing.ts';
import {
  CoreWorkSource,
  CoreShareSink,
  strippedLength,
  isJobPayload,
  auxCommitmentFromMessage,
  type JobPayload,
  type AuxSolution,
} from '../../services/edge/core-work/index.ts';
import { syntheticWork } from '../../services/edge/core-work/testing.ts';
import { WorkUnavailableError, type JobTemplate, type NewWorkEvent, type Solution } from '../../services/edge/work-source.ts';
import { parseTemplate, type Work } from '../../services/pool/work/template.ts';
import { coinParams } from '../../services/pool/coins.ts';
import { sha256d } from '../../services/core/index.ts';

const NOW = 1_700_005_000;
const BITS = 0x1f6d3a06;

function chain(opts: { version?: number } = {}) {
  const net = easyNetwork({ chainLength: 150, lookbehind: 20, pow: 'scrypt', version: opts.version });
  const { tracker, shares } = buildChain(net, { count: 200, version: opts.version, desiredVersion: opts.version });
  return { net, tracker, best: shares.at(-1)!.hash };
}

function basisOf(net: Network, tracker: ShareTracker, best: bigint, over: Partial<WorkBasis> = {}, bits = BITS): WorkBasis {
  return { ...testBasis(net, tracker, best, bits, { nodeAddress: testAddresses(net, 60)[59]! }), ...over };
}

function source(
  net: Network,
  mode: 'fast' | 'core' = 'fast',
  extra: Partial<ConstructorParameters<typeof CoreWorkSource>[0]> = {},
): CoreWorkSource {
  return new CoreWorkSource({ net, mode, now: () => NOW, random: () => 0.25, ...extra });
}

function payload(j: JobTemplate): JobPayload {
  assert.ok(isJobPayload(j.payload));
  return j.payload;
}

/** Solves a job as a miner would: coinb1 || nonce || coinb2, the header on the job's branch, nonces until `target`. */
function solveJob(net: Network, job: JobTemplate, nonce8: Buffer, target: bigint): { coinbase: Buffer; header: Buffer; pow: bigint } {
  const coinbase = Buffer.concat([job.coinb1, nonce8, job.coinb2]);
  let root = sha256d(coinbase);
  for (const b of job.merkleBranch) root = sha256d(Buffer.concat([root, b]));
  const h = {
    version: job.version,
    previousBlock: u256FromLE(job.prevHash),
    merkleRoot: u256FromLE(root),
    timestamp: job.ntime,
    bits: job.bits,
    nonce: 0,
  };
  for (; ; h.nonce++) {
    const header = encodeHeader(h);
    const pow = powHash(net, header);
    if (pow <= target) return { coinbase, header, pow };
  }
}

function sameJob(a: JobTemplate, b: JobTemplate): void {
  assert.equal(a.coinb1.toString('hex'), b.coinb1.toString('hex'));
  assert.equal(a.coinb2.toString('hex'), b.coinb2.toString('hex'));
  assert.deepEqual(
    a.merkleBranch.map((x) => x.toString('hex')),
    b.merkleBranch.map((x) => x.toString('hex')),
  );
  assert.equal(a.shareTarget, b.shareTarget);
  assert.equal(payload(a).regenerate().shareInfoBytes.toString('hex'), payload(b).regenerate().shareInfoBytes.toString('hex'));
  assert.equal(encodeTx(payload(a).regenerate().gentx).toString('hex'), encodeTx(payload(b).regenerate().gentx).toString('hex'));
}

/** The full node's own generation: the sharechain's whole tracker, the decoded template as knownTxs. */
function fullNodeGentx(net: Network, tracker: ShareTracker, basis: WorkBasis, work: Work, job: JobTemplate): Tx {
  const p = payload(job);
  const known = new Map(work.transactions.map((t) => [t.wtxid, decodeTx(t.data)] as const));
  const mine = p.regenerate();
  const sd = mine.shareInfo.shareData;
  const gen = generateTransaction({
    tracker,
    net,
    type: basis.shareVersion,
    shareData: { ...sd, subsidy: work.coinbaseValue },
    blockTarget: work.target,
    desiredTimestamp: Math.floor(NOW + 0.5),
    desiredTarget: p.desiredShareTarget,
    desiredTxs: work.transactions.map((t) => ({ hash: t.wtxid, fee: t.fee })),
    knownTxs: known,
    baseSubsidy: subsidy(net.PARENT, work.height),
  });
  assert.equal(gen.shareInfoBytes.toString('hex'), mine.shareInfoBytes.toString('hex'));
  return gen.gentx;
}

test('fast path = literal generateTransaction, on the basis view and on the full tracker (1,000 template txs)', () => {
  const { net, tracker, best } = chain();
  const basis = basisOf(net, tracker, best);
  const work = syntheticWork({ count: 1000, bits: BITS, height: 650_100 });
  const fast = source(net);
  const core = source(net, 'core');
  for (const s of [fast, core]) {
    s.setWork(work);
    s.setBasis(basis);
  }
  const pre = preTarget3(tracker, net, best);
  const miners = testAddresses(net, 50);
  const keys = [
    { payoutAddress: null, desiredShareTarget: null },
    { payoutAddress: miners[7]!, desiredShareTarget: null },
    { payoutAddress: testAddresses(net, 100)[99]!, desiredShareTarget: pre / 7n },
    { payoutAddress: 'ltc1qw508d6qejxtdg4y5r3zarvary0c5xw7kgmn4n9', desiredShareTarget: 1n << 200n },
  ];
  for (const k of keys) {
    const a = fast.getJobTemplate(k);
    const b = core.getJobTemplate(k);
    sameJob(a, b);
    assert.equal(payload(a).selection.dropped, 0);
    assert.equal(
      encodeTx(fullNodeGentx(net, tracker, basis, work, a)).toString('hex'),
      encodeTx(payload(a).regenerate().gentx).toString('hex'),
    );
    // The job's branch is the block's: coinbase txid folded up it gives the template's merkle root.
    assert.deepEqual(a.merkleBranch, work.merkleBranchRaw);
  }
  assert.equal(payload(fast.getJobTemplate(keys[0]!)).payout.address, basis.nodeAddress);
});

test('fast path = literal generateTransaction when the size budget drops transactions (subsidy less their fees)', () => {
  const { net: base, tracker, best } = chain();
  // Room for ~20 kB of stripped transactions next to the 50 kB gentx allowance.
  const net = { ...base, BLOCK_MAX_SIZE: 50_000 + 80 + 500 + 20_000 };
  const basis = basisOf(net, tracker, best);
  const work = syntheticWork({ count: 300, bits: BITS });
  const fast = source(net);
  const core = source(net, 'core');
  for (const s of [fast, core]) {
    s.setWork(work);
    s.setBasis(basis);
  }
  const a = fast.getJobTemplate({ payoutAddress: null, desiredShareTarget: null });
  const b = core.getJobTemplate({ payoutAddress: null, desiredShareTarget: null });
  sameJob(a, b);
  const sel = payload(a).selection;
  assert.ok(sel.dropped > 100 && sel.transactions.length > 10, `kept ${sel.transactions.length}, dropped ${sel.dropped}`);
  const droppedFees = work.transactions.slice(sel.transactions.length).reduce((s, t) => s + t.fee!, 0n);
  assert.equal(payload(a).regenerate().shareInfo.shareData.subsidy, work.coinbaseValue - droppedFees);
  assert.equal(
    encodeTx(fullNodeGentx(net, tracker, basis, work, a)).toString('hex'),
    encodeTx(payload(a).regenerate().gentx).toString('hex'),
  );
  assert.notDeepEqual(a.merkleBranch, work.merkleBranchRaw);
});

test("stripped size from raw bytes equals the core's, and an MWEB template (HogEx last) is taken whole", () => {
  const work = syntheticWork({ count: 50 });
  for (const t of work.transactions) assert.equal(strippedLength(t.data), encodeTx(decodeTx(t.data), false).length);
  const fixtures = join(import.meta.dirname, '../fixtures/litecoind-regtest');
  const mweb = parseTemplate(JSON.parse(readFileSync(join(fixtures, 'gbt_mweb_active.json'), 'utf8')), coinParams('litecoin', 'regtest'));
  assert.ok(mweb.transactions.at(-1)!.hogEx);
  const { net: base, tracker, best } = chain();
  const net = { ...base, BLOCK_MAX_SIZE: 50_000 + 80 + 500 + 10 }; // a budget that would drop everything
  const s = source(net);
  s.setWork(mweb);
  s.setBasis(basisOf(net, tracker, best, {}, mweb.bits));
  const sel = payload(s.getJobTemplate({ payoutAddress: null, desiredShareTarget: null })).selection;
  assert.equal(sel.transactions.length, mweb.transactions.length);
  assert.equal(sel.segwitData.wtxidMerkleRoot, mweb.witnessMerkleRoot);
});

test('epochs: one event per turn, tx-only updates are no event, new block flagged, identical basis ignored, cache per key', async () => {
  const { net, tracker, best } = chain();
  const basis = basisOf(net, tracker, best);
  const s = source(net);
  const events: NewWorkEvent[] = [];
  s.onNewWork((e) => events.push(e));
  const turn = () => new Promise((r) => setImmediate(r));
  const w1 = syntheticWork({ count: 5, bits: BITS });
  s.setWork(w1);
  s.setBasis(basis);
  await turn();
  assert.equal(events.length, 1);
  assert.equal(events[0]!.newBlock, false);
  assert.equal(events[0]!.prevHash.toString('hex'), Buffer.from(w1.previousBlockHex, 'hex').reverse().toString('hex'));
  const key = { payoutAddress: testAddresses(net, 3)[2]!, desiredShareTarget: null };
  const j1 = s.getJobTemplate(key);
  assert.equal(s.getJobTemplate(key), j1, 'cached');
  assert.equal(j1.workId, events[0]!.workId);
  // Same block, other transactions: jobs built from now on use it, cached ones stay (no event).
  const w2 = syntheticWork({ count: 6, bits: BITS, seed: 2 });
  s.setWork(w2);
  await turn();
  assert.equal(events.length, 1);
  assert.equal(s.getJobTemplate(key), j1);
  assert.equal(payload(s.getJobTemplate({ payoutAddress: null, desiredShareTarget: null })).work, w2);
  // The same basis again (a bus replay): nothing.
  s.setBasis({ ...basis, basisId: 7 });
  await turn();
  assert.equal(events.length, 1);
  // A new best share: an event, not a new block.
  const next = buildChain(net, { count: 1, tracker, parent: best, salt: 9 }).shares[0]!;
  s.setBasis(basisOf(net, tracker, next.hash, { basisId: 2 }));
  await turn();
  assert.equal(events.length, 2);
  assert.equal(events[1]!.newBlock, false);
  assert.notEqual(s.getJobTemplate(key), j1);
  // A new previous block: a new-block event.
  s.setWork(syntheticWork({ count: 1, bits: BITS, previousBlockHex: '11'.repeat(32) }));
  await turn();
  assert.equal(events.length, 3);
  assert.equal(events[2]!.newBlock, true);
  assert.ok(s.stats().jobsBuilt >= 3 && s.stats().cacheHits >= 2);
  // The template is lost: an event (same block) so the edge drops its jobs; no work until a template returns.
  s.setWork(null);
  await turn();
  assert.equal(events.length, 4);
  assert.equal(events[3]!.newBlock, false);
  assert.throws(() => s.getJobTemplate(key), WorkUnavailableError);
});

test('no work: no template, no basis, not synced, basis for other bits (clear WorkUnavailableError)', () => {
  const { net, tracker, best } = chain();
  const s = source(net);
  const key = { payoutAddress: null, desiredShareTarget: null };
  assert.throws(
    () => s.getJobTemplate(key),
    (e: Error) => e instanceof WorkUnavailableError && /no block template/.test(e.message),
  );
  s.setWork(syntheticWork({ count: 1, bits: BITS }));
  assert.throws(
    () => s.getJobTemplate(key),
    (e: Error) => e instanceof WorkUnavailableError && /no work basis/.test(e.message),
  );
  s.setBasis(basisOf(net, tracker, best, { syncState: 'downloading' }));
  assert.throws(
    () => s.getJobTemplate(key),
    (e: Error) => e instanceof WorkUnavailableError && /downloading shares/.test(e.message),
  );
  s.setBasis(basisOf(net, tracker, best, { blockBits: 0x1f00ffff }));
  assert.throws(
    () => s.getJobTemplate(key),
    (e: Error) => e instanceof WorkUnavailableError && /block bits/.test(e.message),
  );
  s.setBasis(basisOf(net, tracker, best));
  assert.ok(s.getJobTemplate(key).coinb1.length > 0);
  s.setWork(null);
  assert.throws(() => s.getJobTemplate(key), WorkUnavailableError);
});

test('payout: -f sends jobs to the node address; layout A pays only P2PKH; donation from config', () => {
  const { net, tracker, best } = chain();
  const basis = basisOf(net, tracker, best);
  const work = syntheticWork({ count: 2, bits: BITS });
  const miner = testAddresses(net, 5)[4]!;
  const fee = source(net, 'fast', { workerFeePercent: 100 });
  fee.setWork(work);
  fee.setBasis(basis);
  assert.equal(payload(fee.getJobTemplate({ payoutAddress: miner, desiredShareTarget: null })).payout.node, 'fee');
  const don = source(net, 'fast', { donationPercent: 50 });
  don.setWork(work);
  don.setBasis(basis);
  const gen = payload(don.getJobTemplate({ payoutAddress: miner, desiredShareTarget: null })).regenerate();
  assert.equal(gen.shareInfo.shareData.donation, Math.floor(65535 * 0.5 + 0.25));
  const a = chain({ version: 33 });
  const sa = source(a.net);
  sa.setWork(work);
  sa.setBasis(basisOf(a.net, a.tracker, a.best));
  const pa = payload(sa.getJobTemplate({ payoutAddress: 'ltc1qw508d6qejxtdg4y5r3zarvary0c5xw7kgmn4n9', desiredShareTarget: null }));
  assert.equal(pa.payout.node, 'address-kind');
  assert.equal(payload(sa.getJobTemplate({ payoutAddress: testAddresses(a.net, 1)[0]!, desiredShareTarget: null })).payout.node, null);
});

test('targets: /DIFF honoured within the consensus clip; node policy and pseudoshare target from the core (local rate, punish)', () => {
  const { net, tracker, best } = chain();
  const work = syntheticWork({ count: 0, bits: BITS });
  const pre = preTarget3(tracker, net, best);
  const clip = (t: bigint) => bitsToTarget(targetToBits(t < pre / 30n ? pre / 30n : t > pre ? pre : t));
  const s = source(net, 'fast', { rates: { localRate: () => 1e6 } });
  s.setWork(work);
  s.setBasis(basisOf(net, tracker, best));
  assert.equal(s.getJobTemplate({ payoutAddress: null, desiredShareTarget: pre / 10n }).shareTarget, clip(pre / 10n));
  assert.equal(s.getJobTemplate({ payoutAddress: null, desiredShareTarget: 1n }).shareTarget, clip(1n));
  const own = s.getJobTemplate({ payoutAddress: null, desiredShareTarget: null });
  const policy = desiredShareTarget({ net, blockTarget: bitsToTarget(BITS), localRate: 1e6, punishAggressively: false });
  assert.equal(payload(own).desiredShareTarget, policy);
  assert.equal(own.shareTarget, clip(policy));
  assert.equal(
    own.pseudoshareTarget,
    pseudoshareTarget({ net, blockTarget: bitsToTarget(BITS), shareTarget: own.shareTarget, localRate: 1e6, subsidy: work.coinbaseValue }),
  );
  const p = source(net);
  p.setWork(work);
  p.setBasis(basisOf(net, tracker, best, { punishAggressively: true }));
  assert.equal(payload(p.getJobTemplate({ payoutAddress: null, desiredShareTarget: null })).desiredShareTarget, difficultyToTarget(1));
});

test('sink: a solved job becomes a block (witness gentx, template txs) first, then a share that passes check()', () => {
  const { net, tracker, best } = chain();
  const basis = basisOf(net, tracker, best);
  const work = syntheticWork({ count: 40, bits: BITS, curtime: NOW });
  const s = source(net);
  s.setWork(work);
  s.setBasis(basis);
  const job = s.getJobTemplate({ payoutAddress: testAddresses(net, 2)[1]!, desiredShareTarget: null });
  // Solve it as the edge would: coinb1 || nonce || coinb2, header on the job's branch.
  const nonce8 = Buffer.from('0102030405060708', 'hex');
  const { coinbase, header, pow } = solveJob(net, job, nonce8, job.shareTarget);
  const calls: string[] = [];
  let block: Buffer | null = null;
  let packed: Buffer | null = null;
  const sink = new CoreShareSink({
    submitBlock: (b) => {
      calls.push('block');
      block = b;
    },
    submitShare: (p, m) => {
      calls.push('share');
      packed = p;
      assert.equal(m.doa, false);
    },
  });
  const solution: Solution = {
    template: job,
    header,
    coinbase,
    coinbaseNonce: nonce8,
    powHash: pow,
    isBlock: true,
    isShare: true,
    isAux: false,
    doa: false,
    username: 'u',
    payoutAddress: null,
    worker: '',
    receivedAt: Date.now(),
  };
  sink.submitBlock(solution);
  sink.submitShare(solution);
  assert.deepEqual(calls, ['block', 'share']);
  assert.equal(sink.counters.errors, 0, sink.counters.lastError ?? '');
  // Block: header, tx count, the gentx with its witness (txid = hash of what the miner hashed), the template txs.
  const b = block!;
  assert.deepEqual(b.subarray(0, 80), header);
  assert.equal(b[80], 41);
  const gentx = encodeTx(payload(job).regenerate().gentx);
  const full = b.subarray(81, 81 + gentx.length);
  const decoded = decodeTx(full);
  assert.equal(decoded.flag, 1);
  assert.equal(hash256(encodeTx(decoded, false)), u256FromLE(sha256d(coinbase)));
  assert.equal(decoded.outputs.at(-1)!.script.subarray(34).toString('hex'), nonce8.toString('hex'));
  assert.deepEqual(b.subarray(81 + gentx.length), Buffer.concat(work.transactions.map((t) => t.data)));
  // Share: parses, is this header, and passes the full node's check() on the whole tracker.
  const share = parseWrappedShare(net, packed!);
  assert.equal(share.hash, headerHash(decodeHeader(header)));
  assert.equal(share.contents.lastTxoutNonce, nonce8.readBigUInt64LE(0));
  tracker.add(share);
  const res = checkShare(tracker, share, { now: NOW });
  assert.equal(encodeTx(res.gentx, false).toString('hex'), coinbase.toString('hex'));
});

test('merged mining: aux work puts mm_data right after the height (a new epoch), the job carries the aux target, and a solution meeting it reaches the aux service as a valid AuxPoW', async () => {
  const { net, tracker, best } = chain();
  const work = syntheticWork({ count: 10, bits: BITS, curtime: NOW });
  const s = source(net);
  s.setWork(work);
  s.setBasis(basisOf(net, tracker, best));
  const key = { payoutAddress: testAddresses(net, 2)[1]!, desiredShareTarget: null };
  const plain = s.getJobTemplate(key);
  assert.equal(plain.auxTarget, undefined);
  const events: NewWorkEvent[] = [];
  s.onNewWork((e) => events.push(e));
  const chains = [
    { chainId: 0x62, hash: 0xd06en },
    { chainId: 1, hash: 0x17cn },
  ];
  const tree = buildAuxTree(chains);
  const auxTarget = 1n << 255n;
  s.setAuxWork(
    auxCommitmentFromMessage({
      auxWorkId: 7n,
      treeSize: tree.size,
      merkleNonce: tree.merkleNonce,
      merkleRoot: Buffer.from(tree.root.toString(16).padStart(64, '0'), 'hex'),
      chains: chains.map((c) => ({
        chainId: c.chainId,
        hash: u256ToLE(c.hash),
        target: u256ToLE(auxTarget),
        url: '',
        slot: tree.slots.get(c.chainId)!,
        template: undefined,
      })),
    }),
  );
  await new Promise((r) => setImmediate(r));
  assert.equal(events.length, 1);
  const job = s.getJobTemplate(key);
  assert.equal(job.auxTarget, auxTarget);
  // Pseudoshares at least as easy as the aux target (the reference's rule), within the coin's sane range.
  assert.equal(job.pseudoshareTarget, net.PARENT.SANE_TARGET_RANGE[1]);
  const nonce8 = Buffer.alloc(8, 3);
  const { coinbase, header, pow } = solveJob(net, job, nonce8, auxTarget);
  const script = decodeTx(coinbase).inputs[0]!.script;
  const height = pushInteger(work.height);
  assert.deepEqual(script.subarray(0, height.length), height);
  assert.deepEqual(
    script.subarray(height.length, height.length + 45),
    pushData(encodeMergedMiningData({ root: tree.root, treeSize: tree.size, merkleNonce: tree.merkleNonce })),
  );
  // A header meeting the aux target goes to the aux service.
  const sent: AuxSolution[] = [];
  const sink = new CoreShareSink({
    submitBlock: () => undefined,
    submitShare: () => undefined,
    submitAux: (req) => {
      sent.push(req);
    },
  });
  sink.submitAux({
    template: job,
    header,
    coinbase,
    coinbaseNonce: nonce8,
    powHash: pow,
    isBlock: false,
    isShare: false,
    isAux: true,
    doa: false,
    username: 'u',
    payoutAddress: null,
    worker: '',
    receivedAt: Date.now(),
  });
  assert.equal(sent.length, 1);
  assert.equal(sent[0]!.auxWorkId, 7n);
  for (const c of chains) {
    checkAuxPow(
      buildAuxPow({
        coinbaseTx: decodeTx(sent[0]!.coinbase),
        parentHeader: decodeHeader(sent[0]!.parentHeader),
        parentBlockHash: 0n,
        coinbaseBranch: sent[0]!.coinbaseBranch.map((b) => u256FromLE(b)),
        chainBranch: tree.branches.get(c.chainId)!,
        chainIndex: tree.slots.get(c.chainId)!,
      }),
      c.hash,
      c.chainId,
    );
  }
  // Aux work withdrawn: the commitment leaves the coinbase.
  s.setAuxWork(null);
  assert.equal(s.getJobTemplate(key).coinb1.toString('hex'), plain.coinb1.toString('hex'));
});

test('V36 path: the merged-mining commitment is in the coinbase and a Dogecoin address in the username becomes merged_addresses of the share', async () => {
  const net = easyNetwork({ chainLength: 150, lookbehind: 20, pow: 'scrypt', lineage: 'V36', version: 36 });
  const { tracker, shares } = buildChain(net, { count: 200, version: 36, desiredVersion: 36 });
  const best = shares.at(-1)!.hash;
  const work = syntheticWork({ count: 10, bits: BITS, curtime: NOW });
  const s = source(net);
  s.setWork(work);
  s.setBasis(basisOf(net, tracker, best));
  const tree = buildAuxTree([{ chainId: DOGE_CHAIN_ID, hash: 0xd06en }]);
  s.setAuxWork({
    auxWorkId: 1n,
    mmData: encodeMergedMiningData({ root: tree.root, treeSize: tree.size, merkleNonce: tree.merkleNonce }),
    target: 1n << 255n,
    mergedTemplate: null,
  });
  const dogeVersion = { main: 0x1e, test: 0x71, regtest: 0x6f }[net.PARENT.CHAIN];
  const dogeHash = Buffer.alloc(20, 0x42);
  const dogeAddress = pubkeyHashToAddress(dogeHash, dogeVersion);
  const payoutAddress = testAddresses(net, 2)[1]!;
  const job = s.getJobTemplate({ payoutAddress, desiredShareTarget: null, mergedAddress: dogeAddress });
  const g = payload(job).regenerate();
  assert.deepEqual(g.shareInfo.mergedAddresses, [
    { chainId: DOGE_CHAIN_ID, script: Buffer.concat([Buffer.from('76a914', 'hex'), dogeHash, Buffer.from('88ac', 'hex')]) },
  ]);
  assert.notEqual(g.shareInfo.mergedPayoutHash ?? null, null);
  assert.ok(findMergedMiningData(g.shareInfo.shareData.coinbase));
  // Not a Dogecoin address (a Litecoin one): left out, as the reference does.
  assert.equal(
    payload(s.getJobTemplate({ payoutAddress, desiredShareTarget: null, mergedAddress: payoutAddress })).regenerate().shareInfo
      .mergedAddresses ?? null,
    null,
  );
  // Solve it: the share carries them on the wire and passes check() as a full node runs it.
  const nonce8 = Buffer.alloc(8, 9);
  const { header } = solveJob(net, job, nonce8, job.shareTarget);
  const share = payload(job).regenerate().getShare(decodeHeader(header), nonce8.readBigUInt64LE(0));
  const parsed = parseWrappedShare(net, share.pack());
  assert.deepEqual(parsed.contents.shareInfo.mergedAddresses, g.shareInfo.mergedAddresses);
  assert.deepEqual(findMergedMiningData(parsed.contents.shareInfo.shareData.coinbase), { root: tree.root, treeSize: 1, merkleNonce: 0 });
  tracker.add(parsed);
  checkShare(tracker, parsed, { now: NOW });
  // A v35 job ignores the merged address (no such field before V36).
  const v35 = chain();
  const s35 = source(v35.net);
  s35.setWork(work);
  s35.setBasis(basisOf(v35.net, v35.tracker, v35.best));
  assert.equal(
    payload(
      s35.getJobTemplate({ payoutAddress: testAddresses(v35.net, 2)[1]!, desiredShareTarget: null, mergedAddress: dogeAddress }),
    ).regenerate().shareInfo.mergedAddresses ?? null,
    null,
  );
});

test('V36 with a Dogecoin template: the canonical merged block (merged_coinbase_info, the commitment to its hash) passes V36 merged verification, and its proof goes with the aux solution', () => {
  const net = easyNetwork({ chainLength: 150, lookbehind: 20, pow: 'scrypt', lineage: 'V36', version: 36 });
  const { tracker, shares } = buildChain(net, { count: 200, version: 36, desiredVersion: 36 });
  const best = shares.at(-1)!.hash;
  const basis = basisOf(net, tracker, best);
  assert.ok(basis.mergedWeights && basis.mergedWeights.total > 0n);
  const s = source(net);
  s.setWork(syntheticWork({ count: 10, bits: BITS, curtime: NOW }));
  s.setBasis(basis);
  const txids = [hash256(Buffer.from('doge tx 1')), hash256(Buffer.from('doge tx 2'))];
  s.setAuxWork(
    auxCommitmentFromMessage({
      auxWorkId: 3n,
      treeSize: 1,
      merkleNonce: 0,
      merkleRoot: Buffer.alloc(32, 1),
      chains: [
        {
          chainId: DOGE_CHAIN_ID,
          hash: Buffer.alloc(32, 1),
          target: u256ToLE(1n << 250n),
          url: 'doge',
          slot: 0,
          template: {
            version: 0x620004,
            previousBlock: u256ToLE(77n),
            curtime: NOW,
            bits: 0x1e0fffff,
            height: 5_000_000n,
            coinbaseValue: 10_000n * 100_000_000n,
            txids: txids.map((t) => u256ToLE(t)),
          },
        },
      ],
    }),
  );
  const job = s.getJobTemplate({ payoutAddress: testAddresses(net, 2)[1]!, desiredShareTarget: null });
  const g = payload(job).regenerate();
  const info = g.shareInfo.mergedCoinbaseInfo!;
  assert.equal(info.length, 1);
  const header = decodeHeader(info[0]!.blockHeader);
  assert.deepEqual(
    [header.version, header.previousBlock, header.timestamp, header.bits, header.nonce],
    [0x620104, 77n, NOW, 0x1e0fffff, 0],
  );
  const mm = findMergedMiningData(g.shareInfo.shareData.coinbase)!;
  assert.deepEqual([mm.root, mm.treeSize], [hash256(info[0]!.blockHeader), 1]);
  // What every V36 node checks of a share's merged commitment (spec p2pool-v36 §8.6), on the full tracker.
  verifyMergedCoinbaseCommitment({
    tracker,
    lookup: tracker.mergedLookup,
    realChainLength: net.REAL_CHAIN_LENGTH,
    previousShareHash: best,
    coinbase: g.shareInfo.shareData.coinbase,
    entries: info,
  });
  // A tampered header fails it.
  const bad = Buffer.from(info[0]!.blockHeader);
  bad[68]! ^= 1;
  assert.throws(() =>
    verifyMergedCoinbaseCommitment({
      tracker,
      lookup: tracker.mergedLookup,
      realChainLength: net.REAL_CHAIN_LENGTH,
      previousShareHash: best,
      coinbase: g.shareInfo.shareData.coinbase,
      entries: [{ ...info[0]!, blockHeader: bad }],
    }),
  );
  // The solution hands the aux service this block (header and canonical coinbase) to submit.
  assert.deepEqual(
    payload(job).mergedBlocks.map((b) => [b.chainId, b.header.toString('hex')]),
    [[DOGE_CHAIN_ID, info[0]!.blockHeader.toString('hex')]],
  );
  const cb = decodeTx(payload(job).mergedBlocks[0]!.coinbase);
  assert.equal(checkMerkleLink(txid(cb), info[0]!.coinbaseMerkleBranch, 0), header.merkleRoot);
  // The solved share passes check(), merged commitment verification included (the chain is deep enough).
  const { header: parentHeader } = solveJob(net, job, Buffer.alloc(8, 5), job.shareTarget);
  const share = parseWrappedShare(net, g.getShare(decodeHeader(parentHeader), Buffer.alloc(8, 5).readBigUInt64LE(0)).pack());
  tracker.add(share);
  checkShare(tracker, share, { now: NOW });
  // A v35 share on the same template ignores it (no merged_coinbase_info before V36).
  const v35 = chain();
  const s35 = source(v35.net);
  s35.setWork(syntheticWork({ count: 10, bits: BITS, curtime: NOW }));
  s35.setBasis(basisOf(v35.net, v35.tracker, v35.best));
  s35.setAuxWork(s.currentAux);
  assert.equal(
    payload(s35.getJobTemplate({ payoutAddress: testAddresses(v35.net, 2)[1]!, desiredShareTarget: null })).mergedBlocks.length,
    0,
  );
});

// Issue 12.14: "blocks" are the blocks a full node accepted, not every block solution handed over.
test('sink: blocksAccepted counts only the submissions a node accepted', async () => {
  const { net, tracker, best } = chain();
  const s = source(net);
  s.setWork(syntheticWork({ count: 2, bits: BITS, curtime: NOW }));
  s.setBasis(basisOf(net, tracker, best));
  const job = s.getJobTemplate({ payoutAddress: testAddresses(net, 2)[1]!, desiredShareTarget: null });
  const answers = [{ accepted: true }, { accepted: false }, { accepted: true }];
  const sink = new CoreShareSink({ submitBlock: async () => answers.shift(), submitShare: () => undefined });
  for (let i = 0; i < 3; i++) {
    const nonce8 = Buffer.from(`01020304050607${i.toString(16).padStart(2, '0')}`, 'hex');
    const { coinbase, header, pow } = solveJob(net, job, nonce8, job.shareTarget);
    sink.submitBlock({
      template: job,
      header,
      coinbase,
      coinbaseNonce: nonce8,
      powHash: pow,
      isBlock: true,
      isShare: true,
      isAux: false,
      doa: false,
      username: 'u',
      payoutAddress: null,
      worker: '',
      receivedAt: Date.now(),
    });
  }
  await new Promise((r) => setImmediate(r));
  assert.equal(sink.counters.blocks, 3, 'three solutions handed over');
  assert.equal(sink.counters.blocksAccepted, 2, 'two accepted by the node');
});

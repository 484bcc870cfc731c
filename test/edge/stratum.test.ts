// The stratum protocol on real sockets, driven by the independent test client.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StratumTestClient } from './stratum-client.ts';
import { ADDRESS, V35_0, basis, startEdge, until } from './harness.ts';

const EASY = 2 ** -28; // p(hash meets) = 1/16 at this difficulty

test('subscribe, authorize, set_difficulty then notify with the §11.9 encodings', async (t) => {
  const h = await startEdge({ extranoncePrefix: { value: 5, bits: 4 } });
  t.after(() => h.stop());
  const c = await StratumTestClient.connect(h.port);
  t.after(() => c.close());
  const sub = await c.subscribe();
  assert.equal(sub.error, null);
  const [subs, en1, en2size] = sub.result as [string[][], string, number];
  assert.equal(en2size, 4);
  assert.equal(en1.length, 8);
  assert.equal(parseInt(en1[0]!, 16), 5, "extranonce1 carries this edge's 4-bit prefix");
  assert.deepEqual(
    subs.map((s) => s[0]),
    ['mining.set_difficulty', 'mining.notify'],
  );
  const auth = await c.authorize(`${ADDRESS}.rig1`);
  assert.equal(auth.result, true);
  const methods = c.calls.map((x) => x.method);
  assert.deepEqual(methods, ['mining.set_difficulty', 'mining.notify']);
  const job = c.job!;
  assert.equal(job.prevhash, V35_0.notify.prevhash);
  assert.equal(job.coinb1, V35_0.stratum_coinb1);
  assert.equal(job.coinb2, '00000000');
  assert.equal(job.version, '20000000');
  assert.equal(job.nbits, '1f6d3a06');
  assert.equal(job.ntime, '5f5e1011');
  assert.equal(job.clean, true);
  assert.equal(job.branch.length, 2);
});

test('mining.submit: accepted, duplicate, low difficulty, unknown job, bad extranonce2, ntime, nonce', async (t) => {
  const h = await startEdge();
  t.after(() => h.stop());
  const c = await StratumTestClient.connect(h.port);
  t.after(() => c.close());
  await c.subscribe();
  const user = `${ADDRESS}.w1+${EASY}`; // fixed pseudoshare difficulty: no vardiff movement mid-test
  await c.authorize(user);
  assert.ok(Math.abs(c.difficulty / EASY - 1) < 1e-9);
  const good = c.solve({ extranonce2: '00000001', worker: user });
  assert.deepEqual((await c.submit(good)).result, true);
  const dup = await c.submit(good);
  assert.equal(dup.error?.code, 22);
  // Stratum v1's array form, the only one cpuminer/cgminer/bfgminer display (issue 12.4).
  assert.ok(Array.isArray(dup.wireError), `error on the wire: ${JSON.stringify(dup.wireError)}`);
  assert.deepEqual(dup.wireError, [22, dup.error!.message, null]);
  const low = c.solve({ extranonce2: '00000002', want: false, worker: user });
  assert.equal((await c.submit(low)).error?.code, 23);
  assert.equal((await c.submit([user, 'nope', '00000003', c.job!.ntime, '00000000'])).error?.code, 21);
  const shortEn2 = await c.submit([user, c.job!.jobId, '000003', c.job!.ntime, '00000000']);
  assert.equal(shortEn2.error?.code, 20);
  assert.match(shortEn2.error!.message, /extranonce2/);
  const early = await c.submit([user, c.job!.jobId, '00000004', '5f5e1010', '00000000']);
  assert.match(early.error!.message, /ntime/);
  const late = await c.submit([user, c.job!.jobId, '00000004', (Math.floor(Date.now() / 1000) + 3 * 3600).toString(16), '00000000']);
  assert.match(late.error!.message, /ntime/);
  const badNonce = await c.submit([user, c.job!.jobId, '00000004', c.job!.ntime, 'xyz']);
  assert.equal(badNonce.error?.code, 20);
  const renamed = c.solve({ extranonce2: '00000005', worker: 'name-it-never-authorized' });
  assert.equal((await c.submit(renamed)).result, true, "counted for the connection's identity");
  const snap = h.edge.snapshot();
  assert.equal(snap.counters.accepted, 2);
  assert.equal(snap.workers[`${ADDRESS}.w1`]!.accepted, 2);
  assert.equal(snap.workers[`${ADDRESS}.w1`]!.rejected, 7);
  assert.ok(snap.workers[`${ADDRESS}.w1`]!.hashrate > 0);
  assert.ok(snap.miners[ADDRESS]!.lastShareTime! > 0);
});

test('share and block solutions reach the ShareSink, block first, with the header the client hashed', async (t) => {
  const h = await startEdge();
  t.after(() => h.stop());
  const c = await StratumTestClient.connect(h.port);
  t.after(() => c.close());
  await c.subscribe();
  const user = `${ADDRESS}+${EASY}`;
  await c.authorize(user);
  // Find a block solution (p = 1/1024): target 2^246 = difficulty (0xffff·2^208)/2^246.
  const blockDiff = 0xffff / 2 ** 38;
  const p = c.solve({ extranonce2: 'aabbccdd', difficulty: blockDiff * 1.0001, worker: user });
  assert.equal((await c.submit(p)).result, true);
  await until(() => h.sink.events.length >= 2);
  assert.deepEqual(
    h.sink.events.map((e) => e.kind),
    ['block', 'share'],
  );
  const sol = h.sink.events[0]!.solution;
  const expectHeader = c.header(c.job!, 'aabbccdd', p[3] as string, parseInt(p[4] as string, 16));
  assert.equal(sol.header.toString('hex'), expectHeader.toString('hex'));
  assert.equal(sol.coinbase.toString('hex'), c.job!.coinb1 + c.extranonce1 + 'aabbccdd' + c.job!.coinb2);
  assert.equal(sol.coinbaseNonce.toString('hex'), c.extranonce1 + 'aabbccdd');
  assert.equal(sol.payoutAddress, ADDRESS);
  assert.equal(sol.isBlock, true);
  assert.equal(sol.doa, false);
  assert.equal(sol.powHash, StratumTestClient.hashValue(expectHeader));
  assert.equal(h.edge.snapshot().miners[ADDRESS]!.blocks, 1);
});

test('new work: notify to every connection; old-block jobs answer stale; same-block old work is DOA', async (t) => {
  const h = await startEdge();
  t.after(() => h.stop());
  const clients = await Promise.all([0, 1, 2].map(() => StratumTestClient.connect(h.port)));
  t.after(() => Promise.all(clients.map((c) => c.close())));
  const user = `${ADDRESS}+${EASY}`;
  for (const c of clients) {
    await c.subscribe();
    await c.authorize(user);
  }
  const c = clients[0]!;
  const firstJob = c.job!;
  const solvedOld = c.solve({ extranonce2: '00000010', worker: user, job: firstJob });
  // New best share, same block: old work still valid for the block, so a solution is DOA.
  const waits = clients.map((x) => x.nextCall('mining.notify'));
  h.work.publish(basis({ coinb1: Buffer.concat([basis().coinb1, Buffer.from('01', 'hex')]) }));
  await Promise.all(waits);
  assert.ok(clients.every((x) => x.job!.jobId !== firstJob.jobId));
  assert.equal(new Set(clients.map((x) => x.job!.jobId)).size, 1, 'one job shared by the group');
  assert.equal((await c.submit(solvedOld)).result, true);
  assert.equal(h.edge.snapshot().counters.doa, 1);
  // New block: every older job is stale.
  const solvedSecond = c.solve({ extranonce2: '00000011', worker: user });
  const w2 = c.nextCall('mining.notify');
  h.work.publish(basis({ prevHash: Buffer.alloc(32, 7) }));
  await w2;
  const stale = await c.submit(solvedSecond);
  assert.equal(stale.error?.code, 21);
  assert.match(stale.error!.message, /[Ss]tale/);
  assert.equal(h.edge.snapshot().counters.stale, 1);
  const fresh = c.solve({ extranonce2: '00000012', worker: user });
  assert.equal((await c.submit(fresh)).result, true);
});

test('mining.configure grants version rolling within 0x1fffe000; bits outside the mask are rejected', async (t) => {
  const h = await startEdge();
  t.after(() => h.stop());
  const c = await StratumTestClient.connect(h.port);
  t.after(() => c.close());
  const conf = await c.request('mining.configure', [
    ['version-rolling', 'minimum-difficulty', 'x-unknown'],
    { 'version-rolling.mask': '1fffffff', 'version-rolling.min-bit-count': 2, 'minimum-difficulty.value': 1 },
  ]);
  assert.deepEqual(conf.result, {
    'version-rolling': true,
    'version-rolling.mask': '1fffe000',
    'minimum-difficulty': true,
    'x-unknown': false,
  });
  await c.subscribe();
  const user = `${ADDRESS}+${EASY}`;
  await c.authorize(user);
  const rolled = c.solve({ extranonce2: '00000001', versionBits: '00ffe000', worker: user });
  assert.equal((await c.submit(rolled)).result, true);
  const outside = await c.submit([user, c.job!.jobId, '00000002', c.job!.ntime, '00000000', '20000000']);
  assert.equal(outside.error?.code, 20);
  assert.match(outside.error!.message, /version/);
});

test('username conventions: invalid address is a clear authorize error; /SHAREDIFF reaches the WorkSource; other names pay the node', async (t) => {
  const h = await startEdge();
  h.work.recordRequests = true;
  t.after(() => h.stop());
  const c = await StratumTestClient.connect(h.port);
  t.after(() => c.close());
  await c.subscribe();
  const bad = await c.request('mining.authorize', ['1KUCp7YP5FP8ViRxhfszSUJCTAajK6viGz.rig', 'x']);
  assert.equal(bad.error?.code, 24);
  assert.match(bad.error!.message, /not a valid bitcoin address/);
  await c.authorize(`${ADDRESS}_rig2/0.0001`);
  const req = h.work.requests.at(-1)!;
  assert.equal(req.payoutAddress, ADDRESS);
  assert.ok(req.desiredShareTarget !== null && req.desiredShareTarget > 0n);
  const c2 = await StratumTestClient.connect(h.port);
  t.after(() => c2.close());
  await c2.subscribe();
  assert.equal((await c2.authorize('rig7')).result, true);
  assert.equal(h.work.requests.at(-1)!.payoutAddress, null);
});

test('suggest_difficulty, extranonce.subscribe, client.get_version; unknown methods get -32601 and the session lives on', async (t) => {
  const h = await startEdge();
  t.after(() => h.stop());
  const c = await StratumTestClient.connect(h.port);
  t.after(() => c.close());
  assert.equal((await c.request('mining.suggest_difficulty', [2 ** -26])).result, true);
  assert.equal((await c.request('mining.extranonce.subscribe', [])).result, true);
  assert.equal((await c.request('client.get_version', [])).result, 'p2pool-ts/0.1.0');
  const unk = await c.request('mining.get_transactions', ['1']);
  assert.equal(unk.error?.code, -32601);
  await c.subscribe();
  await c.authorize(ADDRESS);
  assert.ok(Math.abs(c.difficulty / 2 ** -26 - 1) < 1e-9, 'suggested difficulty is the starting point');
  const again = c.nextCall('mining.set_difficulty');
  assert.equal((await c.request('mining.suggest_difficulty', [2 ** -27])).result, true);
  assert.ok(Math.abs(Number((await again).params[0]) / 2 ** -27 - 1) < 1e-9);
});

test('subscribe resumes a released extranonce1 on the same edge', async (t) => {
  const h = await startEdge();
  t.after(() => h.stop());
  const a = await StratumTestClient.connect(h.port);
  await a.subscribe();
  const en1 = a.extranonce1;
  await a.close();
  await until(() => h.edge.stratumConnections === 0);
  const b = await StratumTestClient.connect(h.port);
  t.after(() => b.close());
  await b.subscribe('cgminer/4.10', en1);
  assert.equal(b.extranonce1, en1);
  const c = await StratumTestClient.connect(h.port);
  t.after(() => c.close());
  await c.subscribe('cgminer/4.10', en1);
  assert.notEqual(c.extranonce1, en1, 'a live extranonce1 is never handed out twice');
});

test('vardiff: a fast miner gets a harder difficulty, and pre-retarget shares are accepted during grace', async (t) => {
  const h = await startEdge({ vardiffGraceMs: 60_000 });
  t.after(() => h.stop());
  const c = await StratumTestClient.connect(h.port);
  t.after(() => c.close());
  await c.subscribe();
  await c.authorize(ADDRESS);
  const d0 = c.difficulty;
  const retarget = c.nextCall('mining.set_difficulty');
  const kept: unknown[][] = [];
  for (let i = 0; i < 16; i++) {
    const p = c.solve({ extranonce2: i.toString(16).padStart(8, '0'), difficulty: d0, worker: ADDRESS });
    if (i >= 13) kept.push(p);
    else assert.equal((await c.submit(p)).result, true);
  }
  const nd = Number((await retarget).params[0]);
  assert.ok(nd > d0, `difficulty went up (${d0} -> ${nd})`);
  for (const p of kept) assert.equal((await c.submit(p)).result, true, 'old-difficulty share within grace');
});

test('no work yet: authorize succeeds and the job arrives with the first new-work event', async (t) => {
  const h = await startEdge({}, null);
  t.after(() => h.stop());
  const c = await StratumTestClient.connect(h.port);
  t.after(() => c.close());
  await c.subscribe();
  assert.equal((await c.authorize(ADDRESS, 'x', false)).result, true);
  const job = c.nextCall('mining.notify');
  h.work.publish(basis());
  await job;
  assert.ok(c.job !== null);
});

test('drain: client.reconnect to every miner, then the edge closes', async (t) => {
  const h = await startEdge({ drainGraceMs: 300, reconnectTo: { host: 'edge.example', port: 9332, waitSeconds: 0 } });
  t.after(() => h.stop());
  const c = await StratumTestClient.connect(h.port);
  await c.subscribe();
  await c.authorize(ADDRESS);
  const rc = c.nextCall('client.reconnect');
  const drained = h.edge.drain();
  assert.deepEqual((await rc).params, ['edge.example', 9332, 0]);
  const d = await drained;
  assert.deepEqual([d.connectionsBefore, d.connectionsRemaining, d.reconnectsSent], [1, 1, 1], 'this client ignored the reconnect');
  await c.closedPromise;
  assert.equal(c.closed, true);
});

test('drain with explicit target: a miner that follows client.reconnect leaves before the deadline', async (t) => {
  const h = await startEdge();
  t.after(() => h.stop());
  const c = await StratumTestClient.connect(h.port);
  await c.subscribe();
  await c.authorize(ADDRESS);
  void c.nextCall('client.reconnect').then(() => c.close());
  const r = await h.edge.drain({ reconnectHost: 'other-edge', reconnectPort: 19332, waitSeconds: 1, deadlineMs: 3000 });
  assert.deepEqual([r.connectionsBefore, r.connectionsRemaining], [1, 0]);
  assert.match(c.raw, /"client.reconnect","params":\["other-edge",19332,1\]/);
});

test('local stats in the Edge contract shape: per worker hashrate, dead hashrate, difficulty, connections, prefix', async (t) => {
  const h = await startEdge({ extranoncePrefix: { value: 5, bits: 4 } });
  t.after(() => h.stop());
  const c = await StratumTestClient.connect(h.port);
  t.after(() => c.close());
  await c.subscribe();
  const user = `${ADDRESS}.rig9+${EASY}`;
  await c.authorize(user);
  const old = c.job!;
  assert.equal((await c.submit(c.solve({ extranonce2: '00000001', worker: user }))).result, true);
  const w = c.nextCall('mining.notify');
  h.work.publish(basis({ coinb1: Buffer.concat([basis().coinb1, Buffer.from('02', 'hex')]) }));
  await w;
  assert.equal((await c.submit(c.solve({ extranonce2: '00000002', worker: user, job: old }))).result, true);
  const { toEdgeLocalStats } = await import('../../services/edge/index.ts');
  const s = toEdgeLocalStats(h.edge, 'edge-0');
  assert.equal(s.instance, 'edge-0');
  assert.equal(s.stratumConnections, 1);
  assert.deepEqual([...s.extranoncePrefix], [0x50]);
  assert.equal(s.pseudoshares, 2n);
  const m = s.miners.find((x) => x.user === `${ADDRESS}.rig9`)!;
  assert.equal(m.address, ADDRESS);
  assert.equal(m.worker, 'rig9');
  assert.equal(m.accepted, 1n);
  assert.equal(m.doa, 1n);
  assert.ok(m.hashRate > 0 && m.deadHashRate > 0 && m.deadHashRate < m.hashRate);
  assert.equal(m.connections, 1);
  assert.ok(Math.abs(m.difficulty / EASY - 1) < 1e-9);
  assert.ok(m.lastShareMs > 0n);
});

test('mining.submit before subscribe is 25, before authorize is 24', async (t) => {
  const h = await startEdge();
  t.after(() => h.stop());
  const c = await StratumTestClient.connect(h.port);
  t.after(() => c.close());
  assert.equal((await c.submit(['w', '1', '00000000', '5f5e1011', '00000000'])).error?.code, 25);
  await c.subscribe();
  assert.equal((await c.submit(['w', '1', '00000000', '5f5e1011', '00000000'])).error?.code, 24);
});

test('two edges with different prefixes serve the same job with disjoint extranonce1s', async (t) => {
  const a = await startEdge({ extranoncePrefix: { value: 1, bits: 8 } });
  const b = await startEdge({ extranoncePrefix: { value: 2, bits: 8 } });
  t.after(() => Promise.all([a.stop(), b.stop()]));
  const seen = new Map<string, number>();
  for (const [i, h] of [a, b].entries()) {
    for (let k = 0; k < 20; k++) {
      const c = await StratumTestClient.connect(h.port);
      await c.subscribe();
      assert.equal(parseInt(c.extranonce1.slice(0, 2), 16), i + 1);
      assert.ok(!seen.has(c.extranonce1));
      seen.set(c.extranonce1, i);
      await c.close();
    }
  }
});

test("the reference session's miner lines, verbatim, get the same shape of answers", async (t) => {
  // The two client lines of test/fixtures/reference-stratum-session.txt (a testnet address).
  const h = await startEdge({ coin: 'bitcoin_regtest' });
  t.after(() => h.stop());
  const c = await StratumTestClient.connect(h.port);
  t.after(() => c.close());
  const notified = c.nextCall('mining.notify');
  c.writeRaw('{"id": 1, "method": "mining.subscribe", "params": ["sample/1.0"]}\n');
  c.writeRaw('{"id": 2, "method": "mining.authorize", "params": ["mzKtVjNP1Si2pqmGRxYgyZJ4AT7QVXydtK", "x"]}\n');
  const notify = await notified;
  await until(() => c.replies.length >= 2);
  const [sub, auth] = c.replies;
  assert.equal(sub!.id, 1);
  const [, en1, size] = sub!.result as [unknown, string, number];
  assert.match(en1, /^[0-9a-f]{8}$/);
  assert.equal(size, 4, "extranonce1 (4) + extranonce2 (4) = the reference's 8-byte coinbase nonce");
  assert.deepEqual(auth, { id: 2, result: true, error: null });
  assert.equal(c.calls[0]!.method, 'mining.set_difficulty');
  assert.equal(notify.params.length, 9);
  assert.equal(notify.params[8], true);
  assert.equal(h.edge.snapshot().miners.mzKtVjNP1Si2pqmGRxYgyZJ4AT7QVXydtK !== undefined, true);
});

// getwork over HTTP JSON-RPC with long polling, and HTTP GET forwarded to the web handler,
// all on the same worker port as stratum.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ADDRESS, V35_0, basis, startEdge, until } from './harness.ts';
import { spawnSync } from 'node:child_process';
import { dataFor, getworkCall, headerOf, httpCall, libcurlRequestBytes, mine, rawHttpCall } from './getwork-client.ts';
import { toEdgeLocalStats } from '../../services/edge/local-stats.ts';
import { StratumTestClient } from './stratum-client.ts';

const EASY_USER = `${ADDRESS}.gw+${2 ** -28}`;

test('getwork returns data/hash1/target/midstate and the reference headers', async (t) => {
  const h = await startEdge();
  t.after(() => h.stop());
  const r = await getworkCall(h.port, [], EASY_USER);
  assert.equal(r.status, 200);
  assert.equal(r.headers['x-long-polling'], '/long-polling');
  assert.equal(r.headers['x-roll-ntime'], 'expire=100');
  assert.equal(r.headers['x-is-p2pool'], 'true');
  assert.equal(r.headers['x-stratum'], `stratum+tcp://127.0.0.1:${h.port}`);
  const { result, error } = JSON.parse(r.body);
  assert.equal(error, null);
  assert.equal(result.hash1, V35_0.getwork.hash1);
  assert.equal(result.data.length, 256);
  assert.equal(result.data.slice(160), V35_0.getwork.data.slice(160), 'SHA-256 padding');
  const header = headerOf(result.data);
  assert.equal(header.subarray(4, 36).toString('hex'), Buffer.from(V35_0.block.previous_block, 'hex').reverse().toString('hex'));
  assert.equal(header.readUInt32LE(72), 0x1f6d3a06);
  assert.equal(header.readUInt32LE(76), 0);
  assert.equal(result.midstate.length, 64);
  assert.equal(typeof result.identifier, 'string');
  assert.equal(result.submitold, true);
  const pic = await httpCall(h.port, {
    method: 'POST',
    path: '/',
    body: '{"id":1,"method":"getwork","params":[]}',
    headers: { 'User-Agent': 'Jephis PIC Miner' },
  });
  assert.equal('identifier' in JSON.parse(pic.body).result, false);
});

test('getwork submit: a solution is accepted once; low difficulty, unknown work and garbage are false', async (t) => {
  const h = await startEdge();
  t.after(() => h.stop());
  const { result: work } = JSON.parse((await getworkCall(h.port, [], EASY_USER)).body);
  const solved = mine(work.data, work.target);
  const ok = JSON.parse((await getworkCall(h.port, [dataFor(solved, work.data)], EASY_USER)).body);
  assert.equal(ok.result, true);
  assert.equal(JSON.parse((await getworkCall(h.port, [dataFor(solved, work.data)], EASY_USER)).body).result, false, 'duplicate');
  const low = mine(work.data, work.target, false);
  assert.equal(JSON.parse((await getworkCall(h.port, [dataFor(low, work.data)], EASY_USER)).body).result, false);
  const foreign = Buffer.from(solved);
  foreign[40]! ^= 1; // a merkle root we never issued
  assert.equal(JSON.parse((await getworkCall(h.port, [dataFor(foreign, work.data)], EASY_USER)).body).result, false);
  assert.equal(JSON.parse((await getworkCall(h.port, ['zz'], EASY_USER)).body).result, false);
  const snap = h.edge.snapshot();
  assert.equal(snap.workers[`${ADDRESS}.gw`]!.accepted, 1);
  assert.equal(snap.workers[`${ADDRESS}.gw`]!.rejected, 4);
});

test('getwork block solution reaches the ShareSink with coinbase nonce = extranonce1 || zero extranonce2', async (t) => {
  const h = await startEdge();
  t.after(() => h.stop());
  const { result: work } = JSON.parse((await getworkCall(h.port, [], EASY_USER)).body);
  const blockTargetLE = Buffer.from((1n << 246n).toString(16).padStart(64, '0'), 'hex')
    .reverse()
    .toString('hex');
  const solved = mine(work.data, blockTargetLE);
  assert.equal(JSON.parse((await getworkCall(h.port, [dataFor(solved, work.data)], EASY_USER)).body).result, true);
  await until(() => h.sink.events.length >= 2);
  assert.deepEqual(
    h.sink.events.map((e) => e.kind),
    ['block', 'share'],
  );
  const sol = h.sink.events[0]!.solution;
  assert.deepEqual(sol.header, solved);
  assert.equal(sol.coinbaseNonce.subarray(4).toString('hex'), '00000000');
  assert.equal(sol.payoutAddress, ADDRESS);
});

test('long polling: waits for the next new-work event, answers at once if one was missed', async (t) => {
  const h = await startEdge();
  t.after(() => h.stop());
  let answered = false;
  const poll = getworkCall(h.port, [], EASY_USER, '/long-polling').then((r) => {
    answered = true;
    return r;
  });
  await until(() => h.edge.snapshot().longPollsWaiting === 1);
  assert.equal(answered, false, 'parked until new work');
  h.work.publish(basis({ prevHash: Buffer.alloc(32, 9) }));
  const r = JSON.parse((await poll).body);
  assert.equal(headerOf(r.result.data).subarray(4, 36).toString('hex'), '09'.repeat(32));
  // A new-work event while this client is not polling: its next poll returns immediately.
  h.work.publish(basis({ prevHash: Buffer.alloc(32, 10) }));
  const again = JSON.parse((await getworkCall(h.port, [], EASY_USER, '/long-polling')).body);
  assert.equal(headerOf(again.result.data).subarray(4, 36).toString('hex'), '0a'.repeat(32));
  // GET /long-polling works like a POST getwork.
  const get = httpCall(h.port, { method: 'GET', path: '/long-polling', user: EASY_USER });
  await until(() => h.edge.snapshot().longPollsWaiting === 1);
  h.work.publish(basis({ prevHash: Buffer.alloc(32, 11) }));
  assert.equal(
    headerOf(JSON.parse((await get).body).result.data)
      .subarray(4, 36)
      .toString('hex'),
    '0b'.repeat(32),
  );
});

test('HTTP GET goes to the web handler; getwork errors are JSON-RPC errors; stratum shares the port', async (t) => {
  const h = await startEdge();
  t.after(() => h.stop());
  const web = await httpCall(h.port, { method: 'GET', path: '/local_stats' });
  assert.deepEqual(JSON.parse(web.body), { web: '/local_stats' });
  const bad = JSON.parse((await getworkCall(h.port, [], '1KUCp7YP5FP8ViRxhfszSUJCTAajK6viGz')).body);
  assert.equal(bad.error.code, 24);
  const other = JSON.parse(
    (await httpCall(h.port, { method: 'POST', path: '/', body: '{"id":5,"method":"getblocktemplate","params":[]}' })).body,
  );
  assert.equal(other.error.code, -32601);
  const parse = JSON.parse((await httpCall(h.port, { method: 'POST', path: '/', body: '{"id":' })).body);
  assert.equal(parse.error.code, -32700);
  const c = await StratumTestClient.connect(h.port);
  t.after(() => c.close());
  await c.subscribe();
  assert.equal((await c.authorize(ADDRESS)).result, true);
});

test('no work: getwork answers error -12345', async (t) => {
  const h = await startEdge({}, null);
  t.after(() => h.stop());
  const r = JSON.parse((await getworkCall(h.port, [], EASY_USER)).body);
  assert.equal(r.error.code, -12345);
  assert.match(r.error.message, /downloading shares/);
});

// Issue 12.3: stock cpuminer (libcurl) sends `Transfer-Encoding: chunked` and `Content-Length`
// together; the worker port must take exactly those bytes, for getwork and for its submit.
test('getwork with libcurl/cpuminer bytes (chunked AND Content-Length) is served and its submit judged', async (t) => {
  const h = await startEdge();
  t.after(() => h.stop());
  const r = await rawHttpCall(h.port, libcurlRequestBytes('{"method": "getwork", "params": [], "id":0}', EASY_USER, h.port));
  assert.equal(r.status, 200, r.body);
  const { result: work, error } = JSON.parse(r.body);
  assert.equal(error, null);
  assert.equal(work.data.length, 256);
  const solved = mine(work.data, work.target);
  const submit = JSON.stringify({ method: 'getwork', params: [dataFor(solved, work.data)], id: 1 });
  const ok = await rawHttpCall(h.port, libcurlRequestBytes(submit, EASY_USER, h.port));
  assert.equal(ok.status, 200);
  assert.equal(JSON.parse(ok.body).result, true);
  assert.equal(ok.headers['x-reject-reason'], undefined);
  // The same submit again: false, with the reason in X-Reject-Reason as getwork miners log it.
  const dup = await rawHttpCall(h.port, libcurlRequestBytes(submit, EASY_USER, h.port));
  assert.equal(JSON.parse(dup.body).result, false);
  assert.equal(dup.headers['x-reject-reason'], 'duplicate');
  // curl as the operator's repro sends it, when curl is installed.
  const curl = spawnSync(
    'curl',
    [
      '-s',
      '-u',
      `${EASY_USER}:x`,
      '-H',
      'Transfer-Encoding: chunked',
      '-H',
      'Content-Length: 45',
      '--data-binary',
      '{"method": "getwork", "params": [], "id":0}',
      `http://127.0.0.1:${h.port}/`,
    ],
    { encoding: 'utf8', timeout: 10_000 },
  );
  if (curl.error === undefined) assert.equal(JSON.parse(curl.stdout).result.data.length, 256, curl.stdout);
});

test('getwork rejects say why in X-Reject-Reason', async (t) => {
  const h = await startEdge();
  t.after(() => h.stop());
  const { result: work } = JSON.parse((await getworkCall(h.port, [], EASY_USER)).body);
  const low = mine(work.data, work.target, false);
  assert.equal((await getworkCall(h.port, [dataFor(low, work.data)], EASY_USER)).headers['x-reject-reason'], 'high-hash');
  const foreign = mine(work.data, work.target);
  foreign[40]! ^= 1;
  assert.equal((await getworkCall(h.port, [dataFor(foreign, work.data)], EASY_USER)).headers['x-reject-reason'], 'unknown-work');
  assert.equal((await getworkCall(h.port, ['zz'], EASY_USER)).headers['x-reject-reason'], 'invalid-data');
});

test("getwork follows the stratum pseudoshare policy: vardiff makes a fast miner's target harder; clients are counted as clients", async (t) => {
  const h = await startEdge({ initialDifficulty: 2 ** -24, shareRateSeconds: 30 });
  t.after(() => h.stop());
  const user = `${ADDRESS}.vd`; // no +PSEUDODIFF: vardiff applies
  const first = JSON.parse((await getworkCall(h.port, [], user)).body).result;
  const firstTarget = BigInt('0x' + Buffer.from(first.target, 'hex').reverse().toString('hex'));
  for (let i = 0; i < 14; i++) {
    const { result: w } = JSON.parse((await getworkCall(h.port, [], user)).body);
    const solved = mine(w.data, w.target);
    assert.equal(JSON.parse((await getworkCall(h.port, [dataFor(solved, w.data)], user)).body).result, true);
  }
  const later = JSON.parse((await getworkCall(h.port, [], user)).body).result;
  const laterTarget = BigInt('0x' + Buffer.from(later.target, 'hex').reverse().toString('hex'));
  assert.ok(laterTarget < firstTarget, `target ${laterTarget.toString(16)} not harder than ${firstTarget.toString(16)}`);
  // 30 work units went out to one miner: one getwork client, not 30.
  assert.equal(toEdgeLocalStats(h.edge, 'e').getworkClients, 1);
});

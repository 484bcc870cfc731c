// Bad input on real sockets: each case is answered or dropped cleanly, and a well-behaved
// miner on the same edge keeps being served throughout.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { StratumTestClient } from './stratum-client.ts';
import { ADDRESS, startEdge, until } from './harness.ts';
import type { Harness } from './harness.ts';

const FAST = { handshakeTimeoutMs: 400, partialLineTimeoutMs: 400, idleTimeoutMs: 1500, sweepIntervalMs: 50 };

function rawSocket(port: number): Promise<Socket> {
  return new Promise((res, rej) => {
    // Flowing, so that EOF is observed even when we ignore what the edge sends.
    const s = connect({ port, host: '127.0.0.1' }, () => {
      s.resume();
      res(s);
    });
    s.once('error', rej);
  });
}

function closed(s: Socket): Promise<void> {
  return new Promise((res) => {
    if (s.destroyed) res();
    else s.once('close', () => res());
  });
}

async function healthyMiner(h: Harness, t: { after(fn: () => unknown): void }): Promise<StratumTestClient> {
  const c = await StratumTestClient.connect(h.port);
  t.after(() => c.close());
  await c.subscribe();
  await c.authorize(ADDRESS);
  return c;
}

async function stillServes(c: StratumTestClient): Promise<void> {
  const r = await c.request('client.get_version', []);
  assert.equal(r.result, 'p2pool-ts/0.1.0');
}

test('malformed JSON is answered with -32700 and the session continues; repeated garbage closes it', async (t) => {
  const h = await startEdge(FAST);
  t.after(() => h.stop());
  const good = await healthyMiner(h, t);
  const c = await StratumTestClient.connect(h.port);
  t.after(() => c.close());
  c.writeRaw('{"id":1,"method":\n');
  await until(() => c.replies.length === 1);
  assert.equal(c.replies[0]!.error?.code, -32700);
  c.writeRaw('{"id":2,"method":"mining.subscribe","params":"nope"}\n');
  await until(() => c.replies.length === 2);
  assert.equal(c.replies[1]!.error?.code, -32602);
  assert.equal((await c.request('client.get_version')).result, 'p2pool-ts/0.1.0');
  for (let i = 0; i < 10; i++) c.writeRaw('{not json at all}\n');
  await c.closedPromise;
  await stillServes(good);
});

test('a line over 16 KiB closes the connection, with or without a newline', async (t) => {
  const h = await startEdge(FAST);
  t.after(() => h.stop());
  const good = await healthyMiner(h, t);
  const a = await rawSocket(h.port);
  a.write('{"id":1,"method":"mining.subscribe","params":["' + 'x'.repeat(17 * 1024) + '"]}\n');
  await closed(a);
  const b = await rawSocket(h.port);
  b.on('error', () => {});
  b.write('{' + 'y'.repeat(20 * 1024));
  await closed(b);
  assert.ok(h.edge.snapshot().counters.droppedOversize >= 2);
  await stillServes(good);
});

test('binary garbage: after "{" it is parse errors then a close; otherwise HTTP answers 400', async (t) => {
  const h = await startEdge(FAST);
  t.after(() => h.stop());
  const good = await healthyMiner(h, t);
  const a = await rawSocket(h.port);
  a.on('error', () => {});
  const junk = Buffer.alloc(4096);
  for (let i = 0; i < junk.length; i++) junk[i] = (i * 131 + 7) & 0xff;
  a.write(Buffer.concat([Buffer.from('{'), junk, Buffer.from('\n\n\n\n\n\n\n\n\n\n')]));
  await closed(a);
  const b = await rawSocket(h.port);
  b.on('error', () => {});
  let text = '';
  b.on('data', (d) => {
    text += d.toString('latin1');
  });
  b.write(Buffer.concat([Buffer.from([0x00, 0xff, 0x13]), junk]));
  await closed(b);
  assert.match(text, /^HTTP\/1\.1 400/);
  await stillServes(good);
});

test('slow-loris: a partial line dribbled byte by byte is cut; silent sockets are cut before the handshake', async (t) => {
  const h = await startEdge(FAST);
  t.after(() => h.stop());
  const good = await healthyMiner(h, t);
  const loris = await rawSocket(h.port);
  loris.on('error', () => {});
  const msg = '{"id":1,"method":"mining.subscribe","params":[]}';
  let i = 0;
  const timer = setInterval(() => {
    if (!loris.destroyed && i < msg.length) loris.write(msg[i++]!);
  }, 40);
  t.after(() => clearInterval(timer));
  const silent = await rawSocket(h.port);
  silent.on('error', () => {});
  await Promise.all([closed(loris), closed(silent)]);
  assert.ok(i < msg.length, 'closed before the line was complete');
  await stillServes(good);
});

test('half-open and dead peers: a client FIN is followed by our close; a silent established session hits the idle timeout', async (t) => {
  const h = await startEdge(FAST);
  t.after(() => h.stop());
  const good = await healthyMiner(h, t);
  const fin = await StratumTestClient.connect(h.port);
  await fin.subscribe();
  await fin.authorize(ADDRESS);
  fin.socket.end(); // half-close: we can still read, the edge must not keep the session
  await fin.closedPromise;
  const quiet = await StratumTestClient.connect(h.port);
  await quiet.subscribe();
  await quiet.authorize(ADDRESS);
  const keepAlive = setInterval(() => {
    void good.request('client.get_version').catch(() => {});
  }, 200);
  t.after(() => clearInterval(keepAlive));
  await quiet.closedPromise;
  assert.ok(h.edge.snapshot().counters.droppedIdle >= 1);
  await until(() => h.edge.stratumConnections === 1);
  assert.equal(h.edge.stratumConnections, 1, 'only the healthy miner remains');
  assert.equal(h.edge.snapshot().extranonceLive, 1, 'extranonce1 of closed sessions released');
  await stillServes(good);
});

test('submit flood from a client that does not read: the edge stops reading it, serves others, and loses no reply', async (t) => {
  const h = await startEdge({ ...FAST, idleTimeoutMs: 60_000, writeHighWaterBytes: 32 * 1024, writeHardLimitBytes: 8 * 1024 * 1024 });
  t.after(() => h.stop());
  const good = await healthyMiner(h, t);
  const flood = await StratumTestClient.connect(h.port);
  t.after(() => flood.close());
  await flood.subscribe();
  await flood.authorize(ADDRESS);
  flood.socket.pause();
  const N = 100_000; // well past what loopback socket buffers absorb
  const lines: string[] = [];
  for (let i = 0; i < N; i++)
    lines.push(JSON.stringify({ id: 1000 + i, method: 'mining.submit', params: [ADDRESS, 'nojob', '00000000', '5f5e1011', '00000000'] }));
  flood.socket.write(lines.join('\n') + '\n');
  // The edge pauses reading that connection, and while the client reads nothing no further request is
  // handled however long we wait: a plateau, which a merely slow edge would not show.
  await until(() => h.edge.snapshot().counters.readsPaused >= 1, 30_000);
  const handled = h.edge.snapshot().counters.submits;
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(h.edge.snapshot().counters.submits, handled, 'no request read while the client does not read its replies');
  assert.ok(handled < N, `reading was paused (${handled} of ${N} handled while the client did not read)`);
  await stillServes(good);
  flood.socket.resume();
  const floodReplies = () => flood.replies.filter((r) => typeof r.id === 'number' && r.id >= 1000);
  await until(() => floodReplies().length >= N, 60_000);
  assert.equal(h.edge.snapshot().counters.submits, N, 'every submit was read and handled');
  assert.equal(floodReplies().length, N);
  assert.ok(floodReplies().every((r) => r.error?.code === 21));
  assert.equal(flood.closed, false);
});

test('a client that never reads past the hard limit is dropped', async (t) => {
  const h = await startEdge({ ...FAST, idleTimeoutMs: 60_000, writeHighWaterBytes: 4 * 1024 * 1024, writeHardLimitBytes: 64 * 1024 });
  t.after(() => h.stop());
  const good = await healthyMiner(h, t);
  const flood = await StratumTestClient.connect(h.port);
  await flood.subscribe();
  flood.socket.pause();
  // Small requests with large error replies (the unknown method name is echoed back).
  const line = JSON.stringify({ id: 1, method: 'x'.repeat(120), params: [] }) + '\n';
  const chunk = line.repeat(1000);
  for (let i = 0; i < 200 && !flood.closed; i++) {
    flood.socket.write(chunk);
    await new Promise((r) => setTimeout(r, 2));
  }
  flood.socket.resume();
  await flood.closedPromise;
  assert.ok(h.edge.snapshot().counters.droppedBackpressure >= 1);
  await stillServes(good);
});

test('fuzz: 2,000 random method/param combinations each get exactly one well-formed reply', async (t) => {
  const h = await startEdge({ ...FAST, idleTimeoutMs: 60_000, maxBadLines: 1_000_000 });
  t.after(() => h.stop());
  const c = await StratumTestClient.connect(h.port);
  t.after(() => c.close());
  await c.subscribe();
  await c.authorize(ADDRESS);
  let seed = 99;
  const r = (): number => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  const values = (): unknown => {
    const pick = Math.floor(r() * 12);
    return [null, true, -1, 1e308, 'zz', '', 'ffffffff', c.job!.jobId, c.job!.ntime, [], { a: 1 }, 'x'.repeat(300)][pick];
  };
  const methods = [
    'mining.submit',
    'mining.subscribe',
    'mining.authorize',
    'mining.configure',
    'mining.suggest_difficulty',
    'mining.extranonce.subscribe',
    'client.get_version',
    'mining.unknown',
  ];
  const N = 2000;
  for (let i = 0; i < N; i++) {
    const params = Array.from({ length: Math.floor(r() * 7) }, values);
    c.writeRaw(JSON.stringify({ id: 10_000 + i, method: methods[Math.floor(r() * methods.length)], params }) + '\n');
  }
  const mine = () => c.replies.filter((x) => typeof x.id === 'number' && x.id >= 10_000);
  await until(() => mine().length >= N, 20_000);
  const replies = mine();
  assert.equal(replies.length, N);
  assert.equal(new Set(replies.map((x) => x.id)).size, N, 'one reply per request');
  for (const x of replies) {
    assert.ok(x.error === null || (typeof x.error.code === 'number' && typeof x.error.message === 'string'));
  }
  assert.equal(c.closed, false);
  await stillServes(c);
});

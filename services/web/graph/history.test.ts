import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../runtime/log.ts';
import { DataStream, HistoryDatabase, VIEWS } from './history.ts';
import { GraphRecorder } from './recorder.ts';
import { FileGraphStore, KvGraphStore } from './store.ts';
import { InProcBus } from '../../bus/inproc.ts';
import type { Sample } from './streams.ts';

const hour = { last_hour: VIEWS.last_hour! };

test('a gauge averages its samples per bin; a rate divides the sum by the bin width', () => {
  const g = new DataStream({ gauge: true, multivalues: false }, hour);
  const r = new DataStream({ gauge: false, multivalues: false }, hour);
  // Bins of 24 s ending on multiples of 24: t = 48 is the newest bin's end.
  for (const [t, v] of [
    [25, 10],
    [30, 20],
    [40, 30],
  ] as const) {
    g.add(t, v);
    r.add(t, v * 5);
  }
  const gd = g.views.get('last_hour')!.data(48);
  const rd = r.views.get('last_hour')!.data(48);
  assert.equal(gd.length, 150);
  assert.deepEqual(gd[0], [36, 20, 24, null]);
  assert.deepEqual(rd[0], [36, (50 + 100 + 150) / 24, 24, 0]);
  // An empty bin: gauge null, rate 0.
  assert.equal(gd[1]![1], null);
  assert.equal(rd[1]![1], 0);
  // The current bin is as wide as the time elapsed in it.
  assert.deepEqual(r.views.get('last_hour')!.data(40)[0], [(24 + 40) / 2, 300 / 16, 16, 0]);
});

test('bins move with time; a sample older than the view is dropped; reading does not move the bins', () => {
  const s = new DataStream({ gauge: true, multivalues: false }, hour);
  s.add(100, 1);
  const v = s.views.get('last_hour')!;
  const end = v.lastBinEnd;
  assert.equal(
    v.data(100 + 3600 * 2).every((p) => p[1] === null),
    true,
  );
  assert.equal(v.lastBinEnd, end);
  s.add(200, 2);
  s.add(200 - 3700, 99);
  const d = v.data(200);
  assert.equal(d.filter((p) => p[1] !== null).length, 2);
  assert.deepEqual(
    d.filter((p) => p[1] !== null).map((p) => p[1]),
    [2, 1],
  );
});

test('multi-value streams: missing keys read as 0 where the stream says so; at most maxKeys per sample', () => {
  const s = new DataStream({ gauge: true, multivalues: true, undefinedMeans0: true, maxKeys: 2 }, hour);
  s.add(25, { a: 10, b: 20, c: 1 });
  s.add(26, { a: 30 });
  const [p] = s.views.get('last_hour')!.data(48);
  // Two samples: a = (10 + 30) / 2, b = 20 / 2 (absent once = 0), c dropped (smallest of three).
  assert.deepEqual(p![1], { a: 20, b: 10 });
});

test('a bin holds at most twice maxKeys however many different keys its samples bring', () => {
  const s = new DataStream({ gauge: false, multivalues: true, maxKeys: 3 }, { last_year: VIEWS.last_year! });
  for (let i = 0; i < 100; i++) s.add(1000 + i, { [`m${i}`]: i, [`n${i}`]: 1000 });
  const v = s.views.get('last_year')!;
  const bin = v.bins.find((b) => b.size > 0)!;
  assert.ok(bin.size <= 7, `bin has ${bin.size} keys`);
  // The largest totals survive.
  assert.ok([...bin.keys()].filter((k) => k.startsWith('n')).length >= 3);
});

test('the database saves as the reference graph_db layout and loads back; malformed input is ignored', () => {
  const db = new HistoryDatabase({ x: { gauge: true, multivalues: false } });
  db.streams.get('x')!.add(1000, 5);
  const obj = JSON.parse(JSON.stringify(db.toObject()));
  assert.equal(obj.x.dataviews.last_day.bins.length, 300);
  const db2 = new HistoryDatabase({ x: { gauge: true, multivalues: false } });
  db2.load(obj);
  assert.deepEqual(db2.streams.get('x')!.views.get('last_week')!.data(1100), db.streams.get('x')!.views.get('last_week')!.data(1100));
  const db3 = new HistoryDatabase({ x: { gauge: true, multivalues: false } });
  db3.load({ x: { dataviews: { last_hour: { last_bin_end: 'no', bins: 3 } } } });
  db3.load('garbage');
  assert.equal(
    db3.streams
      .get('x')!
      .views.get('last_hour')!
      .data(1000)
      .every((p) => p[1] === null),
    true,
  );
});

test('the recorder samples into the streams and keeps the history across a restart', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'p2pool-graph-'));
  const file = join(dir, 'net', 'graph_db');
  let now = 1_000_000_000;
  let total = 0;
  const sample = async (): Promise<Sample> => ({
    localHashRate: 100,
    minerHashRates: { A: 60, 'A.w2': 40 },
    minerDeadHashRates: { A: 5 },
    sharesTotal: (total += 2),
    sharesOrphan: 0,
    sharesDead: 1,
    attemptsToShare: 1000,
    staleRates: { good: 500, orphan: 10 },
    desiredVersionRates: { 35: 500 },
    currentPayout: 1.5,
    currentPayouts: { A: 1.5 },
    peers: { incoming: 1, outgoing: 2 },
    efficiency: 0.98,
    memoryUsage: 1e8,
    getworkLatency: 0.05,
    p2pBytes: { received: total * 500, sent: total * 250 },
  });
  const log = createLogger({ write: () => undefined });
  try {
    const r = new GraphRecorder({ store: new FileGraphStore(file), sample, log, now: () => now });
    for (let i = 0; i < 4; i++) {
      assert.equal(await r.sampleOnce(), true);
      now += 5_000;
    }
    await r.stop();
    assert.ok(JSON.parse(readFileSync(file, 'utf8')).local_hash_rate.dataviews.last_hour);
    const r2 = new GraphRecorder({ store: new FileGraphStore(file), sample, log, now: () => now });
    await r2.start();
    await r2.stop();
    const t = now / 1000;
    const local = r2.db.streams
      .get('local_hash_rate')!
      .views.get('last_day')!
      .data(t)
      .find((p) => p[1] !== 0)!;
    // rate × interval summed, over the bin's width: 100 H/s for ~20 s of a 288 s bin → 100 × 25 / width.
    assert.ok((local[1] as number) > 0);
    const shares = r2.db.streams
      .get('shares')!
      .views.get('last_day')!
      .data(t)
      .find((p) => p[1] && Object.keys(p[1] as object).length)!;
    const counts = Object.fromEntries(Object.entries(shares[1] as Record<string, number>).map(([k, v]) => [k, Math.round(v * shares[2])]));
    // The first sample sets the baseline; each later one adds 2 shares (with the dead one counted once, at the start).
    assert.deepEqual(counts, { accepted: 6, orphan: 0, doa: 0 });
    // P2P bytes: +1000 in and +500 out per sample after the first, as B/s over the bin.
    const traffic = r2.db.streams
      .get('traffic_rate')!
      .views.get('last_day')!
      .data(t)
      .find((p) => p[1] && Object.keys(p[1] as object).length)!;
    assert.deepEqual(
      Object.fromEntries(Object.entries(traffic[1] as Record<string, number>).map(([k, v]) => [k, Math.round(v * traffic[2])])),
      { 'p2p/in': 3000, 'p2p/out': 1500 },
    );
    const pool = r2.db.streams
      .get('pool_rates')!
      .views.get('last_hour')!
      .data(t)
      .find((p) => p[1] !== null)!;
    assert.deepEqual(pool[1], { good: 500, orphan: 10 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('cluster: the history kept in a KV entry (gzipped) is taken over by the next web pod', async () => {
  const bus = new InProcBus({ prefix: 'graph' });
  const log = createLogger({ write: () => undefined });
  let now = 2_000_000_000;
  const sample = async (): Promise<Sample> => ({
    localHashRate: 7,
    minerHashRates: { B: 7 },
    minerDeadHashRates: {},
    sharesTotal: 0,
    sharesOrphan: 0,
    sharesDead: 0,
    attemptsToShare: 1,
    staleRates: { good: 9 },
    desiredVersionRates: {},
    currentPayout: 0,
    currentPayouts: {},
    peers: { incoming: 0, outgoing: 0 },
    efficiency: null,
    memoryUsage: 1,
    getworkLatency: null,
    p2pBytes: null,
  });
  const a = new GraphRecorder({ store: new KvGraphStore(bus, 'litecoin'), sample, log, now: () => now });
  await a.sampleOnce();
  now += 5_000;
  await a.sampleOnce();
  await a.stop();
  const b = new GraphRecorder({
    store: new KvGraphStore(bus, 'litecoin'),
    sample: () => Promise.reject(new Error('no sharechain')),
    log,
    now: () => now,
  });
  await b.start();
  await b.stop();
  const t = now / 1000;
  assert.deepEqual(
    b.db.streams.get('pool_rates')!.views.get('last_hour')!.data(t),
    a.db.streams.get('pool_rates')!.views.get('last_hour')!.data(t),
  );
  assert.ok(
    b.db.streams
      .get('pool_rates')!
      .views.get('last_hour')!
      .data(t)
      .some((p) => p[1] !== null),
  );
  await bus.drain();
});

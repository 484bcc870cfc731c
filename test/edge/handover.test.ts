// Two edges sharing a bus, as in the cluster: a miner that leaves edge A for edge B keeps its
// difficulty, and its submits for A's jobs sent to B are checked by A (with the extranonce1 it had on
// A) and answered through B. docs/rollout.md.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InProcBus } from '../../services/bus/inproc.ts';
import { EdgeServer, StaticWorkSource } from '../../services/edge/index.ts';
import { BusHandoverLink } from '../../services/edge/handover/link.ts';
import { MinerDifficultyBook } from '../../services/edge/handover/miner-difficulty.ts';
import { ADDRESS, basis, RecordingSink, until } from './harness.ts';
import { StratumTestClient } from './stratum-client.ts';

async function edgePair(t: import('node:test').TestContext) {
  const bus = new InProcBus({ prefix: 'handover' });
  const make = async (prefix: number, coinbTail: string) => {
    const book = new MinerDifficultyBook();
    await book.attach(bus);
    const work = new StaticWorkSource(basis({ coinb1: Buffer.concat([basis().coinb1, Buffer.from(coinbTail, 'hex')]) }));
    const sink = new RecordingSink();
    const edge = new EdgeServer({
      config: { host: '127.0.0.1', port: 0, extranoncePrefix: { value: prefix, bits: 8 } },
      workSource: work,
      shareSink: sink,
      handover: new BusHandoverLink(bus),
      difficulties: book,
    });
    const port = await edge.start();
    t.after(async () => {
      await edge.stop();
      await book.close();
    });
    return { edge, sink, port, book };
  };
  const a = await make(1, 'aa');
  const b = await make(2, 'bb');
  t.after(() => bus.drain());
  return { a, b };
}

test('a miner moved from edge A to edge B: same difficulty, its work from A accepted through B and delivered by A', async (t) => {
  const { a, b } = await edgePair(t);
  const user = `${ADDRESS}.rig1`;
  const ca = await StratumTestClient.connect(a.port);
  await ca.subscribe();
  // A difficulty of its own (what vardiff would have reached), sent before work: A remembers it.
  await ca.request('mining.suggest_difficulty', [0.001]);
  await ca.authorize(user);
  const diffOnA = ca.difficulty;
  const jobA = ca.job!;
  const en1A = ca.extranonce1;
  assert.ok(jobA.jobId.startsWith(a.edge.ctx.jobTag));

  const rc = ca.nextCall('client.reconnect');
  const drained = a.edge.drain({ windowMs: 1, deadlineMs: 3_000 });
  await rc;
  const cb = await StratumTestClient.connect(b.port);
  t.after(() => cb.close());
  await cb.subscribe('test-miner/1.0', en1A);
  assert.notEqual(cb.extranonce1, en1A, "B does not hand out A's extranonce1");
  await cb.authorize(user);
  assert.equal(cb.difficulty, diffOnA, 'B starts the miner at the difficulty it had on A');
  await ca.close();

  // Work found on A's job (with A's extranonce1) arrives at B.
  const en1B = cb.extranonce1;
  cb.extranonce1 = en1A;
  const good = cb.solve({ job: jobA, extranonce2: '00000007', worker: user });
  const low = cb.solve({ job: jobA, extranonce2: '00000008', worker: user, want: false });
  cb.extranonce1 = en1B;
  const sharesBefore = a.sink.events.length;
  assert.deepEqual((await cb.submit(good)).error, null);
  assert.equal((await cb.submit(good)).error?.code, 22, 'the same work twice is a duplicate');
  assert.equal((await cb.submit(low)).error?.code, 23, 'A still judges the difficulty');
  assert.equal(b.edge.ctx.counters.forwarded, 3);
  assert.equal(b.edge.ctx.counters.forwardedAccepted, 1);
  assert.equal(a.edge.ctx.counters.handedBackAccepted, 1);
  // Shares among what A accepted went to A's sink (the one holding the job), not B's.
  assert.ok(a.sink.events.length >= sharesBefore);
  assert.equal(b.sink.events.length, 0);

  // B's own work is checked locally.
  const mine = cb.solve({ extranonce2: '00000009', worker: user });
  assert.deepEqual((await cb.submit(mine)).error, null);
  assert.equal(b.edge.ctx.counters.forwarded, 3);

  // Once A has exited, its jobs are unknown: "job not found", not a hang.
  await drained;
  cb.extranonce1 = en1A;
  const late = cb.solve({ job: jobA, extranonce2: '0000000a', worker: user });
  cb.extranonce1 = en1B;
  assert.equal((await cb.submit(late)).error?.code, 21);
});

test("a share found on A's job and submitted through B reaches A's sink exactly once", async (t) => {
  const { a, b } = await edgePair(t);
  const user = `${ADDRESS}.rig2`;
  const ca = await StratumTestClient.connect(a.port);
  await ca.subscribe();
  await ca.authorize(user);
  const jobA = ca.job!;
  const en1A = ca.extranonce1;
  await ca.close();
  await until(() => a.edge.stratumConnections === 0);
  const cb = await StratumTestClient.connect(b.port);
  t.after(() => cb.close());
  await cb.subscribe();
  await cb.authorize(user);
  const en1B = cb.extranonce1;
  cb.extranonce1 = en1A;
  // A share: meets the share target (1 in 128), hence also the pseudoshare target.
  const share = cb.solve({ job: jobA, extranonce2: '00000001', worker: user, difficulty: (0xffff * 2 ** 208) / 2 ** 249 });
  cb.extranonce1 = en1B;
  assert.deepEqual((await cb.submit(share)).error, null);
  const shares = a.sink.events.filter((e) => e.kind === 'share');
  assert.equal(shares.length, 1);
  assert.equal(shares[0]!.solution.coinbaseNonce.subarray(0, 4).toString('hex'), en1A);
  assert.equal(b.sink.events.length, 0);
});

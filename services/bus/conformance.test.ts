// The same behaviour from both buses: the in-process one and NATS (a real nats-server). Services are
// written once against the Bus interface, so any difference here would be a bug in embedded or
// cluster mode only.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { EdgeClientImpl, EdgeDefinition, type Edge, type EdgeLocalStats } from '../gen/p2pool/v1/edge.ts';
import { NatsServer } from '../../test/cluster/nats-server.ts';
import { RpcCode, RpcError } from './errors.ts';
import { Events, type EventSpec } from './events.ts';
import { InProcBus } from './inproc.ts';
import { NatsBus } from './nats.ts';
import { emit, on } from './pubsub.ts';
import { busRpc, serveContract } from './rpc.ts';
import type { Bus } from './types.ts';
import type { BlockFound } from '../gen/p2pool/v1/events.ts';

const BIG = (1n << 63n) + 5n;

function stats(instance: string): EdgeLocalStats {
  return {
    instance,
    connections: 3,
    stratumConnections: 2,
    getworkClients: 1,
    extranoncePrefix: new Uint8Array([0xab, 0xcd]),
    miners: [
      {
        user: 'addr.w1',
        address: 'addr',
        worker: 'w1',
        hashRate: 1.5e9,
        deadHashRate: 0,
        accepted: BIG,
        stale: 1n,
        doa: 0n,
        rejected: 2n,
        lastShareMs: 1_700_000_000_000n,
        difficulty: 65536,
        connections: 1,
      },
    ],
    pseudoshares: BIG,
    shares: 7n,
    blocks: 1n,
    draining: false,
  };
}

function edgeImpl(instance: string, calls: string[] = []): Partial<Edge> {
  return {
    async GetLocalStats() {
      calls.push(instance);
      return stats(instance);
    },
    async Drain() {
      throw new RpcError(RpcCode.FAILED_PRECONDITION, 'already draining');
    },
  };
}

async function waitFor(cond: () => boolean, what: string, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function suite(name: string, makeBus: (prefix: string) => Promise<Bus>) {
  describe(`${name} bus`, () => {
    let n = 0;
    const buses: Bus[] = [];
    const bus = async () => {
      const b = await makeBus(`t${process.pid}x${n++}`);
      buses.push(b);
      return b;
    };
    after(async () => {
      await Promise.allSettled(buses.map((b) => b.drain()));
    });

    test('generated client and server: 64-bit values and bytes arrive exactly', async () => {
      const b = await bus();
      const closer = await serveContract(b, EdgeDefinition, edgeImpl('e1'));
      const client = new EdgeClientImpl(busRpc(b));
      const got = await client.GetLocalStats({});
      assert.equal(got.pseudoshares, BIG);
      assert.equal(got.miners[0]!.accepted, BIG);
      assert.equal(got.miners[0]!.lastShareMs, 1_700_000_000_000n);
      assert.deepEqual([...got.extranoncePrefix], [0xab, 0xcd]);
      assert.equal(got.instance, 'e1');
      await closer.close();
    });

    test('errors keep their code and message; missing methods are UNIMPLEMENTED', async () => {
      const b = await bus();
      await serveContract(b, EdgeDefinition, edgeImpl('e1'));
      const client = new EdgeClientImpl(busRpc(b));
      await assert.rejects(client.Drain({ reconnectHost: '', reconnectPort: 0, waitSeconds: 0, deadlineMs: 0n }), (e: unknown) => {
        assert.ok(e instanceof RpcError);
        assert.equal(e.code, RpcCode.FAILED_PRECONDITION);
        assert.match(e.message, /Edge\/Drain: already draining/);
        return true;
      });
      await assert.rejects(client.Health({}), (e: unknown) => e instanceof RpcError && e.code === RpcCode.UNIMPLEMENTED);
    });

    test('no server: UNAVAILABLE once the deadline passes', async () => {
      const b = await bus();
      const client = new EdgeClientImpl(busRpc(b, { deadlineMs: 400, timeoutMs: 200 }));
      await assert.rejects(client.GetLocalStats({}), (e: unknown) => e instanceof RpcError && e.code === RpcCode.UNAVAILABLE);
    });

    test('a call made before its server starts is retried and answered', async () => {
      const b = await bus();
      const client = new EdgeClientImpl(busRpc(b, { deadlineMs: 10_000 }));
      const pending = client.GetLocalStats({});
      await new Promise((r) => setTimeout(r, 300));
      await serveContract(b, EdgeDefinition, edgeImpl('late'));
      assert.equal((await pending).instance, 'late');
    });

    test('replicas of a service share the calls, each call answered once', async () => {
      const b = await bus();
      const calls: string[] = [];
      await serveContract(b, EdgeDefinition, edgeImpl('r1', calls));
      await serveContract(b, EdgeDefinition, edgeImpl('r2', calls));
      const client = new EdgeClientImpl(busRpc(b));
      const answers = await Promise.all(Array.from({ length: 40 }, () => client.GetLocalStats({})));
      assert.equal(calls.length, 40);
      const by = new Set(answers.map((a) => a.instance));
      assert.deepEqual([...by].sort(), ['r1', 'r2']);
    });

    test('events reach every subscriber; a queue shares them', async () => {
      const b = await bus();
      const all: number[] = [];
      const q1: number[] = [];
      const q2: number[] = [];
      let source = '';
      await on(b, Events.peersChanged, (m, meta) => {
        all.push(m.incoming);
        source = meta.source;
      });
      await on(
        b,
        Events.peersChanged,
        (m) => {
          q1.push(m.incoming);
        },
        { queue: 'workers' },
      );
      await on(
        b,
        Events.peersChanged,
        (m) => {
          q2.push(m.incoming);
        },
        { queue: 'workers' },
      );
      for (let i = 0; i < 20; i++)
        await emit(b, Events.peersChanged, { incoming: i, outgoing: 0, connected: [], disconnected: [] }, 'gw-1');
      await waitFor(() => all.length === 20 && q1.length + q2.length === 20, 'events');
      assert.deepEqual(
        all.sort((x, y) => x - y),
        Array.from({ length: 20 }, (_, i) => i),
      );
      assert.deepEqual(
        [...q1, ...q2].sort((x, y) => x - y),
        Array.from({ length: 20 }, (_, i) => i),
      );
      assert.equal(source, 'gw-1');
    });

    test('durable events: stored once per id, replayed in order, seen live too', async () => {
      const b = await bus();
      const live: string[] = [];
      await on(b, Events.blockFound, (m) => {
        live.push(Buffer.from(m.blockHash).toString('hex'));
      });
      const block = (i: number): BlockFound => ({
        shareHash: new Uint8Array(32).fill(i),
        blockHash: new Uint8Array(32).fill(i),
        height: i,
        source: 1,
        miner: 'm',
        tsMs: BigInt(i),
      });
      const r1 = await emit(b, Events.blockFound, block(1));
      const r2 = await emit(b, Events.blockFound, block(2));
      const again = await emit(b, Events.blockFound, block(1));
      assert.equal(r1!.duplicate, false);
      assert.equal(r2!.seq, r1!.seq + 1);
      assert.equal(again!.duplicate, true);
      const replayed: BlockFound[] = [];
      const spec = Events.blockFound as EventSpec<BlockFound>;
      for await (const m of b.replay(spec.stream!, { topic: spec.topic })) replayed.push(spec.type.decode(m.data));
      assert.deepEqual(
        replayed.map((s) => s.height),
        [1, 2],
      );
      assert.equal(replayed[0]!.miner, 'm');
      const tail: number[] = [];
      for await (const m of b.replay(spec.stream!, { fromSeq: r2!.seq })) tail.push(m.seq);
      assert.deepEqual(tail, [r2!.seq]);
      await waitFor(() => live.length >= 2, 'live durable events');
    });

    test('work queue: in order, once per id, a failed message comes back first, the rest wait; a new consumer takes over', async () => {
      const b = await bus();
      const spec = { name: 'QCONF', topics: ['conformance.queued'], workQueue: true, duplicateWindowMs: 120_000 };
      const put = (i: number) => b.persist(spec, 'conformance.queued', new Uint8Array([i]), { msgId: `q-${i}` });
      for (const i of [1, 2, 3]) await put(i);
      assert.equal((await put(2)).duplicate, true, 'the same id is stored once');
      const seen: number[] = [];
      let failOnce = true;
      const first = await b.consume(
        spec,
        'conformance',
        async (m) => {
          const v = m.data[0]!;
          seen.push(v);
          if (v === 2 && failOnce) {
            failOnce = false;
            throw new Error('not yet');
          }
        },
        { retryMs: 50 },
      );
      await waitFor(() => seen.length >= 4, 'four deliveries');
      assert.deepEqual(seen, [1, 2, 2, 3]);
      await first.close();
      // Queued while nobody consumes, taken by the next consumer of the same durable name.
      await put(4);
      await put(5);
      const later: number[] = [];
      const second = await b.consume(
        spec,
        'conformance',
        async (m) => {
          later.push(m.data[0]!);
        },
        { retryMs: 50 },
      );
      await waitFor(() => later.length >= 2, 'the rest');
      assert.deepEqual(later, [4, 5]);
      await second.close();
    });

    test('KV: put, get, list, delete', async () => {
      const b = await bus();
      const kv = await b.kv({ name: 'conformance', history: 1 });
      await kv.put('a.one', new Uint8Array([1]));
      await kv.put('b.two', new Uint8Array([2]));
      await kv.put('a.one', new Uint8Array([3]));
      assert.deepEqual([...(await kv.get('a.one'))!.value], [3]);
      assert.deepEqual(
        (await kv.entries()).map((e) => e.key),
        ['a.one', 'b.two'],
      );
      await kv.delete('a.one');
      assert.equal(await kv.get('a.one'), null);
      assert.deepEqual(
        (await kv.entries()).map((e) => e.key),
        ['b.two'],
      );
    });
  });
}

suite('in-process', async (prefix) => new InProcBus({ prefix }));

let nats: NatsServer;
before(async () => {
  nats = await NatsServer.start();
});
after(async () => {
  await nats?.stop();
});
suite('NATS', async (prefix) => NatsBus.connect({ url: nats.url, prefix }));

// Two P2Pool nodes peered with -n on one litecoind regtest converge on the same best share, whichever
// of them mines: first two embedded nodes (the gateway works on the sharechain in-process), then an
// embedded node and a cluster node whose peer gateway, sharechain, template builder and edge are
// separate processes on NATS (the gateway reaches the sharechain over the bus: AddPeerShares,
// GetShares, GetMissingParents; the sharechain answers with BroadcastShare).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { grpcRpc } from '../../services/bus/grpc.ts';
import { NatsBus } from '../../services/bus/nats.ts';
import { busRpc } from '../../services/bus/rpc.ts';
import type { ServiceName } from '../../services/bus/contracts.ts';
import { clientsFor, type Clients } from '../../services/runtime/clients.ts';
import { ANY_PORTS, startChain, type Chain } from '../cluster/chain.ts';
import { NatsServer } from '../cluster/nats-server.ts';
import { eventually, getJson, P2poolProcess } from '../cluster/procs.ts';
import { extendChain, mineStratum, type Pool } from './mining.ts';

let chain: Chain;
let dir: string;
const procs: P2poolProcess[] = [];
const closers: Array<() => void | Promise<void>> = [];

interface Node extends Pool {
  p2pPort: number;
}

before(async () => {
  chain = await startChain();
  dir = mkdtempSync(join(tmpdir(), 'p2pool-e2e-p2p-'));
});

after(async () => {
  for (const c of closers) await Promise.resolve(c()).catch(() => undefined);
  await Promise.allSettled(procs.map((p) => p.terminate('SIGTERM', 20_000).catch(() => p.kill())));
  for (const p of procs) p.kill();
  await chain?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function embedded(name: string, peers: string[]): Promise<Node> {
  const p = new P2poolProcess(name, 'services/cli/main.ts', [
    '--instance',
    name,
    ...ANY_PORTS,
    '--datadir',
    join(dir, name),
    ...chain.args,
    ...peers.flatMap((a) => ['-n', a]),
  ]);
  procs.push(p);
  const ports = await p.ports();
  await eventually(async () => assert.equal((await getJson(ports.health, '/readyz')).status, 200), `${name} ready`, 60_000);
  const worker = await p.waitForLog((r) => r.msg === 'worker port listening', 'worker port');
  const p2p = await p.waitForLog((r) => r.msg === 'p2p listening', 'p2p port');
  const api = grpcRpc(`127.0.0.1:${ports.grpc}`);
  closers.push(() => api.close());
  return { workerPort: Number(worker.port), p2pPort: Number(p2p.port), clients: clientsFor(api), ltc: chain.ltc };
}

async function bestShare(c: Clients): Promise<string> {
  return Buffer.from((await c.sharechain.GetStats({})).bestShareHash).toString('hex');
}

async function converged(a: Clients, b: Clients, what: string): Promise<string> {
  try {
    return await eventually(
      async () => {
        const [x, y] = [await bestShare(a), await bestShare(b)];
        assert.ok(x.length === 64, 'a best share');
        assert.equal(y, x);
        return x;
      },
      what,
      60_000,
    );
  } catch (e) {
    // What each side had, and what the processes last said: enough to tell a lost share from a slow one.
    const state = async (c: Clients) => {
      const s = await c.sharechain.GetStats({}).catch((err: Error) => err.message);
      return typeof s === 'string'
        ? s
        : { height: s.height, best: Buffer.from(s.bestShareHash).toString('hex'), sync: s.syncState, total: String(s.sharesTotal) };
    };
    const logs = procs
      .map(
        (p) =>
          `${p.name}: ${p.logs
            .slice(-8)
            .map((r) => r.msg)
            .join(' | ')}`,
      )
      .join('\n');
    throw new Error(`${(e as Error).message}\nA: ${JSON.stringify(await state(a))}\nB: ${JSON.stringify(await state(b))}\n${logs}`);
  }
}

let a: Node;

test('two embedded nodes peered with -n converge on the same best share, whichever mines', async () => {
  a = await embedded('node-a', []);
  const b = await embedded('node-b', [`127.0.0.1:${a.p2pPort}`]);
  await eventually(async () => assert.equal((await a.clients.peerGateway.GetPeers({})).incoming, 1), 'b connected to a', 30_000);

  await mineStratum(a, 'p2p-a');
  await extendChain(a, 'p2p-a');
  const best1 = await converged(a.clients, b.clients, 'b to follow a');
  await mineStratum(b, 'p2p-b');
  await extendChain(b, 'p2p-b');
  const best2 = await converged(a.clients, b.clients, 'a to follow b');
  assert.notEqual(best2, best1);
  // b's share builds on a's chain: one chain, not two.
  const statsA = await a.clients.sharechain.GetStats({});
  const statsB = await b.clients.sharechain.GetStats({});
  assert.equal(statsA.height, statsB.height);
  // The shares crossed the wire both ways: the gateways count the bytes (the dashboard's traffic_rate).
  const peersA = await a.clients.peerGateway.GetPeers({});
  const peersB = await b.clients.peerGateway.GetPeers({});
  assert.ok(peersA.bytesReceived > 300n && peersA.bytesSent > 300n, `a: ${peersA.bytesReceived} in, ${peersA.bytesSent} out`);
  assert.ok(peersB.bytesReceived > 300n && peersB.bytesSent > 300n, `b: ${peersB.bytesReceived} in, ${peersB.bytesSent} out`);
});

test('a cluster node (gateway, sharechain, template builder and edge as processes on NATS) converges with an embedded node', async () => {
  const nats = await NatsServer.start();
  closers.push(() => nats.stop());
  const prefix = `p2p${process.pid}`;
  const names: ServiceName[] = ['sharechain', 'template-builder', 'peer-gateway', 'edge'];
  const cluster = new Map<ServiceName, P2poolProcess>();
  for (const name of names) {
    const p = new P2poolProcess(`c-${name}`, `services/${name}/main.ts`, [
      '--nats',
      nats.url,
      '--nats-prefix',
      prefix,
      '--instance',
      `c-${name}`,
      '--health-host',
      '127.0.0.1',
      ...ANY_PORTS,
      '--datadir',
      join(dir, `c-${name}`),
      ...chain.args,
      '-n',
      `127.0.0.1:${a.p2pPort}`,
    ]);
    procs.push(p);
    cluster.set(name, p);
  }
  for (const [name, p] of cluster) {
    const { health } = await p.ports();
    await eventually(async () => assert.equal((await getJson(health, '/readyz')).status, 200), `${name} ready`, 60_000);
  }
  const bus = await NatsBus.connect({ url: nats.url, prefix });
  closers.unshift(() => bus.drain());
  const worker = await cluster.get('edge')!.waitForLog((r) => r.msg === 'worker port listening', 'worker port');
  const c: Node = { workerPort: Number(worker.port), p2pPort: 0, clients: clientsFor(busRpc(bus)), ltc: chain.ltc };

  // The cluster node downloads a's whole chain through its gateway process.
  await converged(a.clients, c.clients, 'the cluster node to take the chain from a');
  await mineStratum(c, 'p2p-cluster');
  await extendChain(c, 'p2p-cluster');
  await converged(a.clients, c.clients, 'a to follow the cluster node');
  assert.ok(cluster.get('peer-gateway')!.logs.some((r) => r.msg === 'peer connected'));
});

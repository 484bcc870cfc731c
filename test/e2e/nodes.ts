// Embedded p2pool nodes on one litecoind regtest for the multi-node tests: each a real process with
// kernel-chosen ports, reached through its gRPC API; and a node's best chain read back as packed
// shares (what `p2pool sharechain verify --chain` reads).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { grpcRpc } from '../../services/bus/grpc.ts';
import { clientsFor, type Clients } from '../../services/runtime/clients.ts';
import { encodeWrapper } from '../../services/core/index.ts';
import { ANY_PORTS, type Chain } from '../cluster/chain.ts';
import { eventually, getJson, P2poolProcess } from '../cluster/procs.ts';
import type { Pool } from './mining.ts';

export interface Node extends Pool {
  p2pPort: number;
  proc: P2poolProcess;
}

/** What a test keeps to stop its nodes: the processes and the API clients to close. */
export interface Nodes {
  procs: P2poolProcess[];
  closers: Array<() => void | Promise<void>>;
}

export async function startEmbedded(nodes: Nodes, chain: Chain, dir: string, name: string, peers: string[]): Promise<Node> {
  const p = new P2poolProcess(name, 'services/cli/main.ts', [
    '--instance',
    name,
    ...ANY_PORTS,
    '--datadir',
    join(dir, name),
    ...chain.args,
    ...peers.flatMap((a) => ['-n', a]),
  ]);
  nodes.procs.push(p);
  const ports = await p.ports();
  await eventually(async () => assert.equal((await getJson(ports.health, '/readyz')).status, 200), `${name} ready`, 60_000);
  const worker = await p.waitForLog((r) => r.msg === 'worker port listening', 'worker port');
  const p2p = await p.waitForLog((r) => r.msg === 'p2p listening', 'p2p port');
  const api = grpcRpc(`127.0.0.1:${ports.grpc}`);
  nodes.closers.push(() => api.close());
  return { workerPort: Number(worker.port), p2pPort: Number(p2p.port), clients: clientsFor(api), ltc: chain.ltc, proc: p };
}

/** The node's best chain, oldest first, as packed shares. */
export async function packedChain(c: Clients): Promise<Buffer[]> {
  const stats = await c.sharechain.GetStats({});
  const r = await c.sharechain.GetShares({ hashes: [stats.bestShareHash], parents: stats.height, stops: [] });
  return r.shares.map((s) => encodeWrapper(Number(s.type), s.contents)).reverse();
}

// Merged mining in the cluster shape: nats-server, litecoind regtest, each service its own process;
// only the aux process is given the two --merged chains (stand-in aux daemons,
// test/harness/aux-daemon-standin.ts). The edge process gets the commitment over NATS
// (AuxWorkPublished) and hands solutions to the aux process (Aux.SubmitAuxPow over NATS); both
// stand-ins accept blocks by their own AuxPoW check while the CPU miner mines the parent chain.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SERVICE_NAMES, type ServiceName } from '../../services/bus/contracts.ts';
import { CpuMiner } from '../../services/miner/index.ts';
import { ANY_PORTS, startChain, type Chain } from '../cluster/chain.ts';
import { NatsServer } from '../cluster/nats-server.ts';
import { eventually, getJson, P2poolProcess, clusterServiceArgs } from '../cluster/procs.ts';
import { startAuxStandin, type AuxStandin } from '../harness/aux-daemon-standin.ts';
import { minerAddress } from './mining.ts';

const PREFIX = `mm${process.pid}`;
const ANY = (1n << 256n) - 1n;
let chain: Chain;
let nats: NatsServer;
let dir: string;
let doge: AuxStandin;
let nmc: AuxStandin;
let workerPort: number;
const procs = new Map<ServiceName, P2poolProcess>();

before(async () => {
  chain = await startChain('p2pool-ts cluster merged');
  nats = await NatsServer.start();
  doge = await startAuxStandin({ chainId: 0x62, target: ANY, parentPow: 'scrypt' });
  nmc = await startAuxStandin({ chainId: 0x01, target: ANY, parentPow: 'scrypt' });
  dir = mkdtempSync(join(tmpdir(), 'p2pool-e2e-cluster-merged-'));
  for (const name of SERVICE_NAMES) {
    const merged = name === 'aux' ? ['--merged', doge.mergedUrl, '--merged', nmc.mergedUrl, '--merged-poll-ms', '100'] : [];
    procs.set(
      name,
      new P2poolProcess(name, `services/${name}/main.ts`, [
        ...clusterServiceArgs(nats.url, PREFIX, `${name}-0`),
        ...ANY_PORTS,
        '--datadir',
        join(dir, name),
        ...chain.args,
        ...merged,
      ]),
    );
  }
  for (const [name, p] of procs) {
    const port = (await p.ports()).health;
    await eventually(async () => assert.equal((await getJson(port, '/readyz')).status, 200), `${name} ready`, 90_000);
  }
  workerPort = Number((await procs.get('edge')!.waitForLog((r) => r.msg === 'worker port listening', 'worker port')).port);
});

after(async () => {
  await Promise.allSettled([...procs.values()].map((p) => p.terminate('SIGTERM', 20_000).catch(() => p.kill())));
  for (const p of procs.values()) p.kill();
  await Promise.all([doge?.stop().catch(() => {}), nmc?.stop().catch(() => {})]);
  await nats?.stop();
  await chain?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('cluster: the aux process merge-mines two chains for the edge process over NATS', async () => {
  await procs.get('aux')!.waitForLog((r) => r.msg === 'new aux work' && Number(r.chains) === 2, 'aux work for two chains');
  const m = new CpuMiner({
    port: workerPort,
    username: `${minerAddress('cluster-merged')}.rig`,
    algorithm: 'scrypt',
    threads: 1,
    maxHashrate: 200,
    suggestDifficulty: 0.0001,
  });
  try {
    await m.start();
    await eventually(
      async () => {
        assert.ok(
          doge.accepted.length >= 1 && nmc.accepted.length >= 1,
          `doge ${doge.submissions.length}, nmc ${nmc.submissions.length} submissions`,
        );
      },
      'an aux block accepted by each stand-in',
      120_000,
    );
    // In the cluster a share's answer waits for the share queue: the miner may hear it after the aux blocks.
    await eventually(async () => assert.ok(m.stats().accepted > 0), 'the miner told of an accepted pseudoshare', 30_000);
  } finally {
    await m.stop();
  }
  assert.deepEqual(
    [...doge.submissions, ...nmc.submissions].filter((s) => !s.accepted).map((s) => s.reason),
    [],
  );
  assert.ok(m.stats().accepted > 0);
});

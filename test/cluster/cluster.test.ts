// The cluster shape end to end: a real nats-server, a real litecoind on regtest, each of the six
// services as its own OS process (started through its services/<name>/main.ts). Every service starts,
// registers, answers Health and a real call of its contract over NATS and over the gRPC API; after
// nats-server is killed for 5 s and restarted, every service reconnects by itself; SIGTERM stops each
// one cleanly. (Mining through this shape: test/e2e/cluster-mining.test.ts.)
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SERVICE_NAMES, type ServiceName } from '../../services/bus/contracts.ts';
import { ShareSource } from '../../services/gen/p2pool/v1/common.ts';
import { Events } from '../../services/bus/events.ts';
import { NatsBus } from '../../services/bus/nats.ts';
import { emit } from '../../services/bus/pubsub.ts';
import { busRpc } from '../../services/bus/rpc.ts';
import { clientsFor } from '../../services/runtime/clients.ts';
import { listInstances } from '../../services/runtime/registry.ts';
import { NatsServer } from './nats-server.ts';
import { eventually, getJson, P2poolProcess, clusterServiceArgs } from './procs.ts';
import { assertAllHealthy, assertContracts, assertGrpcApi } from './scenario.ts';
import { ANY_PORTS, startChain, type Chain } from './chain.ts';

const TOKEN = 'cluster-test-admin-token';
const PREFIX = `cl${process.pid}`;

let nats: NatsServer;
let chain: Chain;
let dir: string;
const procs = new Map<ServiceName, P2poolProcess>();
const ports = new Map<ServiceName, { health: number; web?: number; grpc?: number }>();
const instanceOf = (s: string) => `${s}-0`;

before(async () => {
  chain = await startChain();
  nats = await NatsServer.start();
  dir = mkdtempSync(join(tmpdir(), 'p2pool-cluster-'));
  writeFileSync(join(dir, 'admin-token'), `${TOKEN}\n`);
  for (const name of SERVICE_NAMES) {
    procs.set(
      name,
      new P2poolProcess(name, `services/${name}/main.ts`, [
        ...clusterServiceArgs(nats.url, PREFIX, instanceOf(name)),
        ...ANY_PORTS,
        '--admin-token-file',
        join(dir, 'admin-token'),
        '--datadir',
        join(dir, name),
        ...chain.args,
      ]),
    );
  }
  for (const [name, p] of procs) ports.set(name, await p.ports());
});

after(async () => {
  for (const p of procs.values()) p.kill();
  await nats?.stop();
  await chain?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function readyAll(expectOk: boolean): Promise<void> {
  for (const name of SERVICE_NAMES) {
    const r = await getJson(ports.get(name)!.health, '/readyz');
    assert.equal(r.status, expectOk ? 200 : 503, `${name} /readyz: ${JSON.stringify(r.body)}`);
  }
}

test('every service runs as its own process, live and ready', async () => {
  for (const name of SERVICE_NAMES) {
    const { health } = ports.get(name)!;
    const live = await getJson(health, '/healthz');
    assert.equal(live.status, 200);
    const ready = await eventually(
      async () => {
        const r = await getJson(health, '/readyz');
        assert.equal(r.status, 200, JSON.stringify(r.body));
        return r;
      },
      `${name} ready`,
      60_000,
    );
    assert.deepEqual(Object.keys(ready.body.services), [name]);
    assert.equal(ready.body.services[name].checks.bus, 'ok');
    // Structured logs: every line is JSON with a level, a message, the service and the instance.
    const p = procs.get(name)!;
    assert.ok(p.logs.length > 0);
    for (const r of p.logs) {
      assert.notEqual(r.level, 'invalid', `${name} wrote a non-JSON line: ${r.msg}`);
      assert.equal(r.instance, instanceOf(name));
    }
  }
  assert.ok(ports.get('web')!.grpc, 'the web service serves gRPC');
});

test('each service answers Health over NATS and registers', async () => {
  const bus = await NatsBus.connect({ url: nats.url, prefix: PREFIX });
  try {
    await assertAllHealthy(clientsFor(busRpc(bus)), instanceOf);
    const registered = await eventually(async () => {
      const list = await listInstances(bus);
      assert.equal(list.length, SERVICE_NAMES.length);
      return list;
    }, 'six registry entries');
    assert.deepEqual(registered.map((i) => i.service).sort(), [...SERVICE_NAMES].sort());
  } finally {
    await bus.drain();
  }
});

test('each service answers a real call of its contract over NATS', async () => {
  const bus = await NatsBus.connect({ url: nats.url, prefix: PREFIX });
  try {
    await assertContracts(clientsFor(busRpc(bus)), { address: chain.address, instanceOf, minHeight: 102 });
  } finally {
    await bus.drain();
  }
});

// What each service's own /metrics lists beside the process families (docs/observability.md).
const SERVICE_FAMILIES: Record<ServiceName, string[]> = {
  edge: ['p2pool_edge_connections', 'p2pool_edge_submits_total', 'p2pool_edge_pseudoshares_total', 'p2pool_edge_hashrate'],
  sharechain: ['p2pool_sharechain_height', 'p2pool_sharechain_sync', 'p2pool_node_shares', 'p2pool_sharechain_shares'],
  'peer-gateway': ['p2pool_peers', 'p2pool_peers_known_addresses', 'p2pool_p2p_shares_total'],
  'template-builder': [
    'p2pool_fullnode_rpc_duration',
    'p2pool_fullnode_rpc_errors_total',
    'p2pool_template_height',
    'p2pool_fullnode_up',
    'p2pool_blocks_submitted_total',
  ],
  aux: [],
  web: [],
};

test("each service process serves /metrics: build info, bus, its own families and no other service's", async () => {
  for (const name of SERVICE_NAMES) {
    const text = await (await fetch(`http://127.0.0.1:${ports.get(name)!.health}/metrics`)).text();
    const families = new Set([...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]!));
    for (const f of ['p2pool_build_info', 'p2pool_bus_up', 'p2pool_service_serving', ...SERVICE_FAMILIES[name]])
      assert.ok(families.has(f), `${name}: ${f} missing`);
    assert.match(text, new RegExp(`^p2pool_service_serving\\{service="${name}"\\} 1$`, 'm'));
    assert.match(text, /^p2pool_bus_up\{bus="nats"\} 1$/m);
    for (const [other, fs] of Object.entries(SERVICE_FAMILIES)) {
      if (other !== name) for (const f of fs) assert.ok(!families.has(f), `${name} lists ${other}'s ${f}`);
    }
  }
});

test('the gRPC API reaches every service, queries open, changes need the admin token', async () => {
  await assertGrpcApi(`127.0.0.1:${ports.get('web')!.grpc}`, TOKEN, instanceOf);
});

test('nats-server killed for 5 s: services notice, reconnect by themselves, nothing acknowledged is lost', async () => {
  const bus = await NatsBus.connect({ url: nats.url, prefix: PREFIX });
  try {
    const block = {
      shareHash: new Uint8Array(32).fill(7),
      blockHash: new Uint8Array(32).fill(9),
      height: 432,
      source: ShareSource.LOCAL,
      miner: 'm',
      tsMs: 1n,
    };
    const stored = await emit(bus, Events.blockFound, block, 'test');
    assert.equal(stored!.duplicate, false);

    await nats.kill();
    const downAt = Date.now();
    await eventually(() => readyAll(false), 'every service to report not ready while NATS is down', 5_000);
    // A call made during the outage waits and completes once NATS is back.
    const duringOutage = clientsFor(busRpc(bus, { deadlineMs: 60_000 })).sharechain.Health({});
    await new Promise((r) => setTimeout(r, Math.max(0, 5_000 - (Date.now() - downAt))));
    await nats.restart();

    await eventually(() => readyAll(true), 'every service ready again', 30_000);
    assert.equal((await duringOutage).service, 'sharechain');
    await assertAllHealthy(clientsFor(busRpc(bus)), instanceOf);
    for (const p of procs.values()) {
      assert.ok(
        p.logs.some((r) => r.msg === 'bus disconnected'),
        `${p.name} did not log the outage`,
      );
      assert.ok(
        p.logs.some((r) => r.msg === 'bus connected'),
        `${p.name} did not log the reconnect`,
      );
      assert.equal(p.proc.exitCode, null, `${p.name} exited`);
    }
    const kept = [];
    for await (const m of bus.replay(Events.blockFound.stream!, { topic: Events.blockFound.topic }))
      kept.push(Events.blockFound.type.decode(m.data));
    assert.deepEqual(
      kept.map((b) => b.height),
      [432],
    );
    await assertGrpcApi(`127.0.0.1:${ports.get('web')!.grpc}`, TOKEN, instanceOf);
  } finally {
    await bus.drain();
  }
});

test('Edge.Drain over the bus: the edge stops taking miners', async () => {
  const bus = await NatsBus.connect({ url: nats.url, prefix: PREFIX });
  try {
    const admin = clientsFor(busRpc(bus));
    const r = await admin.edge.Drain({ reconnectHost: '', reconnectPort: 0, waitSeconds: 0, deadlineMs: 1000n });
    assert.deepEqual(r, { connectionsBefore: 0, connectionsRemaining: 0 });
    assert.equal((await admin.edge.GetLocalStats({})).draining, true);
  } finally {
    await bus.drain();
  }
});

test('SIGTERM: every service drains, deregisters and exits 0', async () => {
  for (const name of SERVICE_NAMES) {
    const p = procs.get(name)!;
    const { code, signal } = await p.terminate('SIGTERM');
    assert.equal(signal, null);
    assert.equal(code, 0, `${name} exit code ${code}; stderr: ${p.stderr}`);
    const msgs = p.logs.map((r) => r.msg);
    assert.ok(msgs.indexOf('shutting down') < msgs.indexOf('stopped'), `${name} logs: ${msgs.join(' | ')}`);
  }
  const bus = await NatsBus.connect({ url: nats.url, prefix: PREFIX });
  try {
    assert.deepEqual(await listInstances(bus), []);
  } finally {
    await bus.drain();
  }
});

// The embedded default: `p2pool` with no --nats runs all six services in one process over the
// in-process bus, here on a real litecoind regtest. The same checks as the cluster run: health
// endpoints, Health and a real call of every service over gRPC, registration, the admin token, a
// clean SIGTERM. Also the same node started inside the test process, called through the in-process bus.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SERVICE_NAMES } from '../../services/bus/contracts.ts';
import { busRpc } from '../../services/bus/rpc.ts';
import { grpcRpc } from '../../services/bus/grpc.ts';
import { parseArgs } from '../../services/runtime/flags.ts';
import { startNode } from '../../services/runtime/node.ts';
import { servicesFor } from '../../services/cli/services.ts';
import { clientsFor } from '../../services/runtime/clients.ts';
import { createLogger, type LogLevel } from '../../services/runtime/log.ts';
import { eventually, getJson, P2poolProcess } from './procs.ts';
import { assertAllHealthy, assertContracts, assertGrpcApi } from './scenario.ts';
import { ANY_PORTS, startChain, type Chain } from './chain.ts';

const TOKEN = 'embedded-test-admin-token';
const dir = mkdtempSync(join(tmpdir(), 'p2pool-embedded-'));
writeFileSync(join(dir, 'admin-token'), TOKEN);
const procs: P2poolProcess[] = [];
let chain: Chain;

before(async () => {
  chain = await startChain();
});

after(async () => {
  for (const p of procs) p.kill();
  await chain?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('p2pool alone runs all six services in one process', async () => {
  const p = new P2poolProcess('p2pool', 'services/cli/main.ts', [
    '--instance',
    'solo',
    ...ANY_PORTS,
    '--admin-token-file',
    join(dir, 'admin-token'),
    '--datadir',
    join(dir, 'data'),
    ...chain.args,
  ]);
  procs.push(p);
  const ports = await p.ports();
  assert.ok(ports.web && ports.grpc);

  // The address a newcomer is told to open.
  await eventually(async () => assert.match(p.stderr, new RegExp(`http://127\\.0\\.0\\.1:${ports.web}/`)), 'web address on stderr', 5_000);
  const page = await getJson(ports.web!, '/');
  assert.equal(page.status, 200);
  assert.match(String(page.body), /<title>p2pool-ts<\/title>/);
  // The dashboard's health table comes from /api/v1/services.
  const services = await eventually(
    async () => {
      const r = (await getJson(ports.web!, '/api/v1/services')).body as Array<{ service: string }>;
      for (const name of SERVICE_NAMES)
        assert.ok(
          r.some((s) => s.service === name),
          `/api/v1/services lists ${name}`,
        );
      return r;
    },
    'every service registered',
    10_000,
  );
  assert.equal(services.length, SERVICE_NAMES.length);

  assert.equal((await getJson(ports.health, '/healthz')).status, 200);
  const ready = await eventually(
    async () => {
      const r = await getJson(ports.health, '/readyz');
      assert.equal(r.status, 200, JSON.stringify(r.body));
      return r;
    },
    'ready on litecoind',
    60_000,
  );
  assert.deepEqual(Object.keys(ready.body.services).sort(), [...SERVICE_NAMES].sort());
  assert.equal(ready.body.bus, 'connected');

  await assertGrpcApi(`127.0.0.1:${ports.grpc}`, TOKEN, () => 'solo');
  const api = grpcRpc(`127.0.0.1:${ports.grpc}`);
  try {
    await assertContracts(clientsFor(api), { address: chain.address, instanceOf: () => 'solo', minHeight: 102 });
  } finally {
    api.close();
  }

  // The calls just made show up in the Prometheus metrics of the process.
  const res = await fetch(`http://127.0.0.1:${ports.health}/metrics`);
  assert.equal(res.status, 200);
  const metrics = await res.text();
  assert.match(metrics, /# TYPE rpc_server_duration histogram/);
  assert.match(metrics, /rpc_server_duration_count\{[^}]*rpc_service="p2pool.v1.Sharechain"[^}]*rpc_method="Health"[^}]*\} [1-9]/);
  assert.match(metrics, /rpc_server_duration_count\{[^}]*rpc_method="BanPeer"[^}]*rpc_code="OK"[^}]*\} 1/);

  const { code } = await p.terminate('SIGTERM');
  assert.equal(code, 0, p.stderr);
  const msgs = p.logs.map((r) => r.msg);
  assert.ok(msgs.includes('shutting down') && msgs.at(-1) === 'stopped', msgs.join(' | '));
  for (const r of p.logs) assert.notEqual(r.level, 'invalid', r.msg);
});

test('the embedded node in this process: every contract over the in-process bus', async () => {
  const parsed = parseArgs([...ANY_PORTS, '--instance', 'inproc', '--datadir', join(dir, 'inproc'), ...chain.args], 'x');
  assert.equal(parsed.kind, 'run');
  if (parsed.kind !== 'run') return;
  const lines: string[] = [];
  const log = createLogger({
    level: 'info' as LogLevel,
    write: (l) => {
      lines.push(l);
    },
    fields: { instance: 'inproc' },
  });
  const { host, bus } = await startNode(parsed.config, log, servicesFor(parsed.config.service));
  try {
    assert.equal(bus.kind, 'inproc');
    const clients = clientsFor(busRpc(bus));
    await eventually(() => assertAllHealthy(clients, () => 'inproc'), 'every service ready', 60_000);
    await assertContracts(clients, { address: chain.address, instanceOf: () => 'inproc', minHeight: 102 });
    assert.equal((await getJson(host.healthPort!, '/readyz')).status, 200);
  } finally {
    await host.shutdown('test done');
  }
  assert.equal(bus.state(), 'closed');
  assert.ok(lines.every((l) => JSON.parse(l).instance === 'inproc'));
});

// The embedded default: `p2pool` with no --nats runs all six services in one process over the
// in-process bus. The same checks as the cluster run: health endpoints, Health of every service over
// gRPC, registration, the admin token, a clean SIGTERM. Also the same node started inside the test
// process, called through the in-process bus.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SERVICE_NAMES } from '../../services/bus/contracts.ts';
import { busRpc } from '../../services/bus/rpc.ts';
import { parseArgs } from '../../services/cli/flags.ts';
import { startNode } from '../../services/cli/node.ts';
import { clientsFor } from '../../services/runtime/clients.ts';
import { createLogger, type LogLevel } from '../../services/runtime/log.ts';
import { eventually, getJson, P2poolProcess } from './procs.ts';
import { assertAllHealthy, assertGrpcApi } from './scenario.ts';

const TOKEN = 'embedded-test-admin-token';
const dir = mkdtempSync(join(tmpdir(), 'p2pool-embedded-'));
writeFileSync(join(dir, 'admin-token'), TOKEN);
const procs: P2poolProcess[] = [];

after(() => {
  for (const p of procs) p.kill();
  rmSync(dir, { recursive: true, force: true });
});

test('p2pool alone runs all six services in one process', async () => {
  const p = new P2poolProcess('p2pool', 'services/cli/main.ts', [
    '--instance', 'solo', '--health-port', '0', '--web-port', '0', '--grpc-port', '0',
    '--admin-token-file', join(dir, 'admin-token'), '--datadir', join(dir, 'data'), '--net', 'litecoin',
  ]);
  procs.push(p);
  const ports = await p.ports();
  assert.ok(ports.web && ports.grpc);

  // The address a newcomer is told to open.
  await eventually(async () => assert.match(p.stderr, new RegExp(`http://127\\.0\\.0\\.1:${ports.web}/`)), 'web address on stderr', 5_000);
  const page = await getJson(ports.web!, '/');
  assert.equal(page.status, 200);
  for (const name of SERVICE_NAMES) assert.ok(String(page.body).includes(`<td>${name}</td>`), `web page lists ${name}`);

  assert.equal((await getJson(ports.health, '/healthz')).status, 200);
  const ready = await getJson(ports.health, '/readyz');
  assert.equal(ready.status, 200, JSON.stringify(ready.body));
  assert.deepEqual(Object.keys(ready.body.services).sort(), [...SERVICE_NAMES].sort());
  assert.equal(ready.body.bus, 'connected');

  await assertGrpcApi(`127.0.0.1:${ports.grpc}`, TOKEN, () => 'solo');

  // The calls just made show up in the Prometheus metrics of the process.
  const res = await fetch(`http://127.0.0.1:${ports.health}/metrics`);
  assert.equal(res.status, 200);
  const metrics = await res.text();
  assert.match(metrics, /# TYPE rpc_server_duration histogram/);
  assert.match(metrics, /rpc_server_duration_count\{[^}]*rpc_service="p2pool.v1.Sharechain"[^}]*rpc_method="Health"[^}]*\} [1-9]/);
  assert.match(metrics, /rpc_server_duration_count\{[^}]*rpc_method="Drain"[^}]*rpc_code="OK"[^}]*\} 1/);

  const { code } = await p.terminate('SIGTERM');
  assert.equal(code, 0, p.stderr);
  const msgs = p.logs.map((r) => r.msg);
  assert.ok(msgs.includes('shutting down') && msgs.at(-1) === 'stopped', msgs.join(' | '));
  for (const r of p.logs) assert.notEqual(r.level, 'invalid', r.msg);
});

test('the embedded node in this process: every contract over the in-process bus', async () => {
  const parsed = parseArgs(['--health-port', '0', '--web-port', '0', '--grpc-port', '0', '--instance', 'inproc', '--datadir', join(dir, 'inproc')], 'x');
  assert.equal(parsed.kind, 'run');
  if (parsed.kind !== 'run') return;
  const lines: string[] = [];
  const log = createLogger({ level: 'info' as LogLevel, write: (l) => { lines.push(l); }, fields: { instance: 'inproc' } });
  const { host, bus } = await startNode(parsed.config, log);
  try {
    assert.equal(bus.kind, 'inproc');
    await assertAllHealthy(clientsFor(busRpc(bus)), () => 'inproc');
    assert.equal((await getJson(host.healthPort!, '/readyz')).status, 200);
  } finally {
    await host.shutdown('test done');
  }
  assert.equal(bus.state(), 'closed');
  assert.ok(lines.every((l) => JSON.parse(l).instance === 'inproc'));
});

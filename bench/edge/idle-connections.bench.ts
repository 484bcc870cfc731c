// Concurrent idle stratum connections per edge process, and RSS per connection.
// Server and clients are separate processes on loopback. Each connection subscribes,
// authorizes and receives set_difficulty + notify, then stays idle. Target: 50,000 under 1.5 GB.
// The process fd limit is raised to the hard limit with `ulimit -n`; where that is below
// 50,000 the maximum is measured and the 50,000 figure is extrapolated (and labelled so).
import { start, hardFdLimit } from './procs/spawn.ts';

const TARGET = 50_000;
const hard = hardFdLimit();
const serverMax = Math.min(TARGET, hard - 300);
const perClient = Math.min(hard - 300, 10_000);
const nClients = Math.ceil(serverMax / perClient);

const server = start(new URL('./procs/edge-server.ts', import.meta.url), { sweepIntervalMs: 5000 });
const { port } = await server.next<{ port: number }>((m) => m.ready === true);
await new Promise((r) => setTimeout(r, 500));
server.send({ cmd: 'mem' });
const base = await server.next<{ rss: number; heapUsed: number }>((m) => 'rss' in m);

const t0 = Date.now();
const clients = Array.from({ length: nClients }, (_, i) => start(new URL('./procs/idle-clients.ts', import.meta.url), {
  port, count: Math.min(perClient, serverMax - i * perClient), localAddress: `127.0.0.${2 + i}`, distinctUsers: false, concurrency: 200,
}));
const results = await Promise.all(clients.map((c) => c.next<{ ready: number; failed: number }>((m) => 'failed' in m)));
const openSeconds = (Date.now() - t0) / 1000;
const ready = results.reduce((a, r) => a + r.ready, 0);
const failed = results.reduce((a, r) => a + r.failed, 0);
await new Promise((r) => setTimeout(r, 1000));
server.send({ cmd: 'mem' });
const at = await server.next<{ rss: number; heapUsed: number; connections: number }>((m) => 'rss' in m);

const MB = 1024 * 1024;
const perConn = (at.rss - base.rss) / at.connections;
console.log(`edge_idle_fd_hard_limit: ${hard} fds`);
console.log(`edge_idle_connections_max: ${at.connections} connections`);
console.log(`edge_idle_connect_failures: ${failed} connections`);
console.log(`edge_idle_open_rate: ${Math.round(ready / openSeconds)} connections/s`);
console.log(`edge_idle_rss_baseline: ${(base.rss / MB).toFixed(1)} MB`);
console.log(`edge_idle_rss_at_max: ${(at.rss / MB).toFixed(1)} MB`);
console.log(`edge_idle_heap_at_max: ${(at.heapUsed / MB).toFixed(1)} MB`);
console.log(`edge_idle_rss_per_connection: ${(perConn / 1024).toFixed(2)} KB`);
if (at.connections >= TARGET) {
  console.log(`edge_idle_rss_at_50k: ${(at.rss / MB).toFixed(1)} MB`);
} else {
  console.log(`edge_idle_rss_at_50k_extrapolated_from_${at.connections}: ${((base.rss + perConn * TARGET) / MB).toFixed(1)} MB`);
}
for (const c of clients) c.send({ cmd: 'close' });
server.send({ cmd: 'stop' });
await new Promise((r) => setTimeout(r, 500));
for (const c of [server, ...clients]) c.kill();

// Concurrent idle stratum connections per edge process, and RSS per connection.
// Server and clients are separate processes on loopback. Each connection subscribes,
// authorizes and receives set_difficulty + notify, then stays idle. Target: 50,000 under 1.5 GB.
// The process fd limit is raised to the hard limit with `ulimit -n`; where that is below
// 50,000 (raising it needs CAP_SYS_RESOURCE) the maximum is measured and the 50,000 figure is
// extrapolated from the measured slope (and labelled so).
import { start, hardFdLimit } from './procs/spawn.ts';

const TARGET = 50_000;
const hard = hardFdLimit();
const serverMax = Math.min(TARGET, hard - 300);
// Clients open in steps of STEP, one after the other, and the server's RSS is read after each:
// the per-connection figure is the slope of a least-squares line through those points, so an
// extrapolation to 50,000 rests on the measured growth, not on one difference.
const STEP = Math.min(hard - 300, 5_000);
const nClients = Math.ceil(serverMax / STEP);

const server = start(new URL('./procs/edge-server.ts', import.meta.url), { sweepIntervalMs: 5000 });
const { port } = await server.next<{ port: number }>((m) => m.ready === true);
await new Promise((r) => setTimeout(r, 500));
server.send({ cmd: 'mem' });
const base = await server.next<{ rss: number; heapUsed: number }>((m) => 'rss' in m);

const t0 = Date.now();
const clients: ReturnType<typeof start>[] = [];
const points: { n: number; rss: number }[] = [{ n: 0, rss: base.rss }];
let ready = 0;
let failed = 0;
let at = { ...base, connections: 0 };
for (let i = 0; i < nClients; i++) {
  const c = start(new URL('./procs/idle-clients.ts', import.meta.url), {
    port,
    count: Math.min(STEP, serverMax - i * STEP),
    localAddress: `127.0.0.${2 + i}`,
    distinctUsers: false,
    concurrency: 200,
  });
  clients.push(c);
  const r = await c.next<{ ready: number; failed: number }>((m) => 'failed' in m);
  ready += r.ready;
  failed += r.failed;
  await new Promise((res) => setTimeout(res, 500));
  server.send({ cmd: 'mem' });
  at = await server.next<{ rss: number; heapUsed: number; connections: number }>((m) => 'rss' in m);
  points.push({ n: at.connections, rss: at.rss });
}
const openSeconds = (Date.now() - t0) / 1000;

// Least squares: rss = a + b·n.
const mean = (f: (p: { n: number; rss: number }) => number) => points.reduce((acc, p) => acc + f(p), 0) / points.length;
const mn = mean((p) => p.n);
const mr = mean((p) => p.rss);
const slope = points.reduce((acc, p) => acc + (p.n - mn) * (p.rss - mr), 0) / points.reduce((acc, p) => acc + (p.n - mn) ** 2, 0);
const intercept = mr - slope * mn;

const MB = 1024 * 1024;
console.log(`edge_idle_fd_hard_limit: ${hard} fds`);
console.log(`edge_idle_connections_max: ${at.connections} connections`);
console.log(`edge_idle_connect_failures: ${failed} connections`);
console.log(`edge_idle_open_rate: ${Math.round(ready / openSeconds)} connections/s`);
console.log(`edge_idle_rss_baseline: ${(base.rss / MB).toFixed(1)} MB`);
for (const p of points.slice(1)) console.log(`edge_idle_rss_at_${p.n}: ${(p.rss / MB).toFixed(1)} MB`);
console.log(`edge_idle_heap_at_max: ${(at.heapUsed / MB).toFixed(1)} MB`);
console.log(`edge_idle_rss_per_connection: ${(slope / 1024).toFixed(2)} KB`);
if (at.connections >= TARGET) {
  console.log(`edge_idle_rss_at_50k: ${(at.rss / MB).toFixed(1)} MB`);
} else {
  console.log(`edge_idle_rss_at_50k_extrapolated_from_${at.connections}: ${((intercept + slope * TARGET) / MB).toFixed(1)} MB`);
}
for (const c of clients) c.send({ cmd: 'close' });
server.send({ cmd: 'stop' });
await new Promise((r) => setTimeout(r, 500));
for (const c of [server, ...clients]) c.kill();

// New-work fan-out: time from a new template to mining.notify written to 10,000 stratum
// connections (target < 200 ms). Server and client are separate processes on loopback.
//   *_server_ms: from WorkSource.publish to the last notify handed to its socket (edge side)
//   *_e2e_ms:    from publish to the last of the 10,000 clients receiving it (wall clocks of
//                two processes on the same host)
// Two shapes: every miner on one payout address (one job, one shared notify buffer), and
// every miner on its own address (10,000 jobs built and encoded per event).
import { start } from './procs/spawn.ts';

const N = 10_000;
const ROUNDS = 7;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function run(distinctUsers: boolean, label: string): Promise<void> {
  const server = start(new URL('./procs/edge-server.ts', import.meta.url), {}, { cpu: 0 });
  const { port } = await server.next<{ port: number }>((m) => m.ready === true);
  const client = start(
    new URL('./procs/idle-clients.ts', import.meta.url),
    {
      port,
      count: N,
      localAddress: '127.0.0.2',
      distinctUsers,
      concurrency: 200,
    },
    { cpu: 1 },
  );
  const r = await client.next<{ ready: number; failed: number }>((m) => 'failed' in m);
  if (r.ready !== N) throw new Error(`only ${r.ready} of ${N} connections ready`);
  const serverMs: number[] = [];
  const e2eMs: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    await new Promise((res) => setTimeout(res, 300));
    client.send({ cmd: 'arm' });
    await client.next((m) => m.armed === true);
    const arrival = client.next<{ lastArrival: number }>((m) => 'lastArrival' in m);
    server.send({ cmd: 'publish', newBlock: i % 2 === 0 });
    const pub = await server.next<{ t0: number; loopMs: number; fanOut: { sessions: number } }>((m) => 't0' in m);
    if (pub.fanOut.sessions !== N) throw new Error(`fan-out reached ${pub.fanOut.sessions}`);
    const a = await arrival;
    serverMs.push(pub.loopMs);
    e2eMs.push(a.lastArrival - pub.t0);
  }
  console.log(`edge_fanout_${label}_server_ms_median: ${median(serverMs).toFixed(1)} ms`);
  console.log(`edge_fanout_${label}_server_ms_max: ${Math.max(...serverMs).toFixed(1)} ms`);
  console.log(`edge_fanout_${label}_e2e_ms_median: ${median(e2eMs).toFixed(1)} ms`);
  console.log(`edge_fanout_${label}_e2e_ms_max: ${Math.max(...e2eMs).toFixed(1)} ms`);
  client.send({ cmd: 'close' });
  server.send({ cmd: 'stop' });
  await new Promise((res) => setTimeout(res, 300));
  client.kill();
  server.kill();
}

console.log(`edge_fanout_connections: ${N} connections`);
await run(false, '10k_one_address');
await run(true, '10k_distinct_addresses');

// mining.submit throughput on one core with the full check, and latency.
// The edge process is pinned to CPU 0, the load generator to CPU 1 (separate processes, loopback).
// The job is synthetic but the check is real: sha256d of the coinbase, a 12-level merkle branch
// and the header (targets: ≥ 20,000 submits/s, p99 < 5 ms).
//   *_latency_*:        submit → reply as the miner process sees it (includes both processes'
//                       scheduling on this shared 2-CPU host and the client's own work)
//   *_edge_handling_*:  time the edge spends on each received chunk of submits (parse, full
//                       check, reply) — its own contribution to a submit's latency
// About 1 in 65,536 submits is rejected as low difficulty: the fixed difficulty 2^-32 is the
// easiest a real target allows, so the difficulty check runs for real too.
import { start } from './procs/spawn.ts';

async function load(label: string, conns: number, window: number, rate?: number): Promise<void> {
  const server = start(new URL('./procs/edge-server.ts', import.meta.url), {}, { cpu: 0 });
  const { port } = await server.next<{ port: number }>((m) => m.ready === true);
  const client = start(
    new URL('./procs/submit-client.ts', import.meta.url),
    { port, conns, window, rate, warmupMs: 2000, measureMs: 8000 },
    { cpu: 1 },
  );
  setTimeout(() => server.send({ cmd: 'record' }), 2000);
  const r = await client.next<{ rate: number; ok: number; errors: number; p50: number; p99: number; max: number; firstError: string }>(
    (m) => 'rate' in m,
  );
  if (r.firstError) console.log(`# first rejected reply: ${r.firstError}`);
  server.send({ cmd: 'stats' });
  const st = await server.next<{ chunkP50: number; chunkP99: number; chunkMax: number; chunks: number; submits: number }>(
    (m) => 'accepted' in m,
  );
  console.log(`edge_submits_${label}_per_second: ${Math.round(r.rate)} submits/s`);
  console.log(`edge_submits_${label}_latency_p50: ${r.p50.toFixed(2)} ms`);
  console.log(`edge_submits_${label}_latency_p99: ${r.p99.toFixed(2)} ms`);
  console.log(`edge_submits_${label}_latency_max: ${r.max.toFixed(2)} ms`);
  console.log(`edge_submits_${label}_rejected: ${r.errors} submits`);
  console.log(`edge_submits_${label}_edge_handling_p50: ${st.chunkP50.toFixed(3)} ms`);
  console.log(`edge_submits_${label}_edge_handling_p99: ${st.chunkP99.toFixed(3)} ms`);
  console.log(`edge_submits_${label}_edge_handling_max: ${st.chunkMax.toFixed(3)} ms`);
  server.send({ cmd: 'stop' });
  await new Promise((res) => setTimeout(res, 300));
  client.kill();
  server.kill();
}

// Saturation: how many submits one core handles (closed loop, enough in flight to keep it busy).
await load('saturated_16conn_x8', 16, 8);
// Latency at the target load: open loop at 20,000 submits/s spread over 200 miners.
await load('paced_20k_200conn', 200, 0, 20_000);

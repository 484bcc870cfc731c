// The edge under test, as its own process. Controlled over the IPC channel by a bench:
//   {cmd:'publish', newBlock} → {t0, fanOut}   (t0 = wall clock in ms, sub-ms resolution)
//   {cmd:'mem'}               → memory after a full GC and the connection count
//   {cmd:'stats'}             → the edge's counters
import { performance } from 'node:perf_hooks';
import { EdgeServer, StaticWorkSource } from '../../../services/edge/index.ts';
import { StratumSession } from '../../../services/edge/stratum/session.ts';
import { syntheticBasis } from './synthetic.ts';

// Bench-only instrumentation: time spent handling each received chunk (parse, check, reply),
// i.e. the edge's own share of a submit's latency, free of client and scheduler noise.
const chunkMs = new Float64Array(2_000_000);
let nChunks = 0;
let recording = false;
const receive = StratumSession.prototype.receive;
StratumSession.prototype.receive = function (this: StratumSession, chunk: Buffer): void {
  if (!recording) {
    receive.call(this, chunk);
    return;
  }
  const t = performance.now();
  receive.call(this, chunk);
  if (nChunks < chunkMs.length) chunkMs[nChunks++] = performance.now() - t;
};

const opts = JSON.parse(process.argv[2] ?? '{}') as { port?: number; sweepIntervalMs?: number };
const work = new StaticWorkSource(syntheticBasis(0));
let blocks = 0;
const edge = new EdgeServer({
  config: {
    host: '0.0.0.0',
    port: opts.port ?? 0,
    // Idle benches hold connections far longer than a miner would stay silent.
    idleTimeoutMs: 3_600_000,
    handshakeTimeoutMs: 600_000,
    sweepIntervalMs: opts.sweepIntervalMs ?? 5_000,
    addressValidator: null,
  },
  workSource: work,
  shareSink: {
    submitBlock() {
      blocks++;
    },
    submitShare() {},
  },
});
const wall = (): number => performance.timeOrigin + performance.now();
const port = await edge.start();

process.on('message', (m: { cmd: string; newBlock?: boolean }) => {
  if (m.cmd === 'publish') {
    const t0 = wall();
    work.publish(syntheticBasis(m.newBlock ? ++blocks : blocks), m.newBlock ?? false);
    const afterLoop = wall();
    // Everything was handed to the sockets synchronously; setImmediate runs after the pending
    // writes were attempted by libuv in this loop turn.
    setImmediate(() => process.send!({ t0, loopMs: afterLoop - t0, flushedMs: wall() - t0, fanOut: edge.lastFanOut }));
  } else if (m.cmd === 'mem') {
    (globalThis as { gc?: () => void }).gc?.();
    const mu = process.memoryUsage();
    process.send!({
      rss: mu.rss,
      heapUsed: mu.heapUsed,
      external: mu.external,
      arrayBuffers: mu.arrayBuffers,
      connections: edge.stratumConnections,
    });
  } else if (m.cmd === 'record') {
    nChunks = 0;
    recording = true;
    process.send!({ recording: true });
  } else if (m.cmd === 'stats') {
    recording = false;
    const sorted = chunkMs.subarray(0, nChunks).sort();
    const q = (p: number): number => (nChunks === 0 ? 0 : sorted[Math.min(nChunks - 1, Math.floor(p * nChunks))]!);
    process.send!({ ...edge.snapshot().counters, chunkP50: q(0.5), chunkP99: q(0.99), chunkMax: q(1), chunks: nChunks });
  } else if (m.cmd === 'stop') {
    void edge.stop().then(() => process.exit(0));
  }
});
process.send!({ ready: true, port });

// The graph history at its largest: every bin of every view of every stream filled, 20 miners (the
// per-sample cap) in the per-miner streams, a different 20 every sample. Prints its heap size, the
// saved JSON, the gzipped copy kept in KV by cluster web pods, and the cost of one sample.
import { gzipSync } from 'node:zlib';
import { VIEWS } from '../../services/web/graph/history.ts';
import { newHistory, recordSample, type Sample, type ShareCounts } from '../../services/web/graph/streams.ts';

const gc = (globalThis as { gc?: () => void }).gc;
gc?.();
const before = process.memoryUsage().heapUsed;
const db = newHistory();
// One sample per bin of the finest view over the longest span would take millions of samples; instead
// one sample in every bin of every view: each view's bins are filled once.
const miners = (i: number) =>
  Object.fromEntries(Array.from({ length: 20 }, (_, k) => [`rltc1q${String((i * 7 + k) % 5000).padStart(38, '0')}.rig${k}`, 1e6 + k]));
const sample = (i: number): Sample => ({
  localHashRate: 1e9,
  minerHashRates: miners(i),
  minerDeadHashRates: miners(i + 1),
  sharesTotal: i,
  sharesOrphan: 0,
  sharesDead: 0,
  attemptsToShare: 1e6,
  staleRates: { good: 1e12, orphan: 1e10, doa: 1e9 },
  desiredVersionRates: { 35: 1e12, 36: 1e11 },
  currentPayout: 0.1,
  currentPayouts: Object.fromEntries(Object.keys(miners(i)).map((k) => [k.split('.')[0]!, 0.01])),
  peers: { incoming: 5, outgoing: 8 },
  efficiency: 0.99,
  memoryUsage: 1e8,
  getworkLatency: 0.05,
  p2pBytes: null,
});
const t0 = 1_800_000_000;
let prev: ShareCounts | undefined;
let n = 0;
const start = performance.now();
for (const v of Object.values(VIEWS)) {
  for (let b = 0; b < v.binCount; b++) {
    prev = recordSample(db, t0 - b * v.binWidth, 5, sample(n++), prev);
  }
}
const perSample = (performance.now() - start) / n;
gc?.();
const heap = process.memoryUsage().heapUsed - before;
const json = JSON.stringify(db.toObject());
const gz = gzipSync(json);
process.stdout.write(`web_graph_history_heap: ${(heap / 1e6).toFixed(1)} MB\n`);
process.stdout.write(`web_graph_history_json: ${(json.length / 1e6).toFixed(2)} MB\n`);
process.stdout.write(`web_graph_history_kv_gzip: ${(gz.length / 1e3).toFixed(0)} KB\n`);
process.stdout.write(`web_graph_sample: ${(perSample * 1000).toFixed(0)} us\n`);

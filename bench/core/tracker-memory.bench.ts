// Tracker memory per share: heap retained by 2×CHAIN_LENGTH parsed shares in a tracker with all of
// them verified (the node's steady state), divided by the share count.
import { benchChain, benchNetwork, SHARES } from './chain-cache.ts';
import { parseWrappedShare } from '../../services/core/share/share.ts';
import { ShareTracker } from '../../services/core/tracker/share-tracker.ts';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');
const packed = benchChain('sha256d').map((b) => Buffer.from(b.toString('hex'), 'hex'));
const net = benchNetwork('sha256d');
gc();
gc();
const before = process.memoryUsage();
const tracker = new ShareTracker();
for (const p of packed) {
  const s = parseWrappedShare(net, p);
  tracker.add(s);
  tracker.verified.add(s);
}
gc();
gc();
const after = process.memoryUsage();
const perShare = (after.heapUsed + after.external + after.arrayBuffers - before.heapUsed - before.external - before.arrayBuffers) / SHARES;
console.log(`tracker_memory_per_share: ${Math.round(perShare)} bytes`);
console.log(`tracker_memory_total_${SHARES}: ${((after.heapUsed - before.heapUsed) / 1048576).toFixed(1)} MB heap`);
if (tracker.size !== SHARES) throw new Error('tracker lost shares');

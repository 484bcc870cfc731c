// Share version 36 next to v35, cold, on one core: full verification of a mainnet-shaped V36 chain
// (CHAIN_LENGTH 8640, scrypt; parse + PoW + hashes, add to the tracker, check() each share against
// its ancestors: decayed PPLNS and merged weights walk the whole window per share) and the memory a
// tracked V36 share costs. Compare with verify-chain.bench.ts and tracker-memory.bench.ts (v35).
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { homedir } from 'node:os';
import { buildChain, easyNetwork } from '../../services/core/testing/chain-builder.ts';
import { verifyChain } from '../../services/core/tracker/verify-chain.ts';
import { parseWrappedShare } from '../../services/core/share/share.ts';
import { ShareTracker } from '../../services/core/tracker/share-tracker.ts';

const CHAIN_LENGTH = 8640;
const SHARES = CHAIN_LENGTH + 1000;
const VERSION = 1; // bump when the builder's output changes
const net = easyNetwork({ chainLength: CHAIN_LENGTH, pow: 'scrypt', lineage: 'V36', version: 36 });

function v36Chain(): Buffer[] {
  const dir = join(process.env.P2POOL_CACHE ?? join(homedir(), '.cache', 'p2pool-ts'), 'bench');
  const file = join(dir, `chain-v36-scrypt-${SHARES}-v${VERSION}.hex`);
  if (existsSync(file))
    return readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => Buffer.from(l, 'hex'));
  mkdirSync(dir, { recursive: true });
  const t = performance.now();
  const { shares } = buildChain(net, { count: SHARES, templateTxs: 3000, desiredVersion: 36 });
  const packed = shares.map((s) => s.pack());
  writeFileSync(file + '.tmp', packed.map((p) => p.toString('hex')).join('\n') + '\n');
  renameSync(file + '.tmp', file);
  process.stderr.write(`# built ${SHARES}-share v36 chain in ${((performance.now() - t) / 1000).toFixed(1)} s (cached at ${file})\n`);
  return packed;
}

const packed = v36Chain();

// Memory first, before verification leaves garbage behind.
const gc = (globalThis as { gc?: () => void }).gc;
if (gc) {
  const copies = packed.map((b) => Buffer.from(b.toString('hex'), 'hex'));
  gc();
  gc();
  const before = process.memoryUsage();
  const tracker = new ShareTracker();
  for (const p of copies) {
    const s = parseWrappedShare(net, p);
    tracker.add(s);
    tracker.verified.add(s);
  }
  gc();
  gc();
  const after = process.memoryUsage();
  const perShare =
    (after.heapUsed + after.external + after.arrayBuffers - before.heapUsed - before.external - before.arrayBuffers) / SHARES;
  console.log(`tracker_memory_per_v36_share: ${Math.round(perShare)} bytes`);
  if (tracker.size !== SHARES) throw new Error('tracker lost shares');
  tracker.removeMany([...tracker.nodes.keys()]);
}

const t0 = performance.now();
let tFull = 0;
let failed = 0;
for (const v of verifyChain(net, packed, Math.floor(Date.now() / 1000) + 10 ** 9)) {
  if (!v.ok) failed++;
  if (v.index === CHAIN_LENGTH - 1) tFull = performance.now();
}
const t1 = performance.now();
if (failed) throw new Error(`${failed} shares failed verification`);
console.log(`verify_chain_v36_${SHARES}_scrypt: ${((t1 - t0) / 1000).toFixed(2)} s`);
console.log(`verify_v36_per_share_growing_window: ${((tFull - t0) / CHAIN_LENGTH).toFixed(2)} ms`);
console.log(`verify_v36_per_share_full_window: ${((t1 - tFull) / (SHARES - CHAIN_LENGTH)).toFixed(2)} ms`);

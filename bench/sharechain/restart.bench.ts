// Restart to serving work with 2×CHAIN_LENGTH shares stored (target < 5 s) and the service's RSS with
// them loaded (target < 200 MB). The store is written once by a sharechain that verified the chain;
// a fresh process (this one, measuring) then loads it as a restarted node would.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { getHeapSpaceStatistics } from 'node:v8';
import { benchChain, benchNetwork, SHARES } from '../core/chain-cache.ts';
import { parseWrappedShare } from '../../services/core/index.ts';
import { Sharechain } from '../../services/sharechain/sharechain.ts';
import { FileShareStore } from '../../services/sharechain/store/file-store.ts';
import { testAddresses } from '../../services/core/testing/chain-builder.ts';

const net = benchNetwork('sha256d');
const payout = { address: testAddresses(net, 1)[0]!, workerFeePercent: 0, donationPercent: 0 };
const TEMPLATE = {
  templateId: 1,
  previousBlock: 0x00000000000000000002a7c4c1e48d76c5a37902165a270156b7a8d72728a054n,
  bits: 0x1f6d3a06,
  height: 650000,
  subsidy: 625_000_000n,
};

if (process.argv[2] === 'restart') {
  // The restarted process: load, think, first work basis.
  const dir = process.argv[3]!;
  const t0 = performance.now();
  const sc = new Sharechain({ net, store: new FileShareStore(dir), thinkIntervalMs: 0, payout });
  const ready = new Promise<void>((resolve) =>
    sc.onWorkBasis((b) => {
      if (b.syncState === 'synced' && b.pplns) resolve();
    }),
  );
  await sc.start();
  sc.setTemplate(TEMPLATE);
  await ready;
  const ms = performance.now() - t0;
  (globalThis as { gc?: () => void }).gc?.();
  const rss = process.memoryUsage().rss;
  const m = process.memoryUsage();
  // V8 grows the young generation while the load's ~25 MB of parsed shares survive it (to 2 × 32 MB
  // reserved) and keeps what it touched until a GC sees a low allocation rate: part of the RSS.
  const young = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.physical_space_size ?? 0;
  process.stderr.write(
    `# heapUsed ${(m.heapUsed / 1048576).toFixed(0)} MB (young generation holds ${(young / 1048576).toFixed(0)} MB), external ${(m.external / 1048576).toFixed(0)} MB, arrayBuffers ${(m.arrayBuffers / 1048576).toFixed(0)} MB\n`,
  );
  process.stdout.write(JSON.stringify({ ms, rss, shares: sc.tracker.size, verified: sc.tracker.verified.size }) + '\n');
  process.exit(0);
}

const packed = benchChain('sha256d');
const dir = mkdtempSync(join(tmpdir(), 'sc-bench-'));
try {
  // Write the store as a running node would have: shares, then the verified marks of think().
  const writer = new Sharechain({ net, store: new FileShareStore(dir), thinkIntervalMs: 0, payout });
  await writer.start();
  writer.setTemplate(TEMPLATE);
  const shares = packed.map((p) => parseWrappedShare(net, p));
  for (let i = 0; i < shares.length; i += 2000) await writer.addShares(shares.slice(i, i + 2000), { peer: 'bench:1' });
  await writer.stop();

  const r = spawnSync(process.execPath, ['--expose-gc', import.meta.filename, 'restart', dir], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (r.status !== 0) throw new Error(r.stderr);
  const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
  if (out.shares !== SHARES) throw new Error(`restarted with ${out.shares} shares, stored ${SHARES}`);
  process.stdout.write(`sharechain_restart_to_work_${SHARES}_shares: ${(out.ms / 1000).toFixed(2)} s\n`);
  process.stdout.write(`sharechain_rss_${SHARES}_shares: ${(out.rss / 1048576).toFixed(0)} MB\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

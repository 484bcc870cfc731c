// CoreWorkSource job building: a work basis on a 2×CHAIN_LENGTH chain (litecoin-shaped, PPLNS window
// of REAL_CHAIN_LENGTH shares) and a 1 MB template.
//   core_work_prepare_ms:        per new template: the transaction walk, segwit_data, branch (once per work)
//   core_work_job_build_ms_*:    per (address, share target) on a new epoch: generateTransaction + encoding
//   core_work_job_cached_us:     a cache hit (every further connection of the same key)
//   core_work_job_build_literal_ms: generateTransaction with the decoded template per job (what the
//                                reference does per get_work; the fast path must equal it byte for byte)
//   core_work_basis_update_ms:   a new best share arriving in the basis (one share parsed)
//   core_work_jobs_*_distinct_ms: the work-source side of a fan-out: N distinct addresses, one epoch
//   core_work_share_build_ms / core_work_block_assembly_ms: the submit path for a solution
import { buildChain, testAddresses } from '../../services/core/testing/chain-builder.ts';
import { powHash, type Share } from '../../services/core/index.ts';
import { CoreWorkSource, CoreShareSink } from '../../services/edge/core-work/index.ts';
import type { JobTemplate, Solution } from '../../services/edge/work-source.ts';
import { sha256d } from '../../services/core/index.ts';
import { setup, basisFor, median } from './core-work-setup.ts';

const t0 = performance.now();
const s = setup();
process.stderr.write(
  `# set-up: ${s.shares} shares, ${s.miners} miners in the window, ${s.work.transactions.length} template txs (${(s.work.txBytes / 1e6).toFixed(2)} MB), ${((performance.now() - t0) / 1000).toFixed(1)} s\n`,
);

function fresh(mode: 'fast' | 'core' = 'fast'): CoreWorkSource {
  const ws = new CoreWorkSource({ net: s.net, mode });
  ws.setWork(s.work);
  ws.setBasis(s.basis);
  return ws;
}

const addresses = testAddresses(s.net, 10_000);
const out = (name: string, v: number, unit: string, digits = 2) => console.log(`${name}: ${v.toFixed(digits)} ${unit}`);

// Prepare (first job of a work minus a second job's cost) — measured by the source itself.
const prep: number[] = [];
for (let i = 0; i < 7; i++) {
  const ws = fresh();
  ws.getJobTemplate({ payoutAddress: addresses[0]!, desiredShareTarget: null });
  prep.push(ws.stats().lastPrepareMs);
}
out('core_work_prepare_1mb_template_ms', median(prep), 'ms');

// Per-key builds on one epoch: a miner in the window, a newcomer, and a /DIFF target.
const ws = fresh();
ws.getJobTemplate({ payoutAddress: addresses[0]!, desiredShareTarget: null }); // prepare
const inWindow = [...s.basis.pplns!.weights.keys()];
const times: Record<string, number[]> = { in_window: [], newcomer: [], share_diff: [] };
for (let i = 0; i < 200; i++) {
  let a = performance.now();
  ws.getJobTemplate({ payoutAddress: inWindow[i % inWindow.length]!, desiredShareTarget: BigInt(i + 1) << 200n });
  times.share_diff!.push(performance.now() - a);
  a = performance.now();
  ws.getJobTemplate({ payoutAddress: addresses[100 + i]!, desiredShareTarget: null });
  times.newcomer!.push(performance.now() - a);
}
for (let i = 0; i < inWindow.length; i++) {
  const a = performance.now();
  ws.getJobTemplate({ payoutAddress: inWindow[i]!, desiredShareTarget: null });
  times.in_window!.push(performance.now() - a);
}
for (const [k, v] of Object.entries(times)) out(`core_work_job_build_ms_${k}`, median(v), 'ms', 3);
out('core_work_job_build_ms_p99', [...times.newcomer!].sort((a, b) => a - b)[197]!, 'ms', 3);
{
  const key = { payoutAddress: addresses[100]!, desiredShareTarget: null };
  const n = 100_000;
  const a = performance.now();
  for (let i = 0; i < n; i++) ws.getJobTemplate(key);
  out('core_work_job_cached_us', ((performance.now() - a) * 1000) / n, 'us', 3);
}

// The literal path (decoded template as knownTxs, per job).
{
  const lit = fresh('core');
  const a0 = performance.now();
  lit.getJobTemplate({ payoutAddress: addresses[0]!, desiredShareTarget: null });
  out('core_work_prepare_literal_ms', performance.now() - a0, 'ms');
  const v: number[] = [];
  for (let i = 1; i <= 7; i++) {
    const a = performance.now();
    lit.getJobTemplate({ payoutAddress: addresses[i]!, desiredShareTarget: null });
    v.push(performance.now() - a);
  }
  out('core_work_job_build_literal_ms', median(v), 'ms');
}

// A new best share → the next basis → the view update (one parse), then the first job on it.
{
  const next = buildChain(s.net, { count: 1, tracker: s.tracker, parent: s.best, salt: 77, startTime: 1800000000 }).shares[0]!;
  const b2 = basisFor(s.net, s.tracker, next.hash, 2);
  const a = performance.now();
  ws.setBasis(b2);
  out('core_work_basis_update_ms', performance.now() - a, 'ms');
  const c = performance.now();
  ws.getJobTemplate({ payoutAddress: addresses[0]!, desiredShareTarget: null });
  out('core_work_first_job_after_basis_ms', performance.now() - c, 'ms');
}

// Fan-out, work-source side: N distinct addresses in one new epoch (every one a cache miss). The first
// pass also fills the core's address → script cache (process-wide, 100k entries); the second, on the
// next epoch, is the steady state. Memory: what the N cached jobs keep.
for (const n of [1000, 10_000]) {
  const f = fresh();
  f.getJobTemplate({ payoutAddress: addresses[0]!, desiredShareTarget: null });
  let a = performance.now();
  for (let i = 0; i < n; i++) f.getJobTemplate({ payoutAddress: addresses[i]!, desiredShareTarget: null });
  out(`core_work_jobs_${n}_distinct_addresses_first_seen_ms`, performance.now() - a, 'ms', 0);
  f.setBasis({ ...s.basis, staleInfo: 253 }); // a new epoch on the same chain
  f.getJobTemplate({ payoutAddress: addresses[0]!, desiredShareTarget: null });
  // Array buffers of the dropped epoch are freed by a background task: let it run before measuring.
  const settle = async () => {
    for (let k = 0; k < 3; k++) {
      (globalThis as { gc?: () => void }).gc?.();
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  await settle();
  const mem = () => {
    const m = process.memoryUsage();
    return m.heapUsed + m.external;
  };
  const m0 = mem();
  a = performance.now();
  for (let i = 0; i < n; i++) f.getJobTemplate({ payoutAddress: addresses[i]!, desiredShareTarget: null });
  out(`core_work_jobs_${n}_distinct_addresses_ms`, performance.now() - a, 'ms', 0);
  await settle();
  out(`core_work_job_memory_${n}_distinct`, (mem() - m0) / n / 1024, 'KB/job', 1);
}

// Submit path: the share (get_share: merkle link over the template) and the block bytes.
{
  const job: JobTemplate = ws.getJobTemplate({ payoutAddress: addresses[1]!, desiredShareTarget: null });
  const nonce8 = Buffer.alloc(8, 7);
  const coinbase = Buffer.concat([job.coinb1, nonce8, job.coinb2]);
  let root = sha256d(coinbase);
  for (const b of job.merkleBranch) root = sha256d(Buffer.concat([root, b]));
  const header = Buffer.alloc(80);
  header.writeUInt32LE(job.version, 0);
  job.prevHash.copy(header, 4);
  root.copy(header, 36);
  header.writeUInt32LE(job.ntime, 68);
  header.writeUInt32LE(job.bits, 72);
  const pow = powHash(s.net, header);
  const shareTimes: number[] = [];
  const blockTimes: number[] = [];
  let built: Share | null = null;
  let blockBytes = 0;
  const sink = new CoreShareSink({
    submitBlock: (b) => {
      blockBytes = b.length;
    },
    submitShare: () => {},
    onShare: (sh) => {
      built = sh;
    },
  });
  const sol: Solution = {
    template: { ...job, shareTarget: 1n << 256n },
    header,
    coinbase,
    coinbaseNonce: nonce8,
    powHash: pow,
    isBlock: true,
    isShare: true,
    isAux: false,
    doa: false,
    username: 'bench',
    payoutAddress: null,
    worker: '',
    receivedAt: Date.now(),
  };
  for (let i = 0; i < 7; i++) {
    let a = performance.now();
    sink.submitBlock(sol);
    blockTimes.push(performance.now() - a);
    a = performance.now();
    sink.submitShare(sol);
    shareTimes.push(performance.now() - a);
  }
  if (!built || sink.counters.errors) throw new Error(`sink failed: ${sink.counters.lastError}`);
  out('core_work_block_assembly_ms', median(blockTimes), 'ms', 3);
  out('core_work_block_bytes', blockBytes / 1e6, 'MB', 2);
  out('core_work_share_build_ms', median(shareTimes), 'ms');
}

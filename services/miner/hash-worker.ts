// One hashing thread of the CPU miner. It takes a work item (a job, this thread's extranonce2
// slice and the target), walks nonces in small batches and yields between batches so a new
// work item or a stop message is seen within milliseconds. Solutions and hash counts go back to
// the main thread, which owns the stratum connection.
import { setTimeout as sleep } from 'node:timers/promises';
import { parentPort } from 'node:worker_threads';
import { headerFor, extranonce2For, type NotifyJob } from './job.ts';
import { powHash, meetsTarget, type PowAlgorithm } from './pow.ts';

export interface WorkItem {
  type: 'work';
  /** Increases with every item: a solution carries it so stale ones are dropped. */
  gen: number;
  job: NotifyJob;
  extranonce1: Uint8Array;
  extranonce2Size: number;
  /** This thread's extranonce2 values: first, first + step, ... (the top byte is the item's generation). */
  en2First: number;
  en2Step: number;
  targetLE: Uint8Array;
  algorithm: PowAlgorithm;
  /** Fraction of the time this thread hashes (1 = flat out). */
  duty: number;
  /** Hashes per second this thread may do (0 = no cap). */
  maxRate: number;
}

export type WorkerMessage = WorkItem | { type: 'idle' } | { type: 'stop' };

export type WorkerReport =
  | { type: 'found'; gen: number; jobId: string; extranonce2: string; nonce: number; hash: string }
  | { type: 'hashes'; n: number };

const port = parentPort!;
let current: WorkItem | null = null;
let running = false;
let pendingHashes = 0;
let lastReport = performance.now();

function toBuffer(u: Uint8Array): Buffer {
  return Buffer.from(u.buffer, u.byteOffset, u.byteLength);
}

function report(force = false): void {
  const now = performance.now();
  if (pendingHashes > 0 && (force || now - lastReport > 200)) {
    port.postMessage({ type: 'hashes', n: pendingHashes } satisfies WorkerReport);
    pendingHashes = 0;
    lastReport = now;
  }
}

const yieldToMessages = () => new Promise<void>((r) => setImmediate(r));

async function mine(): Promise<void> {
  running = true;
  while (current !== null) {
    const w = current;
    const job: NotifyJob = {
      ...w.job,
      prevHash: toBuffer(w.job.prevHash),
      coinb1: toBuffer(w.job.coinb1),
      coinb2: toBuffer(w.job.coinb2),
      branch: w.job.branch.map(toBuffer),
    };
    const en1 = toBuffer(w.extranonce1);
    const target = toBuffer(w.targetLE);
    // Small enough batches that new work is picked up within ~10 ms (or, when capped, ~50 ms of the cap).
    const full = w.algorithm === 'scrypt' ? 32 : 4096;
    const batch = w.maxRate > 0 ? Math.max(1, Math.min(full, Math.floor(w.maxRate / 20))) : full;
    outer: for (let en2 = w.en2First; current === w; en2 += w.en2Step) {
      const en2Bytes = extranonce2For(en2 >>> 0, w.extranonce2Size);
      const header = headerFor(job, en1, en2Bytes);
      for (let nonce = 0; nonce <= 0xffffffff; nonce += batch) {
        const t0 = performance.now();
        const end = Math.min(nonce + batch, 0x100000000);
        for (let n = nonce; n < end; n++) {
          header.writeUInt32LE(n, 76);
          const h = powHash(w.algorithm, header);
          if (meetsTarget(h, target)) {
            port.postMessage({
              type: 'found',
              gen: w.gen,
              jobId: job.jobId,
              extranonce2: en2Bytes.toString('hex'),
              nonce: n,
              hash: Buffer.from(h).reverse().toString('hex'),
            } satisfies WorkerReport);
          }
        }
        pendingHashes += end - nonce;
        report();
        const spent = performance.now() - t0;
        let pause = w.duty < 1 ? (spent * (1 - w.duty)) / w.duty : 0;
        if (w.maxRate > 0) pause = Math.max(pause, ((end - nonce) * 1000) / w.maxRate - spent);
        if (pause > 0) await sleep(pause);
        else await yieldToMessages();
        if (current !== w) break outer;
      }
    }
  }
  report(true);
  running = false;
}

port.on('message', (m: WorkerMessage) => {
  if (m.type === 'stop') {
    current = null;
    report(true);
    port.close();
    return;
  }
  if (m.type === 'idle') {
    current = null;
    return;
  }
  current = m;
  if (!running) void mine();
});

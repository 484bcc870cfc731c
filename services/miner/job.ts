// A mining.notify job and the header it yields for an extranonce2 (docs/protocol.md §8.3): coinbase =
// coinb1 || extranonce1 || extranonce2 || coinb2; merkle root = the coinbase hash folded up the
// branch; prevhash, version, nbits and ntime come in the stratum's word-swapped hex.
import { sha256d } from './pow.ts';

export interface NotifyJob {
  jobId: string;
  /** 32 bytes, internal order (the notify's word-swapped hex undone). */
  prevHash: Buffer;
  coinb1: Buffer;
  coinb2: Buffer;
  branch: Buffer[];
  version: number;
  bits: number;
  ntime: number;
  /** The hex strings as received: submits echo ntime back. */
  ntimeHex: string;
  clean: boolean;
}

function u32FromHex(v: unknown, what: string): number {
  if (typeof v !== 'string' || !/^[0-9a-fA-F]{1,8}$/.test(v))
    throw new Error(`mining.notify: ${what} is not 8 hex digits: ${JSON.stringify(v)}`);
  return parseInt(v, 16) >>> 0;
}

function hexBytes(v: unknown, what: string, len?: number): Buffer {
  if (typeof v !== 'string' || v.length % 2 || !/^[0-9a-fA-F]*$/.test(v)) throw new Error(`mining.notify: ${what} is not hex`);
  const b = Buffer.from(v, 'hex');
  if (len !== undefined && b.length !== len) throw new Error(`mining.notify: ${what} is not ${len} bytes`);
  return b;
}

/** Parses mining.notify params: [job_id, prevhash, coinb1, coinb2, merkle_branch, version, nbits, ntime, clean_jobs]. */
export function parseNotify(params: unknown[]): NotifyJob {
  if (!Array.isArray(params) || params.length < 9) throw new Error('mining.notify: expected 9 params');
  const [jobId, prevhash, coinb1, coinb2, branch, version, nbits, ntime, clean] = params;
  if (typeof jobId !== 'string' && typeof jobId !== 'number') throw new Error('mining.notify: bad job id');
  if (!Array.isArray(branch)) throw new Error('mining.notify: merkle_branch is not a list');
  const prev = hexBytes(prevhash, 'prevhash', 32);
  // The prevhash is sent with each 4-byte word byte-reversed: swap back to internal order.
  for (let i = 0; i < 32; i += 4) prev.writeUInt32LE(prev.readUInt32BE(i), i);
  return {
    jobId: String(jobId),
    prevHash: prev,
    coinb1: hexBytes(coinb1, 'coinb1'),
    coinb2: hexBytes(coinb2, 'coinb2'),
    branch: branch.map((h, i) => hexBytes(h, `merkle_branch[${i}]`, 32)),
    version: u32FromHex(version, 'version'),
    bits: u32FromHex(nbits, 'nbits'),
    ntime: u32FromHex(ntime, 'ntime'),
    ntimeHex: String(ntime),
    clean: clean === true,
  };
}

/** The 80-byte header (nonce 0) for a job, extranonce1 and extranonce2. */
export function headerFor(job: NotifyJob, extranonce1: Buffer, extranonce2: Buffer): Buffer {
  let root = sha256d(Buffer.concat([job.coinb1, extranonce1, extranonce2, job.coinb2]));
  for (const h of job.branch) root = sha256d(Buffer.concat([root, h]));
  const header = Buffer.alloc(80);
  header.writeUInt32LE(job.version, 0);
  job.prevHash.copy(header, 4);
  root.copy(header, 36);
  header.writeUInt32LE(job.ntime, 68);
  header.writeUInt32LE(job.bits, 72);
  return header;
}

/** extranonce2 bytes for a counter (big-endian, so the hex a submit carries reads as the counter). */
export function extranonce2For(counter: number, size: number): Buffer {
  const b = Buffer.alloc(size);
  let c = counter;
  for (let i = size - 1; i >= 0 && c > 0; i--) {
    b[i] = c & 0xff;
    c = Math.floor(c / 256);
  }
  return b;
}

// Builds and solves blocks from template-builder work, for tests and benches on regtest. The real
// P2Pool coinbase (gentx) comes from the consensus core; this one has the same shape where it
// matters to the full node: BIP34 height push, witness commitment with P2Pool's reserved value,
// payout outputs, the donation output and the 42-byte OP_RETURN ref output last.
import { encodeTx, type Tx } from '../../services/core/bitcoin/tx.ts';
import { pushInteger, pushData } from '../../services/core/bitcoin/script.ts';
import { scryptPow } from '../../services/core/crypto/scrypt.ts';
import { sha256d } from '../../services/core/index.ts';
import { assembleBlock, blockMerkleRoot, encodeBlockHeader, headerHashHex } from '../../services/pool/work/block.ts';
import { witnessCommitmentScript, type Work } from '../../services/pool/work/template.ts';

export const P2POOL_RESERVED = Buffer.from('[P2Pool][P2Pool][P2Pool][P2Pool]', 'ascii');
export const DONATION_SCRIPT = Buffer.from(
  '4104ffd03de44a6e11b9917f3a29f9443283d9871c9d743ef30d5eddcd37094b64d1b3d8090496b53256786bf5c82932ec23c3b74d9f05a6f95a8b5529352656664bac',
  'hex',
);

export interface CoinbaseOptions {
  payoutScript: Buffer;
  /** Total paid (default: the template's coinbase value). */
  value?: bigint;
  /** P2Pool layout: payout, donation, OP_RETURN ref; reserved value "[P2Pool]"x4. */
  p2poolStyle?: boolean;
  /** Distinguishes otherwise identical coinbases (e.g. two blocks on the same template). */
  extraNonce?: number;
}

export interface Coinbase {
  tx: Tx;
  full: Buffer;
  txidRaw: Buffer;
}

export function buildCoinbase(work: Work, opts: CoinbaseOptions): Coinbase {
  const value = opts.value ?? work.coinbaseValue;
  const script = Buffer.concat([
    pushInteger(work.height),
    pushData(Buffer.from(`/p2pool-ts/${opts.extraNonce ?? 0}/`)),
    work.coinbaseFlags,
  ]).subarray(0, 100);
  const reserved = opts.p2poolStyle ? P2POOL_RESERVED : Buffer.alloc(32);
  const outputs: Tx['outputs'] = [];
  if (work.segwit) outputs.push({ value: 0n, script: witnessCommitmentScript(work, reserved) });
  if (opts.p2poolStyle) {
    const donation = value / 200n;
    outputs.push({ value: value - donation, script: opts.payoutScript });
    outputs.push({ value: donation, script: DONATION_SCRIPT });
    const ref = Buffer.alloc(40);
    sha256d(Buffer.from(`ref ${work.height} ${opts.extraNonce ?? 0}`)).copy(ref, 0);
    outputs.push({ value: 0n, script: Buffer.concat([Buffer.from([0x6a, 0x28]), ref]) });
  } else {
    outputs.push({ value, script: opts.payoutScript });
  }
  const tx: Tx = {
    version: 1,
    ...(work.segwit ? { flag: 1 } : {}),
    inputs: [{ prevHash: 0n, prevIndex: 0xffffffff, script, sequence: 0xffffffff, witness: work.segwit ? [reserved] : [] }],
    outputs,
    lockTime: 0,
  };
  return { tx, full: encodeTx(tx, true), txidRaw: sha256d(encodeTx(tx, false)) };
}

export interface SolvedBlock {
  block: Buffer;
  header: Buffer;
  hash: string;
  coinbase: Coinbase;
}

/** Grinds the nonce until the header meets the template target (about two tries on regtest). */
export function solveBlock(
  work: Work,
  pow: 'sha256d' | 'scrypt',
  cb: Coinbase,
  opts: { timestamp?: number; merkleRoot?: Buffer } = {},
): SolvedBlock {
  const root = opts.merkleRoot ?? blockMerkleRoot(work, cb.txidRaw);
  const timestamp = opts.timestamp ?? Math.max(work.curtime, work.mintime);
  for (let nonce = 0; nonce < 0xffffffff; nonce++) {
    const header = encodeBlockHeader(work, root, { version: work.version, timestamp, nonce });
    const h = pow === 'scrypt' ? scryptPow(header) : sha256d(header);
    if (BigInt('0x' + Buffer.from(h).reverse().toString('hex')) <= work.target) {
      return { block: assembleBlock(work, header, cb.full), header, hash: headerHashHex(header), coinbase: cb };
    }
  }
  throw new Error('no nonce meets the target');
}

export function mineBlock(work: Work, pow: 'sha256d' | 'scrypt', opts: CoinbaseOptions & { timestamp?: number }): SolvedBlock {
  return solveBlock(work, pow, buildCoinbase(work, opts), { timestamp: opts.timestamp });
}

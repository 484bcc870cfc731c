// getblocktemplate result → Work: the template in the form the rest of the pool uses (hashes as
// bigint, raw transaction bytes, the coinbase's merkle branch, the witness merkle root), after
// checking that it is sane enough to mine on. Transactions are kept as the node serialized them:
// P2Pool never changes them, and Litecoin's MWEB (HogEx) format is not something to re-encode.
import type { CoinParams } from '../coins.ts';
import { coinbaseBranchPacked, merkleRootPacked } from './merkle.ts';
import { bitsToTarget } from '../../core/bitcoin/bits.ts';
import { decodeTx, type Tx } from '../../core/bitcoin/tx.ts';
import { sha256d } from '../../core/crypto/hash.ts';
import { u256FromLE } from '../../core/bitcoin/uint256.ts';

export interface TemplateTx {
  /** As the node serialized it (witness and MWEB data included). */
  data: Buffer;
  /** Hash of the stripped serialization, as bigint (raw bytes read little-endian). */
  txid: bigint;
  /** Witness hash (GBT `hash`); equals txid for transactions without witness. */
  wtxid: bigint;
  fee: bigint | null;
  weight: number | null;
  sigops: number | null;
  /** 1-based indexes of template transactions this one spends, as in GBT. */
  depends: number[];
  /** Litecoin's MWEB integrating transaction: must stay the last transaction of the block. */
  hogEx: boolean;
}

export interface Work {
  coin: string;
  network: string;
  /** Which configured full node this came from. */
  source: string;
  version: number;
  /** Hash of the block this work builds on (bigint, raw bytes little-endian) and in display hex. */
  previousBlock: bigint;
  previousBlockHex: string;
  height: number;
  bits: number;
  target: bigint;
  curtime: number;
  mintime: number;
  maxtime: number | undefined;
  /** Everything the coinbase may pay out: subsidy plus all template fees. */
  coinbaseValue: bigint;
  /** Concatenated raw coinbaseaux values, appended to the coinbase script. */
  coinbaseFlags: Buffer;
  rules: string[];
  segwit: boolean;
  transactions: TemplateTx[];
  /** P2Pool's per-transaction key (hash of the full serialization = wtxid), in template order. */
  txHashes: bigint[];
  fees: (bigint | null)[];
  totalFees: bigint;
  /** Coinbase merkle branch over txids (Stratum's merkle_branch), leaf 0 = coinbase. */
  merkleBranch: bigint[];
  /** Same, as raw 32-byte hashes ready for a block header. */
  merkleBranchRaw: Buffer[];
  /**
   * merkle_hash([0] + wtxids): commit to it with hash256(root || reserved value). Computed on first
   * use (it costs as much as the merkle branch and not every consumer needs it), then kept.
   */
  readonly witnessMerkleRoot: bigint;
  readonly witnessMerkleRootRaw: Buffer;
  /** The node's own commitment script (reserved value of zeros), if it sent one. */
  defaultWitnessCommitment: Buffer | undefined;
  /** Litecoin MWEB block body: blocks built on this work end with 0x01 || mweb. */
  mweb: Buffer | undefined;
  weightLimit: number;
  sigopLimit: number;
  sizeLimit: number;
  /** Sum of template tx weights (GBT's own figures). */
  txWeight: number;
  txBytes: number;
  longpollId: string | undefined;
  /** performance.now() when the template arrived; latency figures start here. */
  receivedAt: number;
  /** Date.now() when the template arrived. */
  lastUpdateMs: number;
  /** Set by the TemplateBuilder when it publishes this work: increases with every publication. */
  templateId: number;
  /** Empty work on a header the node has not templated yet (docs/protocol.md §8.1), not a node template. */
  emptyShortcut?: boolean;
}

export class TemplateError extends Error {
  constructor(message: string) {
    super(`unusable block template: ${message}`);
    this.name = 'TemplateError';
  }
}

const HEX64 = /^[0-9a-fA-F]{64}$/;
// The coinbase and header are not in the template's weight; 4,000 weight units is what Core reserves.
const COINBASE_WEIGHT_RESERVE = 4000;
// P2Pool's coinbase has up to 4,000 outputs but they are all P2PKH/P2WPKH/P2SH: at most 4 sigops
// (x4 scale) each for P2PKH. Core reserves 400; we reserve what 100 legacy outputs would cost.
const COINBASE_SIGOPS_RESERVE = 400;
const MAX_SUBSIDY = 50n * 100_000_000n;

function hex64(v: unknown, what: string): string {
  if (typeof v !== 'string' || !HEX64.test(v))
    throw new TemplateError(`${what} is not a 64-digit hex hash: ${JSON.stringify(v)?.slice(0, 80)}`);
  return v;
}

function int(v: unknown, what: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
    throw new TemplateError(`${what} is not an integer in [${min}, ${max}]: ${JSON.stringify(v)}`);
  return v;
}

/** Litecoin marks its HogEx with the MWEB bit (0x08) in the segwit flag byte. */
function isHogEx(data: Buffer): boolean {
  return data.length > 6 && data[4] === 0 && (data[5]! & 0x08) !== 0;
}

export interface ParseOptions {
  source?: string;
  receivedAt?: number;
  /** Recompute every transaction's wtxid from its data (costs a hash of the whole template). */
  verifyHashes?: boolean;
}

/** Checks the rule set: unknown mandatory rules ("!x") make a template unusable; required ones must be there. */
export function checkRules(rules: string[] | undefined, coin: CoinParams): void {
  if (rules === undefined) return; // btcd does not report rules
  const names = new Set(rules.map((r) => (r.startsWith('!') ? r.slice(1) : r)));
  for (const r of rules) {
    if (r.startsWith('!') && !coin.knownRules.has(r.slice(1))) {
      throw new TemplateError(`the node enforces rule "${r.slice(1)}", which this pool cannot build blocks for`);
    }
  }
  for (const req of coin.requiredRules) {
    if (!names.has(req))
      throw new TemplateError(`soft fork "${req}" is not active on the node (template rules: ${rules.join(', ') || 'none'})`);
  }
}

export function parseTemplate(gbt: any, coin: CoinParams, opts: ParseOptions = {}): Work {
  if (!gbt || typeof gbt !== 'object') throw new TemplateError('getblocktemplate returned no object');
  const receivedAt = opts.receivedAt ?? performance.now();
  const version = int(gbt.version, 'version', 1, 0xffffffff);
  const previousBlockHex = hex64(gbt.previousblockhash, 'previousblockhash').toLowerCase();
  const height = int(gbt.height, 'height', 1);
  if (typeof gbt.bits !== 'string' || !/^[0-9a-fA-F]{8}$/.test(gbt.bits))
    throw new TemplateError(`bits is not 8 hex digits: ${JSON.stringify(gbt.bits)}`);
  const bits = parseInt(gbt.bits, 16);
  const target = bitsToTarget(bits);
  if (gbt.target !== undefined && BigInt('0x' + hex64(gbt.target, 'target')) !== target) {
    throw new TemplateError(`target ${gbt.target} does not match bits ${gbt.bits}`);
  }
  if (target < coin.saneTargetMin || target > coin.saneTargetMax) {
    throw new TemplateError(`target ${target.toString(16).padStart(64, '0')} is outside the sane range for ${coin.coin} ${coin.network}`);
  }
  const curtime = int(gbt.curtime, 'curtime', 1, 0xffffffff);
  const mintime = gbt.mintime === undefined ? curtime : int(gbt.mintime, 'mintime', 0, 0xffffffff);
  if (curtime < mintime) throw new TemplateError(`curtime ${curtime} is before mintime ${mintime}`);
  const maxtime = gbt.maxtime === undefined ? undefined : int(gbt.maxtime, 'maxtime', 0, 0xffffffff);
  if (typeof gbt.coinbasevalue !== 'number' || !Number.isSafeInteger(gbt.coinbasevalue) || gbt.coinbasevalue < 0) {
    throw new TemplateError(
      `coinbasevalue is missing or not a satoshi amount (a node that only offers coinbasetxn is not supported): ${JSON.stringify(gbt.coinbasevalue)}`,
    );
  }
  const coinbaseValue = BigInt(gbt.coinbasevalue);
  const rules: string[] | undefined = Array.isArray(gbt.rules) ? gbt.rules.map(String) : undefined;
  checkRules(rules, coin);

  let flagsHex = '';
  if (gbt.coinbaseaux && typeof gbt.coinbaseaux === 'object') {
    for (const v of Object.values(gbt.coinbaseaux)) {
      if (typeof v !== 'string' || !/^([0-9a-fA-F]{2})*$/.test(v))
        throw new TemplateError(`coinbaseaux value is not hex: ${JSON.stringify(v)}`);
      flagsHex += v;
    }
  }

  const list: any[] = gbt.transactions ?? [];
  if (!Array.isArray(list)) throw new TemplateError('transactions is not a list');
  const n = list.length;
  const transactions = new Array<TemplateTx>(n);
  const txHashes = new Array<bigint>(n);
  const fees = new Array<bigint | null>(n);
  // txids packed back to back for the merkle branch; wtxids after a zero coinbase wtxid for the witness root.
  const txidsPacked = Buffer.allocUnsafe(n * 32);
  const wtxidsPacked = Buffer.alloc((n + 1) * 32);
  let totalFees = 0n;
  let txWeight = 0;
  let txBytes = 0;
  let txSigops = 0;
  for (let i = 0; i < n; i++) {
    const t = list[i];
    if (!t || typeof t.data !== 'string' || t.data.length % 2 || t.data.length === 0)
      throw new TemplateError(`transaction ${i} has no hex data`);
    const data = Buffer.from(t.data, 'hex');
    if (data.length * 2 !== t.data.length) throw new TemplateError(`transaction ${i} data is not hex`);
    const txidHex = t.txid;
    const wtxidHex = t.hash === undefined ? txidHex : t.hash;
    // Buffer.write stops at the first non-hex digit, so a short write is a malformed hash.
    if (typeof txidHex !== 'string' || txidHex.length !== 64 || txidsPacked.write(txidHex, i * 32, 32, 'hex') !== 32)
      hex64(txidHex, `transaction ${i} txid`);
    if (typeof wtxidHex !== 'string' || wtxidHex.length !== 64 || wtxidsPacked.write(wtxidHex, (i + 1) * 32, 32, 'hex') !== 32)
      hex64(wtxidHex, `transaction ${i} hash`);
    txidsPacked.subarray(i * 32, i * 32 + 32).reverse();
    const wtxidRaw = wtxidsPacked.subarray((i + 1) * 32, (i + 2) * 32).reverse();
    const hogEx = isHogEx(data);
    if (hogEx && i !== n - 1) throw new TemplateError(`transaction ${i} is a HogEx but not the last transaction`);
    if (opts.verifyHashes && !hogEx) {
      const h = sha256d(data);
      if (!h.equals(wtxidRaw)) throw new TemplateError(`transaction ${i} data does not hash to its hash ${wtxidHex}`);
    }
    const fee = t.fee === undefined ? null : BigInt(int(t.fee, `transaction ${i} fee`));
    const depends: number[] = Array.isArray(t.depends) ? t.depends : [];
    for (const d of depends) {
      if (!Number.isInteger(d) || d < 1 || d > i)
        throw new TemplateError(`transaction ${i + 1} depends on ${d}, which does not come before it`);
    }
    const weight = typeof t.weight === 'number' ? t.weight : null;
    transactions[i] = {
      data,
      txid: BigInt('0x' + txidHex),
      wtxid: BigInt('0x' + wtxidHex),
      fee,
      weight,
      sigops: typeof t.sigops === 'number' ? t.sigops : null,
      depends,
      hogEx,
    };
    txHashes[i] = transactions[i]!.wtxid;
    fees[i] = fee;
    if (fee !== null) totalFees += fee;
    txWeight += weight ?? data.length * 4;
    txBytes += data.length;
    txSigops += transactions[i]!.sigops ?? 0;
  }
  if (totalFees > coinbaseValue) throw new TemplateError(`fees ${totalFees} exceed coinbasevalue ${coinbaseValue}`);
  if (coinbaseValue - totalFees > MAX_SUBSIDY) throw new TemplateError(`coinbasevalue ${coinbaseValue} implies a subsidy above 50 coins`);

  const mwebActive = rules?.includes('mweb') ?? false;
  let mweb: Buffer | undefined;
  if (gbt.mweb !== undefined) {
    if (typeof gbt.mweb !== 'string' || !/^([0-9a-fA-F]{2})+$/.test(gbt.mweb)) throw new TemplateError('mweb is not hex');
    mweb = Buffer.from(gbt.mweb, 'hex');
    if (n === 0 || !transactions[n - 1]!.hogEx) throw new TemplateError('template has MWEB data but its last transaction is not the HogEx');
  } else if (mwebActive && n > 0 && transactions[n - 1]!.hogEx) {
    throw new TemplateError('template has a HogEx but no mweb data');
  }

  const weightLimit = gbt.weightlimit === undefined ? 4_000_000 : int(gbt.weightlimit, 'weightlimit', 1);
  const sigopLimit = gbt.sigoplimit === undefined ? 80_000 : int(gbt.sigoplimit, 'sigoplimit');
  if (txSigops + COINBASE_SIGOPS_RESERVE > sigopLimit)
    throw new TemplateError(`transactions use ${txSigops} sigops, over the limit ${sigopLimit} less the coinbase reserve`);
  if (txWeight + COINBASE_WEIGHT_RESERVE > weightLimit)
    throw new TemplateError(`transactions weigh ${txWeight}, over the limit ${weightLimit} less the coinbase reserve`);

  const branchRaw = coinbaseBranchPacked(txidsPacked, n);
  let witnessRootRaw: Buffer | undefined;
  let witnessRoot: bigint | undefined;
  let defaultWitnessCommitment: Buffer | undefined;
  if (gbt.default_witness_commitment !== undefined) {
    const c = gbt.default_witness_commitment;
    // Core sends the whole output script; btcd v0.26 sends only the 32-byte commitment hash.
    if (typeof c === 'string' && /^6a24aa21a9ed[0-9a-fA-F]{64}$/i.test(c)) defaultWitnessCommitment = Buffer.from(c, 'hex');
    else if (typeof c === 'string' && HEX64.test(c)) defaultWitnessCommitment = Buffer.from('6a24aa21a9ed' + c, 'hex');
    else
      throw new TemplateError(
        `default_witness_commitment is neither a witness commitment script nor its hash: ${JSON.stringify(c)?.slice(0, 100)}`,
      );
  }
  const segwit = rules ? rules.some((r) => r === 'segwit' || r === '!segwit') : true;

  return {
    coin: coin.coin,
    network: coin.network,
    source: opts.source ?? '',
    version,
    previousBlock: BigInt('0x' + previousBlockHex),
    previousBlockHex,
    height,
    bits,
    target,
    curtime,
    mintime,
    maxtime,
    coinbaseValue,
    coinbaseFlags: Buffer.from(flagsHex, 'hex'),
    rules: rules ?? [],
    segwit,
    transactions,
    txHashes,
    fees,
    totalFees,
    merkleBranch: branchRaw.map(rawToBigint),
    merkleBranchRaw: branchRaw,
    get witnessMerkleRootRaw() {
      return (witnessRootRaw ??= merkleRootPacked(wtxidsPacked, n + 1));
    },
    get witnessMerkleRoot() {
      return (witnessRoot ??= rawToBigint(this.witnessMerkleRootRaw));
    },
    defaultWitnessCommitment,
    mweb,
    weightLimit,
    sigopLimit,
    sizeLimit: gbt.sizelimit === undefined ? 4_000_000 : int(gbt.sizelimit, 'sizelimit'),
    txWeight,
    txBytes,
    longpollId: typeof gbt.longpollid === 'string' ? gbt.longpollid : undefined,
    receivedAt,
    lastUpdateMs: Date.now(),
    templateId: 0,
  };
}

/** A raw 32-byte hash as the bigint the rest of the pool uses (the core's u256FromLE). */
export const rawToBigint = u256FromLE;

/** Witness commitment output script for a reserved value: 6a24aa21a9ed || sha256d(root || reserved). */
export function witnessCommitmentScript(work: Pick<Work, 'witnessMerkleRootRaw'>, reservedValue: Buffer): Buffer {
  if (reservedValue.length !== 32) throw new Error('witness reserved value must be 32 bytes');
  const c = sha256d(Buffer.concat([work.witnessMerkleRootRaw, reservedValue]));
  return Buffer.concat([Buffer.from('6a24aa21a9ed', 'hex'), c]);
}

/**
 * Template transactions decoded by the consensus core, for consumers that need inputs and outputs.
 * Litecoin's HogEx has a format of its own and is returned as undefined: it is never re-encoded.
 */
export function decodeTransactions(work: Pick<Work, 'transactions'>): (Tx | undefined)[] {
  return work.transactions.map((t) => (t.hogEx ? undefined : decodeTx(t.data)));
}

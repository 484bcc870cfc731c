// Synthetic block templates for tests and benches: deterministic, structurally real transactions
// (segwit and legacy, P2WPKH outputs) turned into the template builder's Work by its own parser.
import { encodeTx, hash256, u256ToHex, type Tx } from '../../core/index.ts';
import { parseTemplate, type Work } from '../../pool/work/template.ts';
import { coinParams } from '../../pool/coins.ts';

export interface SyntheticTemplateOptions {
  /** Stop adding transactions at this many bytes (default 1 MB). */
  bytes?: number;
  /** Or this many transactions. */
  count?: number;
  /** Every n-th transaction has a witness (default 2). */
  witnessEvery?: number;
  height?: number;
  bits?: number;
  previousBlockHex?: string;
  curtime?: number;
  coin?: 'bitcoin' | 'litecoin';
  seed?: number;
  /** Fee per transaction (default 1000 + index). */
  fee?: (i: number) => number;
  subsidy?: number;
}

function prng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}

function bytes(n: number, next: () => number): Buffer {
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i += 4) b.writeUInt32LE(next(), i < n - 3 ? i : n - 4);
  return b;
}

export function syntheticTx(i: number, witness: boolean, next: () => number): Tx {
  const nIn = 1 + (i % 2);
  const inputs = Array.from({ length: nIn }, () => ({
    prevHash: BigInt('0x' + bytes(32, next).toString('hex')),
    prevIndex: next() % 4,
    script: witness ? Buffer.alloc(0) : Buffer.concat([Buffer.from([0x47]), bytes(71, next), Buffer.from([0x21]), bytes(33, next)]),
    sequence: 0xfffffffd,
    witness: witness ? [bytes(71, next), bytes(33, next)] : [],
  }));
  const outputs = Array.from({ length: 2 }, () => ({
    value: BigInt(next() % 100_000_000),
    script: Buffer.concat([Buffer.from([0x00, 0x14]), bytes(20, next)]),
  }));
  const tx: Tx = { version: 2, inputs, outputs, lockTime: 0 };
  if (witness) tx.flag = 1;
  return tx;
}

/** A getblocktemplate-shaped object with synthetic transactions. */
export function syntheticGbt(o: SyntheticTemplateOptions = {}): Record<string, unknown> {
  const next = prng(o.seed ?? 1);
  const maxBytes = o.bytes ?? 1_000_000;
  const txs: Record<string, unknown>[] = [];
  let total = 0;
  let fees = 0;
  for (let i = 0; o.count !== undefined ? i < o.count : total < maxBytes; i++) {
    const tx = syntheticTx(i, i % (o.witnessEvery ?? 2) === 0, next);
    const full = encodeTx(tx, true);
    const stripped = encodeTx(tx, false);
    const fee = o.fee ? o.fee(i) : 1000 + i;
    fees += fee;
    total += full.length;
    txs.push({
      data: full.toString('hex'),
      txid: u256ToHex(hash256(stripped)),
      hash: u256ToHex(hash256(full)),
      fee,
      weight: stripped.length * 3 + full.length,
      sigops: 1,
      depends: [],
    });
  }
  return {
    version: 0x20000000,
    previousblockhash: o.previousBlockHex ?? '0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206',
    height: o.height ?? 650_000,
    bits: (o.bits ?? 0x1f00ffff).toString(16).padStart(8, '0'),
    curtime: o.curtime ?? 1_700_000_000,
    mintime: (o.curtime ?? 1_700_000_000) - 600,
    coinbasevalue: (o.subsidy ?? 625_000_000) + fees,
    coinbaseaux: { flags: '' },
    rules: ['csv', 'segwit'],
    transactions: txs,
    weightlimit: 40_000_000,
    sigoplimit: 800_000,
    sizelimit: 40_000_000,
  };
}

/** The same as Work, through the template builder's parser (regtest limits so any bits are sane). */
export function syntheticWork(o: SyntheticTemplateOptions = {}): Work {
  return parseTemplate(syntheticGbt(o), coinParams(o.coin ?? 'litecoin', 'regtest'));
}

// Figure: turning a 1 MB, ~3,000-transaction getblocktemplate answer into work (target < 20 ms;
// the reference spends ~300 ms per MB). The template is synthetic but exact: real segwit
// transactions encoded by the core, their txid/wtxid computed, GBT's JSON shape and field order.
import { randomBytes, hash } from 'node:crypto';
import { encodeTx, type Tx } from '../../services/core/bitcoin/tx.ts';
import { parseTemplate } from '../../services/pool/work/template.ts';
import { coinParams } from '../../services/pool/coins.ts';

const N = 3000;
const coin = coinParams('litecoin', 'regtest');

function sha256dHex(b: Buffer): string {
  return hash('sha256', hash('sha256', b, 'buffer'), 'buffer')
    .reverse()
    .toString('hex');
}

function makeTemplate(): { json: string; bytes: number } {
  const txs = [];
  let bytes = 0;
  for (let i = 0; i < N; i++) {
    // About 333 bytes each: 1-2 segwit inputs, 2 outputs, a 72-byte signature and a pubkey per input.
    const nIn = i % 3 === 0 ? 2 : 1;
    const tx: Tx = {
      version: 2,
      flag: 1,
      inputs: Array.from({ length: nIn }, () => ({
        prevHash: BigInt('0x' + randomBytes(32).toString('hex')),
        prevIndex: i % 4,
        script: Buffer.alloc(0),
        sequence: 0xfffffffd,
        witness: [randomBytes(72), randomBytes(33)],
      })),
      outputs: [
        { value: 100_000n + BigInt(i), script: Buffer.concat([Buffer.from([0, 20]), randomBytes(20)]) },
        { value: 5_000_000n, script: Buffer.concat([Buffer.from([0, 32]), randomBytes(32)]) },
      ],
      lockTime: 0,
    };
    if (nIn === 1) tx.outputs.push({ value: 1n, script: Buffer.concat([Buffer.from([0x6a, 0x4c, 60]), randomBytes(60)]) });
    const full = encodeTx(tx, true);
    const stripped = encodeTx(tx, false);
    bytes += full.length;
    txs.push({
      data: full.toString('hex'),
      txid: sha256dHex(stripped),
      hash: sha256dHex(full),
      depends: [],
      fee: 1000 + i,
      sigops: 1,
      weight: stripped.length * 3 + full.length,
    });
  }
  const fees = txs.reduce((s, t) => s + t.fee, 0);
  const gbt = {
    capabilities: ['proposal'],
    version: 536870912,
    rules: ['csv', '!segwit', 'taproot'],
    vbavailable: {},
    vbrequired: 0,
    previousblockhash: randomBytes(32).toString('hex'),
    transactions: txs,
    coinbaseaux: {},
    coinbasevalue: 5_000_000_000 + fees,
    longpollid: 'x',
    target: '7fffff0000000000000000000000000000000000000000000000000000000000',
    mintime: 1795253458,
    mutable: ['time', 'transactions', 'prevblock'],
    noncerange: '00000000ffffffff',
    sigoplimit: 80000,
    sizelimit: 4000000,
    weightlimit: 4000000,
    curtime: 1795253458,
    bits: '207fffff',
    height: 102,
  };
  return { json: JSON.stringify(gbt), bytes };
}

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}

const { json, bytes } = makeTemplate();
const parsed = JSON.parse(json);
// Warm up the JIT, as a long-running service would be.
for (let i = 0; i < 5; i++) parseTemplate(JSON.parse(json), coin);

const toWork: number[] = [];
const withJson: number[] = [];
const verified: number[] = [];
const withWitnessRoot: number[] = [];
for (let i = 0; i < 30; i++) {
  let t = performance.now();
  parseTemplate(parsed, coin);
  toWork.push(performance.now() - t);
  t = performance.now();
  parseTemplate(JSON.parse(json), coin);
  withJson.push(performance.now() - t);
  t = performance.now();
  parseTemplate(parsed, coin, { verifyHashes: true });
  verified.push(performance.now() - t);
  t = performance.now();
  void parseTemplate(parsed, coin).witnessMerkleRootRaw;
  withWitnessRoot.push(performance.now() - t);
}
const w = parseTemplate(parsed, coin);
console.log(`template_size: ${(bytes / 1e6).toFixed(3)} MB`);
console.log(`template_transactions: ${w.transactions.length} txs`);
console.log(`template_to_work_median: ${quantile(toWork, 0.5).toFixed(2)} ms`);
console.log(`template_to_work_p99: ${quantile(toWork, 0.99).toFixed(2)} ms`);
console.log(`template_json_to_work_median: ${quantile(withJson, 0.5).toFixed(2)} ms`);
console.log(`template_to_work_with_witness_root_median: ${quantile(withWitnessRoot, 0.5).toFixed(2)} ms`);
console.log(`template_to_work_verified_hashes_median: ${quantile(verified, 0.5).toFixed(2)} ms`);

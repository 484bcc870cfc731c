import { Reader } from '../codec/reader.ts';
import { Writer } from '../codec/writer.ts';
import { DecodeError } from '../codec/errors.ts';
import { hash256 } from '../crypto/hash.ts';

export interface TxIn {
  /** Previous txid; 0n with index 0xffffffff is the coinbase "None" outpoint. */
  prevHash: bigint;
  prevIndex: number;
  script: Buffer;
  sequence: number;
  witness: Buffer[];
}

export interface TxOut {
  value: bigint;
  script: Buffer;
}

export interface Tx {
  version: number;
  /** Segwit serialization flag: present iff the tx was (or is to be) written in the marker/flag form. */
  flag?: number;
  inputs: TxIn[];
  outputs: TxOut[];
  lockTime: number;
}

export const COINBASE_PREV_INDEX = 0xffffffff;

export function readTx(r: Reader, field = 'tx'): Tx {
  const version = r.u32(`${field}.version`);
  const start = r.pos;
  const first = r.varint(`${field}.tx_ins`);
  let flag: number | undefined;
  if (first === 0) {
    flag = r.u8(`${field}.flag`);
    if (flag === 0) throw new DecodeError(`${field}.flag`, start + 1, 'segwit flag is zero');
  } else {
    r.pos = start;
  }
  const nIn = r.count(`${field}.tx_ins`, 41);
  const inputs = new Array<TxIn>(nIn);
  for (let i = 0; i < nIn; i++) {
    const prevHash = r.u256(`${field}.tx_ins[${i}].previous_output.hash`);
    const prevIndex = r.u32(`${field}.tx_ins[${i}].previous_output.index`);
    const script = r.varstr(`${field}.tx_ins[${i}].script`);
    const sequence = r.u32(`${field}.tx_ins[${i}].sequence`);
    inputs[i] = { prevHash, prevIndex, script, sequence, witness: [] };
  }
  const nOut = r.count(`${field}.tx_outs`, 9);
  const outputs = new Array<TxOut>(nOut);
  for (let i = 0; i < nOut; i++) {
    outputs[i] = { value: r.u64(`${field}.tx_outs[${i}].value`), script: r.varstr(`${field}.tx_outs[${i}].script`) };
  }
  if (flag !== undefined) {
    for (let i = 0; i < nIn; i++) {
      const n = r.count(`${field}.witness[${i}]`, 1);
      const stack = new Array<Buffer>(n);
      for (let j = 0; j < n; j++) stack[j] = r.varstr(`${field}.witness[${i}][${j}]`);
      inputs[i]!.witness = stack;
    }
  }
  const lockTime = r.u32(`${field}.lock_time`);
  return flag === undefined ? { version, inputs, outputs, lockTime } : { version, flag, inputs, outputs, lockTime };
}

export function writeTx(w: Writer, tx: Tx, withWitness = true): Writer {
  const segwit = withWitness && tx.flag !== undefined && tx.flag >= 1;
  w.u32(tx.version);
  if (segwit) w.u8(0).u8(tx.flag!);
  w.varint(tx.inputs.length);
  for (const i of tx.inputs) w.u256(i.prevHash).u32(i.prevIndex).varstr(i.script).u32(i.sequence);
  w.varint(tx.outputs.length);
  for (const o of tx.outputs) w.u64(o.value).varstr(o.script);
  if (segwit) {
    for (const i of tx.inputs) {
      w.varint(i.witness.length);
      for (const item of i.witness) w.varstr(item);
    }
  }
  return w.u32(tx.lockTime);
}

export function decodeTx(buf: Uint8Array): Tx {
  const r = new Reader(buf);
  const tx = readTx(r);
  r.done('tx');
  return tx;
}

/** Full serialization (witness included when the tx has the segwit flag) unless withWitness is false. */
export function encodeTx(tx: Tx, withWitness = true): Buffer {
  return writeTx(new Writer(256), tx, withWitness).toBuffer();
}

/** The txid: hash of the stripped serialization. */
export function txid(tx: Tx): bigint {
  return hash256(encodeTx(tx, false));
}

export function hasWitness(tx: Tx): boolean {
  return tx.flag !== undefined && tx.inputs.some((i) => i.witness.length > 0);
}

/** The wtxid: hash of the full serialization when the tx carries witness data, else the txid. */
export function wtxid(tx: Tx): bigint {
  return hasWitness(tx) ? hash256(encodeTx(tx, true)) : txid(tx);
}

/** P2Pool's node key for a transaction: sha256d of whatever full serialization it has. */
export function nodeTxHash(tx: Tx): bigint {
  return hash256(encodeTx(tx, true));
}

export function strippedSize(tx: Tx): number {
  return encodeTx(tx, false).length;
}

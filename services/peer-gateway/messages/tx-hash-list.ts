// The layout shared by have_tx, losing_tx and forget_tx: a list of transaction hashes.
import { Reader, Writer } from '../../core/index.ts';

export interface TxHashesMessage {
  txHashes: bigint[];
}

export function encodeTxHashes(m: TxHashesMessage): Buffer {
  return new Writer(1 + 32 * m.txHashes.length).u256List(m.txHashes).toBuffer();
}

export function decodeTxHashes(command: string, payload: Buffer): TxHashesMessage {
  const r = new Reader(payload);
  const txHashes = r.u256List(`${command}.tx_hashes`);
  r.done(command);
  return { txHashes };
}

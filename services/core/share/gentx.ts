import type { Tx, TxOut } from '../bitcoin/tx.ts';
import { COINBASE_PREV_INDEX } from '../bitcoin/tx.ts';
import { Writer } from '../codec/writer.ts';
import { hash256 } from '../crypto/hash.ts';
import { u256ToLE } from '../bitcoin/uint256.ts';
import { WITNESS_RESERVED_VALUE } from './constants.ts';

/** hash256(wtxid_merkle_root || "[P2Pool]"×4): the segwit commitment P2Pool's gentx carries. */
export function witnessCommitment(wtxidMerkleRoot: bigint): bigint {
  return hash256(Buffer.concat([u256ToLE(wtxidMerkleRoot), WITNESS_RESERVED_VALUE]));
}

export function witnessCommitmentScript(wtxidMerkleRoot: bigint): Buffer {
  return Buffer.concat([Buffer.from('6a24aa21a9ed', 'hex'), u256ToLE(witnessCommitment(wtxidMerkleRoot))]);
}

/** The OP_RETURN output committing to the share: `6a28 || ref_hash || last_txout_nonce`. */
export function refOutputScript(refHash: bigint, lastTxoutNonce: bigint): Buffer {
  return new Writer(42).bytes(Buffer.from('6a28', 'hex')).bytes(u256ToLE(refHash)).u64(lastTxoutNonce).toBuffer();
}

/**
 * The generation transaction (docs/protocol.md §4.5 step 10): one coinbase input, the witness commitment first
 * when segwit is active (`commitmentScript`, from witnessCommitmentScript), the payouts, and the ref
 * output last; witness = the reserved value.
 */
export function buildGentx(
  coinbase: Buffer,
  payouts: readonly TxOut[],
  refHash: bigint,
  lastTxoutNonce: bigint,
  commitmentScript: Buffer | null,
): Tx {
  const outputs: TxOut[] = [];
  if (commitmentScript !== null) outputs.push({ value: 0n, script: commitmentScript });
  for (const p of payouts) outputs.push(p);
  outputs.push({ value: 0n, script: refOutputScript(refHash, lastTxoutNonce) });
  const input = {
    prevHash: 0n,
    prevIndex: COINBASE_PREV_INDEX,
    script: coinbase,
    sequence: 0xffffffff,
    witness: commitmentScript !== null ? [WITNESS_RESERVED_VALUE] : [],
  };
  const tx: Tx = { version: 1, inputs: [input], outputs, lockTime: 0 };
  if (commitmentScript !== null) tx.flag = 1;
  return tx;
}

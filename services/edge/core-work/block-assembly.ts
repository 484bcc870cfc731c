// The full block for a solved job (docs/protocol.md §8.6 step 2): the miner hashed the stripped coinbase; the
// block carries the gentx WITH its witness (marker, flag, the "[P2Pool]"x4 reserved value), then the
// template transactions the share included, then Litecoin's MWEB suffix. Assembly is the template
// builder's block.ts; only the witness splice is done here, on bytes, so nothing is re-encoded.
import { encodeVarInt } from '../../core/index.ts';
import { assembleBlock } from '../../pool/work/block.ts';
import type { JobPayload } from './job-builder.ts';

/**
 * Full serialization of the gentx from its stripped bytes: version || 00 flag || ins+outs ||
 * witness || lock_time. Without a segwit flag the stripped bytes are the full serialization.
 */
export function gentxWithWitness(stripped: Buffer, flag: number | undefined, witness: readonly Buffer[]): Buffer {
  if (flag === undefined) return stripped;
  // The gentx has one input (the coinbase), so one witness stack.
  const parts: Buffer[] = [stripped.subarray(0, 4), Buffer.from([0, flag]), stripped.subarray(4, stripped.length - 4)];
  parts.push(encodeVarInt(witness.length));
  for (const item of witness) parts.push(encodeVarInt(item.length), item);
  parts.push(stripped.subarray(stripped.length - 4));
  return Buffer.concat(parts);
}

/** Block bytes for a solved header on a job: ready for submitblock and the P2P `block` message. */
export function blockForSolution(payload: JobPayload, header80: Buffer, strippedCoinbase: Buffer): Buffer {
  const coinbase = gentxWithWitness(strippedCoinbase, payload.gentxFlag, payload.gentxWitness);
  return assembleBlock(
    { transactions: payload.selection.transactions as JobPayload['work']['transactions'], mweb: payload.work.mweb },
    header80,
    coinbase,
  );
}

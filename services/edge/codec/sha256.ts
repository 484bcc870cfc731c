// Hashes used on the miner edge: the core's (one-shot node:crypto for sha256d, the core's
// resumable SHA-256 for getwork's midstate, which node:crypto does not expose).
import { Sha256State } from '../../core/crypto/sha256-state.ts';
export { sha256, sha256d } from '../../core/crypto/hash.ts';

/**
 * SHA-256 state after compressing exactly one 64-byte block, as eight big-endian words
 * (getwork's `midstate` is this state with each word written little-endian).
 */
export function sha256MidstateWords(block: Uint8Array): Uint32Array {
  if (block.length !== 64) throw new RangeError('midstate needs exactly one 64-byte block');
  const state = new Sha256State().update(block).state;
  const words = new Uint32Array(8);
  for (let i = 0; i < 8; i++) words[i] = state.readUInt32BE(4 * i);
  return words;
}

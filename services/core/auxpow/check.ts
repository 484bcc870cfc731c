// Whether an AuxPoW proves work for an aux block: the rules of Namecoin's CAuxPow::check, which
// Dogecoin shares (docs/merged-mining.md). The proof of work itself (parent header hash under the
// aux target) is separate, since chains hash the parent header differently (sha256d, scrypt).
import { encodeTx } from '../bitcoin/tx.ts';
import { hash256 } from '../crypto/hash.ts';
import type { AuxPow } from './auxpow.ts';
import { chainIdOfVersion } from './auxpow.ts';
import { expectedIndex, foldMerkleBranch, MAX_AUX_TREE_HEIGHT } from './aux-tree.ts';
import { MERGED_MINING_MAGIC } from './merged-mining.ts';

export class AuxPowError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'AuxPowError';
  }
}

export interface AuxPowCheckOptions {
  /** Reject a parent block carrying the aux chain's own chain id (fStrictChainId: true on Namecoin and Dogecoin mainnet). */
  strictChainId?: boolean;
}

/** Throws AuxPowError with the chains' own reason when `a` does not commit to `auxBlockHash` for `chainId`. */
export function checkAuxPow(a: AuxPow, auxBlockHash: bigint, chainId: number, o: AuxPowCheckOptions = {}): void {
  if (a.coinbaseIndex !== 0) throw new AuxPowError('AuxPow is not a generate');
  if ((o.strictChainId ?? true) && chainIdOfVersion(a.parentHeader.version) === chainId)
    throw new AuxPowError('Aux POW parent has our chain ID');
  if (a.chainBranch.length > MAX_AUX_TREE_HEIGHT) throw new AuxPowError('Aux POW chain merkle branch too long');

  const root = foldMerkleBranch(auxBlockHash, a.chainBranch, a.chainIndex);
  // The root appears in the coinbase in display (big-endian) order.
  const rootBytes = Buffer.from(root.toString(16).padStart(64, '0'), 'hex');

  const txid = hash256(encodeTx(a.coinbaseTx, false));
  if (foldMerkleBranch(txid, a.coinbaseBranch, a.coinbaseIndex) !== a.parentHeader.merkleRoot)
    throw new AuxPowError('Aux POW merkle root incorrect');
  const input = a.coinbaseTx.inputs[0];
  if (input === undefined) throw new AuxPowError('Aux POW coinbase has no inputs');
  const script = input.script;

  const head = script.indexOf(MERGED_MINING_MAGIC);
  const pc = script.indexOf(rootBytes);
  if (pc < 0) throw new AuxPowError('Aux POW missing chain merkle root in parent coinbase');
  if (head >= 0) {
    if (script.indexOf(MERGED_MINING_MAGIC, head + 1) >= 0) throw new AuxPowError('Multiple merged mining headers in coinbase');
    if (head + MERGED_MINING_MAGIC.length !== pc) throw new AuxPowError('Merged mining header is not just before chain merkle root');
  } else if (pc > 20) {
    // Before the magic existed: the root had to start early in the coinbase.
    throw new AuxPowError('Aux POW chain merkle root must start in the first 20 bytes of the parent coinbase');
  }
  const after = pc + 32;
  if (script.length - after < 8) throw new AuxPowError('Aux POW missing chain merkle tree size and nonce in parent coinbase');
  const size = script.readUInt32LE(after);
  const height = a.chainBranch.length;
  if (size !== 2 ** height) throw new AuxPowError('Aux POW merkle branch size does not match parent coinbase');
  const nonce = script.readUInt32LE(after + 4);
  if (a.chainIndex !== expectedIndex(nonce, chainId, height)) throw new AuxPowError('Aux POW wrong index');
}

/** The parent header's proof-of-work hash (as a 256-bit value) is at or under the aux block's target. */
export function auxPowMeetsTarget(parentPowHash: bigint, target: bigint): boolean {
  return parentPowHash <= target;
}

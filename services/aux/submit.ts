// A parent solution → an AuxPoW for every chain of its aux work whose target the parent's proof of
// work meets, each handed to its daemon. Our own verifier runs first: a proof it rejects is a bug on
// our side, logged with the reason and still submitted (the daemon has the last word).
import {
  AuxPowError,
  assembleMergedBlock,
  buildAuxPow,
  checkAuxPow,
  checkMerkleLink,
  decodeHeader,
  decodeTx,
  encodeAuxPow,
  encodeHeader,
  hash256,
  powHash,
  txid,
  u256FromLE,
  type Network,
  type Tx,
} from '../core/index.ts';
import type { AuxSubmitResult, SubmitAuxPowRequest } from '../gen/p2pool/v1/aux.ts';
import type { AuxBlock, SubmitOutcome } from './aux-daemon.ts';
import type { BookedWork } from './aux-work.ts';

export class AuxSubmitInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuxSubmitInputError';
  }
}

export interface AuxSubmitDeps {
  net: Network;
  /** Template mode: a whole merged block to the chain's daemon (submitblock). */
  submitBlock(label: string, blockHex: string): Promise<SubmitOutcome>;
  /** The daemon of a chain (by label); rejects on transport errors. */
  submit(label: string, hash: bigint, auxpowHex: string): Promise<SubmitOutcome>;
  log: { info(msg: string, f?: Record<string, unknown>): void; warn(msg: string, f?: Record<string, unknown>): void };
  /**
   * Claims an aux block for this submission: false when it is already solved or being submitted (a
   * second solution of the same aux work adds nothing). Released with `release` on failure.
   */
  claim(label: string, hash: bigint): boolean;
  release(label: string, hash: bigint): void;
  /** One outcome per submitted chain (stats and metrics). */
  record(label: string, chainId: number, result: 'accepted' | 'rejected' | 'error', reason: string): void;
}

interface ParentSolution {
  header: Buffer;
  coinbase: ReturnType<typeof decodeTx>;
  branch: bigint[];
  pow: bigint;
}

function parseRequest(net: Network, req: SubmitAuxPowRequest): ParentSolution {
  if (req.parentHeader.length !== 80) throw new AuxSubmitInputError(`parent_header is ${req.parentHeader.length} bytes, not 80`);
  const header = Buffer.from(req.parentHeader);
  let coinbase: ReturnType<typeof decodeTx>;
  try {
    coinbase = decodeTx(req.coinbase);
  } catch (e) {
    throw new AuxSubmitInputError(`coinbase does not decode: ${(e as Error).message}`);
  }
  const branch = req.coinbaseBranch.map((b, i) => {
    if (b.length !== 32) throw new AuxSubmitInputError(`coinbase_branch[${i}] is ${b.length} bytes, not 32`);
    return u256FromLE(b);
  });
  return { header, coinbase, branch, pow: powHash(net, header) };
}

/** Chains of `booked` this solution meets, submitted in parallel; one result per chain it met. */
export async function submitAuxSolution(deps: AuxSubmitDeps, booked: BookedWork, req: SubmitAuxPowRequest): Promise<AuxSubmitResult[]> {
  const s = parseRequest(deps.net, req);
  const parentHeader = decodeHeader(s.header);
  const parentBlockHash = hash256(encodeHeader(parentHeader));
  const due: { c: BookedWork['chains'][number]; block: MergedBlock | null; hash: bigint }[] = [];
  const refused: AuxSubmitResult[] = [];
  for (const c of booked.chains) {
    if (s.pow > c.block.target) continue;
    let block: MergedBlock | null = null;
    try {
      if (c.block.template) block = mergedBlockFor(c.block.template, req, c.block.chainId);
    } catch (e) {
      deps.log.warn('merged block from the edge refused', { chain: c.label, reason: (e as Error).message });
      refused.push({ chainId: c.block.chainId, accepted: false, reason: (e as Error).message });
      continue;
    }
    const hash = block === null ? c.block.hash : hash256(block.headerBytes);
    // Claimed per aux block the daemon gave (in template mode: per template): once one block on it is
    // in, another (a canonical block of another share) would only be stale.
    if (deps.claim(c.label, c.block.hash)) due.push({ c, block, hash });
  }
  const submitted = await Promise.all(
    due.map(async ({ c, block, hash }) => {
      const id = c.block.chainId;
      const auxpow = buildAuxPow({
        coinbaseTx: s.coinbase,
        parentHeader,
        parentBlockHash,
        coinbaseBranch: s.branch,
        chainBranch: booked.tree.branches.get(id)!,
        chainIndex: booked.tree.slots.get(id)!,
      });
      try {
        checkAuxPow(auxpow, hash, id);
      } catch (e) {
        if (!(e instanceof AuxPowError)) throw e;
        deps.log.warn('our AuxPoW fails our own check (submitting anyway)', { chain: c.label, reason: e.message });
      }
      const hashHex = hash.toString(16).padStart(64, '0');
      let outcome: SubmitOutcome;
      try {
        outcome =
          block === null
            ? await deps.submit(c.label, hash, encodeAuxPow(auxpow).toString('hex'))
            : await deps.submitBlock(c.label, assembleMergedBlock(block, auxpow, c.block.template!.txs).toString('hex'));
      } catch (e) {
        const reason = (e as Error).message;
        deps.release(c.label, c.block.hash);
        deps.record(c.label, id, 'error', reason);
        deps.log.warn('aux block submission failed', { chain: c.label, hash: hashHex, error: reason });
        return { chainId: id, accepted: false, reason };
      }
      if (!outcome.accepted) deps.release(c.label, c.block.hash);
      deps.record(c.label, id, outcome.accepted ? 'accepted' : 'rejected', outcome.reason);
      if (outcome.accepted) deps.log.info('aux block accepted', { chain: c.label, chainId: id, hash: hashHex, height: c.block.height });
      else deps.log.warn('aux block rejected', { chain: c.label, chainId: id, hash: hashHex, reason: outcome.reason });
      return { chainId: id, accepted: outcome.accepted, reason: outcome.reason };
    }),
  );
  return [...refused, ...submitted];
}

interface MergedBlock {
  headerBytes: Buffer;
  coinbase: Tx;
}

/**
 * The merged block a solution proves in template mode: the edge's (V36's canonical block, from
 * `merged_blocks`) when its coinbase is in the header's merkle root over the template's transactions,
 * else the service's own block on the template.
 */
function mergedBlockFor(t: NonNullable<AuxBlock['template']>, req: SubmitAuxPowRequest, chainId: number): MergedBlock {
  const proof = req.mergedBlocks.find((b) => b.chainId === chainId);
  if (proof === undefined) return t.own;
  if (proof.header.length !== 80) throw new AuxSubmitInputError(`merged_blocks[${chainId}].header is ${proof.header.length} bytes, not 80`);
  let coinbase: Tx;
  try {
    coinbase = decodeTx(proof.coinbase);
  } catch (e) {
    throw new AuxSubmitInputError(`merged_blocks[${chainId}].coinbase does not decode: ${(e as Error).message}`);
  }
  const headerBytes = Buffer.from(proof.header);
  if (checkMerkleLink(txid(coinbase), t.own.coinbaseBranch, 0) !== decodeHeader(headerBytes).merkleRoot) {
    throw new AuxSubmitInputError(`merged_blocks[${chainId}]: the coinbase is not in the header's merkle root over the template`);
  }
  return { headerBytes, coinbase };
}

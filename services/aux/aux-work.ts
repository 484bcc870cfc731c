// The aux work the edges mine on: the aux tree over every chain that has a block, published as
// AuxWork (commitment + per-chain hash, target and slot). Recent works are kept by id, because a
// solution arrives for the work its job committed to, which may be a few publications old.
import { buildAuxTree, u256ToLE, type AuxTree, type MergedTemplate } from '../core/index.ts';
import type { AuxWork, MergedTemplate as MergedTemplateMsg } from '../gen/p2pool/v1/aux.ts';
import type { AuxBlock } from './aux-daemon.ts';

export interface ChainWork {
  label: string;
  block: AuxBlock;
}

export interface BookedWork {
  work: AuxWork;
  tree: AuxTree;
  chains: ChainWork[];
}

/** How many publications back a solution may be (jobs live for minutes; aux tips change every ~minute). */
const KEEP = 64;

export class AuxWorkBook {
  private nextId = 1n;
  private readonly recent = new Map<bigint, BookedWork>();
  private currentId: bigint | null = null;

  get current(): BookedWork | null {
    return this.currentId === null ? null : (this.recent.get(this.currentId) ?? null);
  }

  get(id: bigint): BookedWork | null {
    return this.recent.get(id) ?? null;
  }

  /**
   * New work from the chains that have a block (in configuration order). Chains repeating an earlier
   * chain's id are left out (one commitment cannot hold two blocks of one chain) and returned.
   */
  publish(chains: readonly ChainWork[]): { booked: BookedWork | null; skipped: ChainWork[] } {
    const used = new Set<number>();
    const kept: ChainWork[] = [];
    const skipped: ChainWork[] = [];
    for (const c of chains) {
      if (used.has(c.block.chainId)) {
        skipped.push(c);
        continue;
      }
      used.add(c.block.chainId);
      kept.push(c);
    }
    if (kept.length === 0) {
      this.currentId = null;
      return { booked: null, skipped };
    }
    const tree = buildAuxTree(kept.map((c) => ({ chainId: c.block.chainId, hash: c.block.hash })));
    const id = this.nextId++;
    const work: AuxWork = {
      auxWorkId: id,
      chains: kept.map((c) => ({
        chainId: c.block.chainId,
        hash: u256ToLE(c.block.hash),
        target: u256ToLE(c.block.target),
        url: c.label,
        slot: tree.slots.get(c.block.chainId)!,
        template: c.block.template ? mergedTemplateMessage(c.block.template.template) : undefined,
      })),
      // As it goes into the coinbase: big-endian.
      merkleRoot: Buffer.from(tree.root.toString(16).padStart(64, '0'), 'hex'),
      treeSize: tree.size,
      merkleNonce: tree.merkleNonce,
    };
    const booked = { work, tree, chains: kept };
    this.recent.set(id, booked);
    this.currentId = id;
    for (const k of this.recent.keys()) {
      if (this.recent.size <= KEEP) break;
      this.recent.delete(k);
    }
    return { booked, skipped };
  }
}

function mergedTemplateMessage(t: MergedTemplate): MergedTemplateMsg {
  return {
    version: t.version,
    previousBlock: u256ToLE(t.previousBlock),
    curtime: t.curtime,
    bits: t.bits,
    height: t.height,
    coinbaseValue: t.coinbaseValue,
    txids: t.txids.map((x) => u256ToLE(x)),
  };
}

// CoreShareSink: what the edge does with a solution that met the block or the share target
// (docs/protocol.md §8.6). The block goes out first — assembled here and handed to the injected submitBlock
// (the template builder, directly or over the bus) — then the share is built with the core's
// get_share and handed, packed, to the injected submitShare (the sharechain). Both hand-offs are
// synchronous calls; whatever they return (a promise) is only observed for logging, never awaited.
import { decodeHeader, u256ToLE, type Share } from '../../core/index.ts';
import { headerHashHex } from '../../pool/work/block.ts';
import type { ShareSink, Solution } from '../work-source.ts';
import { isJobPayload, type JobPayload } from './job-builder.ts';
import { blockForSolution } from './block-assembly.ts';

export interface BlockMeta {
  /** Block hash, display hex. */
  hash: string;
  height: number;
  miner: string;
}

export interface ShareMeta {
  doa: boolean;
  /** The miner's username as given, for the sharechain's own-share records. */
  miner: string;
  hash: bigint;
  isBlock: boolean;
}

export interface CoreShareSinkOptions {
  /** Hands a full block to the full node(s): TemplateBuilder.submitBlock, or a bus request. */
  submitBlock(block: Buffer, meta: BlockMeta): unknown;
  /** Hands a packed share (`{type, contents}` wrapper) to the sharechain: Sharechain.submitLocal, a bus
   *  request, or (cluster) the durable share queue. */
  submitShare(packed: Buffer, meta: ShareMeta): unknown;
  /** submitShare's promise is the share's durable storage: returned to the edge so the miner's answer
   *  waits for it (docs/bus.md, "Acknowledged shares"). */
  durable?: boolean;
  /**
   * Hands a parent solution that met the aux target to the aux service (Aux.SubmitAuxPow over the bus).
   * Observed for logging only, never awaited.
   */
  submitAux?(req: AuxSolution, meta: { miner: string }): unknown;
  log?: { info(msg: string, fields?: Record<string, unknown>): void; warn(msg: string, fields?: Record<string, unknown>): void };
  /** Observers (tests, metrics). */
  onShare?(share: Share, solution: Solution): void;
  onBlock?(block: Buffer, meta: BlockMeta, solution: Solution): void;
}

/** A parent solution for merged mining: the fields of the Aux contract's SubmitAuxPowRequest. */
export interface AuxSolution {
  parentHeader: Buffer;
  /** Stripped coinbase (its txid is the merkle leaf). */
  coinbase: Buffer;
  coinbaseBranch: Buffer[];
  /** PoW hash, 32 bytes little-endian. */
  powHash: Buffer;
  auxWorkId: bigint;
  mergedBlocks: { chainId: number; header: Buffer; coinbase: Buffer }[];
}

export interface CoreShareSinkStats {
  blocks: number;
  shares: number;
  doaShares: number;
  /** Block solutions whose hash missed the share target (easy block chains such as regtest). */
  blockOnly: number;
  /** Blocks a full node accepted (the submission's answer said so): what "blocks found" means. */
  blocksAccepted: number;
  /** Solutions handed to the aux service. */
  auxSolutions: number;
  errors: number;
  lastError: string | null;
}

export class CoreShareSink implements ShareSink {
  private readonly o: CoreShareSinkOptions;
  readonly counters: CoreShareSinkStats = {
    blocks: 0,
    shares: 0,
    doaShares: 0,
    blockOnly: 0,
    blocksAccepted: 0,
    auxSolutions: 0,
    errors: 0,
    lastError: null,
  };

  constructor(o: CoreShareSinkOptions) {
    this.o = o;
  }

  submitBlock(solution: Solution): void {
    const payload = this.payloadOf(solution);
    if (payload === null) return;
    let block: Buffer;
    let meta: BlockMeta;
    try {
      block = blockForSolution(payload, solution.header, solution.coinbase);
      meta = { hash: headerHashHex(solution.header), height: payload.work.height, miner: solution.username };
    } catch (e) {
      this.fail('block assembly failed', e);
      return;
    }
    // The block leaves before anything else is done with the solution (the share build can wait a few ms).
    this.counters.blocks++;
    const answer = this.o.submitBlock(block, meta);
    this.observe(answer, 'block submission', { hash: meta.hash, height: meta.height });
    if (answer && typeof (answer as Promise<unknown>).then === 'function') {
      (answer as Promise<{ accepted?: boolean } | undefined>).then(
        (r) => {
          if (r?.accepted === true) this.counters.blocksAccepted++;
        },
        () => undefined,
      );
    }
    try {
      this.o.onBlock?.(block, meta, solution);
    } catch {
      /* observer */
    }
    this.o.log?.info('block found', { hash: meta.hash, height: meta.height, miner: solution.username });
  }

  // biome-ignore lint/suspicious/noConfusingVoidType: nothing (the share is handed off) or a promise the miner's answer waits for
  submitShare(solution: Solution): void | Promise<unknown> {
    const payload = this.payloadOf(solution);
    if (payload === null) return;
    // A block solution on a chain whose blocks are easier than shares is not a share (§8.6 step 6).
    if (solution.powHash > solution.template.shareTarget) {
      this.counters.blockOnly++;
      return;
    }
    let share: Share;
    try {
      const header = decodeHeader(solution.header);
      const nonce = solution.coinbaseNonce.readBigUInt64LE(0);
      share = payload.regenerate().getShare(header, nonce);
    } catch (e) {
      this.fail('share build failed', e);
      return;
    }
    this.counters.shares++;
    if (solution.doa) this.counters.doaShares++;
    const meta: ShareMeta = { doa: solution.doa, miner: solution.username, hash: share.hash, isBlock: solution.isBlock };
    const r = this.o.submitShare(share.pack(), meta);
    this.observe(r, 'share submission', { hash: share.hash.toString(16).padStart(64, '0') });
    try {
      this.o.onShare?.(share, solution);
    } catch {
      /* observer */
    }
    if (this.o.durable && r && typeof (r as Promise<unknown>).then === 'function') return r as Promise<unknown>;
  }

  submitAux(solution: Solution): void {
    if (this.o.submitAux === undefined) return;
    const payload = this.payloadOf(solution);
    if (payload === null || payload.auxWorkId === null) return;
    this.counters.auxSolutions++;
    const req: AuxSolution = {
      parentHeader: solution.header,
      coinbase: solution.coinbase,
      coinbaseBranch: [...solution.template.merkleBranch],
      powHash: u256ToLE(solution.powHash),
      auxWorkId: payload.auxWorkId,
      mergedBlocks: payload.mergedBlocks,
    };
    this.observe(this.o.submitAux(req, { miner: solution.username }), 'aux solution hand-off', { auxWorkId: payload.auxWorkId.toString() });
  }

  private payloadOf(solution: Solution): JobPayload | null {
    const p = solution.template.payload;
    if (isJobPayload(p)) return p;
    this.fail('solution on a job this sink did not build', new Error('no core-work payload'));
    return null;
  }

  private observe(r: unknown, what: string, fields: Record<string, unknown>): void {
    if (r && typeof (r as Promise<unknown>).then === 'function') {
      (r as Promise<unknown>).then(undefined, (e: unknown) => this.fail(`${what} failed`, e, fields));
    }
  }

  private fail(what: string, e: unknown, fields: Record<string, unknown> = {}): void {
    this.counters.errors++;
    this.counters.lastError = `${what}: ${(e as Error)?.message ?? String(e)}`;
    this.o.log?.warn(this.counters.lastError, fields);
  }
}

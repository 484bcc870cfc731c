// The edge's only view of the consensus side. The core-backed implementation (sharechain +
// template builder + services/core's generate_transaction) plugs in here; the edge itself
// never builds a gentx or a Share. Everything on this interface is synchronous on purpose:
// jobs are built from the in-memory work basis and submits never wait on a network round trip.

/** Who a job pays and how hard a P2Pool share should be (the reference's caching-bridge key). */
export interface WorkRequest {
  /** Payout address as the miner gave it (already validated), or null for the node's address. */
  payoutAddress: string | null;
  /** Share target the miner asked for with `/SHAREDIFF`, or null to let the node choose (§8.5). */
  desiredShareTarget: bigint | null;
  /** `ADDR,MERGED_ADDR`: the miner's merged-chain payout address as given (V36 merged_addresses), or null. */
  mergedAddress?: string | null;
}

/**
 * One unit of work for a (payout address, share target) key in one work epoch.
 * Byte fields are in wire / internal order (what goes into the header and coinbase).
 */
export interface JobTemplate {
  /** New-work event count this template belongs to; solutions from older epochs are DOA. */
  readonly workId: number;
  /** Previous block hash, 32 bytes, internal (little-endian) order. */
  readonly prevHash: Buffer;
  readonly version: number;
  /** Block nbits. */
  readonly bits: number;
  /** Template time; miners may roll ntime forward from here. */
  readonly ntime: number;
  /** Stripped gentx up to the 8-byte coinbase nonce (the reference's stripped_gentx[:-12]). */
  readonly coinb1: Buffer;
  /** Stripped gentx after the nonce (the reference's stripped_gentx[-4:], i.e. the lock time). */
  readonly coinb2: Buffer;
  /** Merkle branch for the coinbase (leaf 0), 32-byte hashes in internal order. */
  readonly merkleBranch: readonly Buffer[];
  /** A solution at or under this target becomes a P2Pool share. */
  readonly shareTarget: bigint;
  /** A solution at or under this target is a block. */
  readonly blockTarget: bigint;
  /** The node's choice of starting pseudoshare target for this key, if it has one (§8.5). */
  readonly pseudoshareTarget?: bigint;
  /** Merged mining: a solution at or under this target (the easiest aux chain's) goes to the aux service. */
  readonly auxTarget?: bigint;
  /** Opaque to the edge; handed back in the Solution so the core can rebuild its share. */
  readonly payload?: unknown;
}

export interface NewWorkEvent {
  workId: number;
  prevHash: Buffer;
  /** True when the previous block changed: every older job is stale, not just DOA. */
  newBlock: boolean;
}

/** Thrown by getJobTemplate while the node cannot hand out work (reference errors -12345). */
export class WorkUnavailableError extends Error {}

export interface WorkSource {
  /** Builds (or returns the cached) template for this key in the current epoch. May throw WorkUnavailableError. */
  getJobTemplate(req: WorkRequest): JobTemplate;
  /** Subscribes to new-work events; returns the unsubscribe function. */
  onNewWork(listener: (ev: NewWorkEvent) => void): () => void;
}

/** A checked miner solution that met the share or block target. */
export interface Solution {
  readonly template: JobTemplate;
  /** 80-byte header as it would go into the block. */
  readonly header: Buffer;
  /** Stripped coinbase: coinb1 || extranonce1 || extranonce2 || coinb2. */
  readonly coinbase: Buffer;
  /** The 8-byte coinbase nonce (extranonce1 || extranonce2), i.e. last_txout_nonce's bytes. */
  readonly coinbaseNonce: Buffer;
  /** PoW hash as a 256-bit integer. */
  readonly powHash: bigint;
  readonly isBlock: boolean;
  readonly isShare: boolean;
  /** Met the job's aux target (merged mining). */
  readonly isAux: boolean;
  /** Found on work from an older epoch of the same block: dead on arrival (§8.6 on_time). */
  readonly doa: boolean;
  /** The miner's full username, its validated payout address (null = the node's) and worker name. */
  readonly username: string;
  readonly payoutAddress: string | null;
  readonly worker: string;
  readonly receivedAt: number;
}

export interface ShareSink {
  /** Called first, synchronously, for a block solution: the implementation submits to the full node at once. */
  submitBlock(solution: Solution): void;
  /** Called for every solution meeting the share target (a block is also a share). A promise means the
   *  share is being stored durably: the miner's "accepted" waits for it, and a failure is the miner's
   *  reject (docs/bus.md, "Acknowledged shares"). */
  // biome-ignore lint/suspicious/noConfusingVoidType: nothing (the share is handed off) or a promise the miner's answer waits for
  submitShare(solution: Solution): void | Promise<unknown>;
  /** Called for a solution meeting the job's aux target, after the block and share hand-offs; never waits. */
  submitAux?(solution: Solution): void;
}

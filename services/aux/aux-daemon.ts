// One aux chain's daemon over JSON-RPC: fetch aux work and submit an AuxPoW, in the two dialects
// merged-mining daemons speak: `getauxblock` (no arguments: work; HASH AUXPOW: submit) and
// `createauxblock ADDRESS` / `submitauxblock HASH AUXPOW`. Replies are checked field by field, so a
// daemon sending garbage gets a clear error, never a half-built tree.
import { bitsToTarget, hexToU256 } from '../core/index.ts';
import { RpcClient } from '../full-node/rpc/client.ts';
import { RpcError } from '../full-node/rpc/errors.ts';
import type { AuxChainConfig } from '../runtime/merged-chains.ts';

/** The aux block a daemon wants proof of work for. */
export interface AuxBlock {
  /** Aux block hash (core order: the display hex read as a number). */
  hash: bigint;
  chainId: number;
  target: bigint;
  height: number | null;
}

export class AuxReplyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuxReplyError';
  }
}

export interface SubmitOutcome {
  accepted: boolean;
  /** The daemon's reason (its error message, or what a bare `false` means). */
  reason: string;
}

export interface AuxDaemonOptions {
  timeoutMs?: number;
}

export class AuxDaemon {
  readonly chain: AuxChainConfig;
  private readonly rpc: RpcClient;

  constructor(chain: AuxChainConfig, o: AuxDaemonOptions = {}) {
    this.chain = chain;
    this.rpc = new RpcClient({ url: chain.rpcUrl, user: chain.user, pass: chain.pass, nodeName: `aux daemon`, timeoutMs: o.timeoutMs ?? 10_000, maxSockets: 2 });
  }

  async fetchWork(): Promise<AuxBlock> {
    const reply = this.chain.address === null
      ? await this.rpc.call('getauxblock', [])
      : await this.rpc.call('createauxblock', [this.chain.address]);
    return parseAuxBlock(reply);
  }

  /** Hands an AuxPoW to the daemon; a JSON-RPC error is a rejection with the daemon's message. */
  async submit(hash: bigint, auxpowHex: string): Promise<SubmitOutcome> {
    const hashHex = hash.toString(16).padStart(64, '0');
    let reply: unknown;
    try {
      reply = this.chain.address === null
        ? await this.rpc.call('getauxblock', [hashHex, auxpowHex])
        : await this.rpc.call('submitauxblock', [hashHex, auxpowHex]);
    } catch (e) {
      if (e instanceof RpcError) return { accepted: false, reason: e.message };
      throw e;
    }
    if (reply === true) return { accepted: true, reason: '' };
    if (reply === false) return { accepted: false, reason: 'the daemon answered false (block not accepted)' };
    // Some daemons answer null for accepted and a string reason otherwise (BIP 22 style).
    if (reply === null) return { accepted: true, reason: '' };
    if (typeof reply === 'string') return { accepted: false, reason: reply };
    throw new AuxReplyError(`unexpected submit reply ${JSON.stringify(reply).slice(0, 100)}`);
  }

  close(): void {
    this.rpc.close();
  }
}

const HASH = /^[0-9a-fA-F]{64}$/;

/** getauxblock / createauxblock reply → AuxBlock, or AuxReplyError naming the bad field. */
export function parseAuxBlock(reply: unknown): AuxBlock {
  if (typeof reply !== 'object' || reply === null || Array.isArray(reply)) throw new AuxReplyError(`aux work is not an object: ${JSON.stringify(reply)?.slice(0, 100)}`);
  const r = reply as Record<string, unknown>;
  if (typeof r.hash !== 'string' || !HASH.test(r.hash)) throw new AuxReplyError(`aux work: "hash" is not 64 hex digits: ${JSON.stringify(r.hash)?.slice(0, 80)}`);
  if (typeof r.chainid !== 'number' || !Number.isInteger(r.chainid) || r.chainid < 0 || r.chainid > 0xffff) {
    throw new AuxReplyError(`aux work: "chainid" is not a chain id: ${JSON.stringify(r.chainid)}`);
  }
  // `_target` (newer daemons) and `target` (older getauxblock): the target's raw little-endian bytes in hex.
  const t = r._target ?? r.target;
  let target: bigint;
  if (typeof t === 'string' && HASH.test(t)) {
    target = hexToU256(Buffer.from(t, 'hex').reverse().toString('hex'));
  } else if (t === undefined && typeof r.bits === 'string' && /^[0-9a-fA-F]{8}$/.test(r.bits)) {
    target = bitsToTarget(parseInt(r.bits, 16));
  } else {
    throw new AuxReplyError(`aux work: no usable target ("_target", "target" or "bits"): ${JSON.stringify(t ?? r.bits)?.slice(0, 80)}`);
  }
  if (target === 0n) throw new AuxReplyError('aux work: target is zero');
  const height = typeof r.height === 'number' && Number.isInteger(r.height) ? r.height : null;
  return { hash: hexToU256(r.hash), chainId: r.chainid, target, height };
}

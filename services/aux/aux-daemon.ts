// One aux chain's daemon over JSON-RPC: fetch aux work and submit an AuxPoW, in the two dialects
// merged-mining daemons speak: `getauxblock` (no arguments: work; HASH AUXPOW: submit) and
// `createauxblock ADDRESS` / `submitauxblock HASH AUXPOW`. Replies are checked field by field, so a
// daemon sending garbage gets a clear error, never a half-built tree.
import {
  bitsToTarget,
  decodeTx,
  hexToU256,
  mergedBlockWork,
  mergedPayoutScript,
  txid,
  type MergedBlockWork,
  type MergedTemplate,
  type Network,
} from '../core/index.ts';
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
  /** Template mode: the block template and the service's own block on it (paying the --merged address). */
  template?: { template: MergedTemplate; txs: Buffer[]; own: MergedBlockWork; longPollId: string | null };
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
  /** The parent network (its chain picks the merged chain's address version bytes in template mode). */
  net?: Network;
}

/**
 * How the daemon gives work: 'template' (getblocktemplate with the auxpow capability: the service
 * builds the block, so V36 edges can build the canonical one; submitblock), 'auxblock' (getauxblock or
 * createauxblock / submitauxblock), or not known yet. Template mode is tried only with an address
 * (the service's own block pays it), as the reference's multiaddress mode.
 */
export type DaemonMode = 'unknown' | 'template' | 'auxblock';

export class AuxDaemon {
  readonly chain: AuxChainConfig;
  mode: DaemonMode;
  private readonly rpc: RpcClient;
  private readonly net: Network | undefined;

  constructor(chain: AuxChainConfig, o: AuxDaemonOptions = {}) {
    this.chain = chain;
    this.net = o.net;
    this.mode = chain.address !== null && o.net !== undefined ? 'unknown' : 'auxblock';
    this.rpc = new RpcClient({
      url: chain.rpcUrl,
      user: chain.user,
      pass: chain.pass,
      nodeName: `aux daemon`,
      timeoutMs: o.timeoutMs ?? 10_000,
      maxSockets: 2,
    });
  }

  /**
   * The daemon's current work. With `longPollId` (template mode, from the last template) the call is
   * a long poll: the daemon answers when its template changes (or at its own timeout).
   */
  async fetchWork(o: { longPollId?: string; signal?: AbortSignal } = {}): Promise<AuxBlock> {
    if (this.mode !== 'auxblock') {
      let t: unknown;
      try {
        t =
          o.longPollId !== undefined && this.mode === 'template'
            ? await this.rpc.call('getblocktemplate', [{ capabilities: ['auxpow'], longpollid: o.longPollId }], {
                longPoll: true,
                timeoutMs: LONG_POLL_TIMEOUT_MS,
                signal: o.signal,
              })
            : await this.rpc.call('getblocktemplate', [{ capabilities: ['auxpow'] }]);
      } catch (e) {
        // A daemon without (auxpow) getblocktemplate answers with an RPC error: aux blocks then.
        if (this.mode === 'unknown' && e instanceof RpcError) this.mode = 'auxblock';
        else throw e;
      }
      if (this.mode !== 'auxblock') {
        if (this.mode === 'unknown' && (typeof t !== 'object' || t === null || typeof (t as { auxpow?: unknown }).auxpow !== 'object')) {
          this.mode = 'auxblock';
        } else {
          const b = parseAuxTemplate(t, this.net!, this.chain.address!);
          this.mode = 'template';
          return b;
        }
      }
    }
    const reply =
      this.chain.address === null ? await this.rpc.call('getauxblock', []) : await this.rpc.call('createauxblock', [this.chain.address]);
    return parseAuxBlock(reply);
  }

  /** Template mode: a whole merged block (header, AuxPoW, transactions) for submitblock. */
  async submitBlock(blockHex: string): Promise<SubmitOutcome> {
    let reply: unknown;
    try {
      reply = await this.rpc.call('submitblock', [blockHex]);
    } catch (e) {
      if (e instanceof RpcError) return { accepted: false, reason: e.message };
      throw e;
    }
    // BIP 22: null is accepted, a string is the reason.
    if (reply === null) return { accepted: true, reason: '' };
    if (typeof reply === 'string') return { accepted: false, reason: reply };
    throw new AuxReplyError(`unexpected submitblock reply ${JSON.stringify(reply).slice(0, 100)}`);
  }

  /** Hands an AuxPoW to the daemon; a JSON-RPC error is a rejection with the daemon's message. */
  async submit(hash: bigint, auxpowHex: string): Promise<SubmitOutcome> {
    const hashHex = hash.toString(16).padStart(64, '0');
    let reply: unknown;
    try {
      reply =
        this.chain.address === null
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
/** A long poll the daemon keeps open longer than this is given up and started again. */
const LONG_POLL_TIMEOUT_MS = 120_000;

/** getauxblock / createauxblock reply → AuxBlock, or AuxReplyError naming the bad field. */
export function parseAuxBlock(reply: unknown): AuxBlock {
  if (typeof reply !== 'object' || reply === null || Array.isArray(reply))
    throw new AuxReplyError(`aux work is not an object: ${JSON.stringify(reply)?.slice(0, 100)}`);
  const r = reply as Record<string, unknown>;
  if (typeof r.hash !== 'string' || !HASH.test(r.hash))
    throw new AuxReplyError(`aux work: "hash" is not 64 hex digits: ${JSON.stringify(r.hash)?.slice(0, 80)}`);
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

/**
 * getblocktemplate (auxpow capability) → AuxBlock with the template and the service's own block on it,
 * whose canonical coinbase pays `address` alone (docs/merged-mining.md). AuxReplyError names a bad field.
 */
export function parseAuxTemplate(reply: unknown, net: Network, address: string): AuxBlock {
  if (typeof reply !== 'object' || reply === null || Array.isArray(reply))
    throw new AuxReplyError(`block template is not an object: ${JSON.stringify(reply)?.slice(0, 100)}`);
  const r = reply as Record<string, unknown>;
  const aux = r.auxpow as Record<string, unknown> | undefined;
  const bad = (field: string) =>
    new AuxReplyError(
      `block template: "${field}" is missing or malformed: ${JSON.stringify(field.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], r))?.slice(0, 80)}`,
    );
  if (typeof aux !== 'object' || aux === null || typeof aux.chainid !== 'number' || !Number.isInteger(aux.chainid))
    throw bad('auxpow.chainid');
  const chainId = aux.chainid as number;
  const int = (k: string) => {
    const v = r[k];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw bad(k);
    return v;
  };
  if (typeof r.previousblockhash !== 'string' || !HASH.test(r.previousblockhash)) throw bad('previousblockhash');
  if (typeof r.bits !== 'string' || !/^[0-9a-fA-F]{8}$/.test(r.bits)) throw bad('bits');
  // `target`: big-endian hex, as getblocktemplate gives it.
  const target = typeof r.target === 'string' && HASH.test(r.target) ? hexToU256(r.target) : bitsToTarget(parseInt(r.bits, 16));
  if (!Array.isArray(r.transactions)) throw bad('transactions');
  const txs = r.transactions.map((x, i) => {
    const data = (x as { data?: unknown })?.data;
    if (typeof data !== 'string' || !/^([0-9a-fA-F]{2})+$/.test(data)) throw bad(`transactions.${i}.data`);
    return Buffer.from(data, 'hex');
  });
  const template: MergedTemplate = {
    chainId,
    version: int('version'),
    previousBlock: hexToU256(r.previousblockhash),
    curtime: int('curtime'),
    bits: parseInt(r.bits, 16),
    height: BigInt(int('height')),
    coinbaseValue: BigInt(int('coinbasevalue')),
    txids: txs.map((t) => txid(decodeTx(t))),
  };
  let script: Buffer;
  try {
    script = mergedPayoutScript(chainId, net.PARENT.CHAIN, address);
  } catch (e) {
    throw new AuxReplyError(`block template mode: ${(e as Error).message}`);
  }
  // The service's own block: the canonical coinbase with one payee (what V36 edges replace by the shares' PPLNS).
  const own = mergedBlockWork(template, { weights: new Map([[script.toString('hex'), 1n]]), total: 1n, donation: 0n });
  const longPollId = typeof r.longpollid === 'string' && r.longpollid !== '' ? r.longpollid : null;
  return { hash: own.hash, chainId, target, height: Number(template.height), template: { template, txs, own, longPollId } };
}

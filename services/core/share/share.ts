import { Reader } from '../codec/reader.ts';
import { Writer } from '../codec/writer.ts';
import { hash256, sha256d } from '../crypto/hash.ts';
import { scryptPow } from '../crypto/scrypt.ts';
import { readU256 } from '../codec/reader.ts';
import { bitsToTarget } from '../bitcoin/bits.ts';
import { checkMerkleLink } from '../bitcoin/merkle.ts';
import { checkHashLink } from '../bitcoin/hash-link.ts';
import { encodeHeader, type BlockHeader } from '../bitcoin/header.ts';
import { u256ToLE } from '../bitcoin/uint256.ts';
import { p2pkhScript } from '../bitcoin/script.ts';
import { addressToScriptJT, addressToScriptV36, pubkeyHashToAddress, v36PayoutAddress, v36PayoutScript } from '../bitcoin/address.ts';
import type { Network } from '../networks/types.ts';
import { decodeContents, encodeContents, encodeWrapper, readWrapper, type ShareLayout } from './codec.ts';
import { COINBASE_MAX, COINBASE_MIN, GENTX_BEFORE_REFHASH, GENTX_BEFORE_REFHASH_V36, TX_REF_SHARE_LIMIT } from './constants.ts';
import { ShareRuleError } from './errors.ts';
import type { MergedAddress, ShareContents, ShareData, ShareInfo } from './types.ts';
import { isSegwitActivated, minimumShareVersion, shareVersion, type ShareVersion } from './versions.ts';

export function powHash(net: Network, header: Buffer): bigint {
  return net.PARENT.POW_FUNC === 'scrypt' ? readU256(scryptPow(header), 0) : readU256(sha256d(header), 0);
}

// Targets and their work repeat across thousands of shares: share one bigint per distinct value.
const targetByBits = new Map<number, bigint>();
function internTarget(bits: number): bigint {
  let t = targetByBits.get(bits);
  if (t === undefined) {
    if (targetByBits.size >= 65536) targetByBits.clear();
    targetByBits.set(bits, (t = bitsToTarget(bits)));
  }
  return t;
}
const EMPTY_HASHES: readonly bigint[] = Object.freeze([]) as readonly bigint[];

/**
 * A parsed share with its derived hashes (the reference's Share.__init__). It keeps the packed bytes
 * and the scalar fields the tracker and consensus rules read; the full contents (share_info with
 * its merkle branches) are decoded again on demand, which keeps a 17k-share tracker small.
 */
export class Share {
  readonly type: number;
  readonly rules: ShareVersion;
  readonly layout: ShareLayout;
  readonly net: Network;
  /** The `contents` bytes exactly as received or generated. */
  readonly packedContents: Buffer;
  private readonly infoStart: number;
  private readonly infoEnd: number;

  readonly gentxHash: bigint;
  readonly merkleRoot: bigint;
  readonly hash: bigint;
  readonly powHash: bigint;
  readonly target: bigint;
  readonly maxTarget: bigint;
  readonly previousHash: bigint | null;
  readonly timestamp: number;
  readonly absheight: number;
  readonly abswork: bigint;
  readonly desiredVersion: number;
  readonly donation: number;
  readonly staleInfo: number;
  readonly previousBlock: bigint;
  readonly headerVersion: number;
  readonly headerTimestamp: number;
  readonly headerBits: number;
  readonly headerNonce: number;
  /** v < 34 only: the transactions this share introduces (node-convention hashes). */
  readonly newTransactionHashes: readonly bigint[];
  /** PPLNS key: address string [JT], or the output script as hex [FV, v36] (hex order = byte order). */
  readonly payoutKey: string;
  /** v36: the miner's explicit merged-chain payout scripts (null: none; always null before v36). */
  readonly mergedAddresses: readonly MergedAddress[] | null;
  private scriptHex: string | undefined;

  /** Local bookkeeping, not consensus: when and from whom it arrived (0 / null for disk and local). */
  timeSeen = 0;
  peerAddr: string | null = null;
  /** [JT] subsidy policing counter (§5.4), set by the tracker's verifier. */
  naughty = 0;

  constructor(
    net: Network,
    type: number,
    layout: ShareLayout,
    contents: ShareContents,
    packedContents: Buffer,
    infoStart: number,
    infoEnd: number,
  ) {
    this.net = net;
    this.type = type;
    this.rules = layout.rules;
    this.layout = layout;
    this.packedContents = packedContents;
    this.infoStart = infoStart;
    this.infoEnd = infoEnd;
    const info = contents.shareInfo;
    const d = info.shareData;

    const refHash = computeRefHash(net, contents, packedContents.subarray(infoStart, infoEnd));
    const suffix = new Writer(44).bytes(u256ToLE(refHash)).u64(contents.lastTxoutNonce).u32(0).toBuffer();
    const c = layout.rules.layout === 'C';
    const link = { state: contents.hashLink.state, extraData: contents.hashLink.extraData ?? EMPTY, length: contents.hashLink.length };
    try {
      this.gentxHash = checkHashLink(link, suffix, c ? GENTX_BEFORE_REFHASH_V36 : GENTX_BEFORE_REFHASH);
    } catch (e) {
      throw new ShareRuleError('hash-link', `check_hash_link: ${(e as Error).message}`);
    }
    let branch = contents.merkleBranch;
    if (layout.segwit) {
      if (!info.segwitData) throw new ShareRuleError('segwit-data', 'segwit-activated share without segwit_data');
      branch = info.segwitData.txidMerkleBranch;
    }
    const h = contents.minHeader;
    this.merkleRoot = checkMerkleLink(this.gentxHash, branch, 0);
    this.headerVersion = h.version;
    this.previousBlock = h.previousBlock;
    this.headerTimestamp = h.timestamp;
    this.headerBits = h.bits;
    this.headerNonce = h.nonce;
    const headerBytes = encodeHeader(this.header);
    this.hash = hash256(headerBytes);
    this.powHash = net.PARENT.POW_FUNC === 'scrypt' ? readU256(scryptPow(headerBytes), 0) : this.hash;
    this.target = internTarget(info.bits);
    this.maxTarget = internTarget(info.maxBits);
    this.previousHash = d.previousShareHash;
    this.timestamp = info.timestamp;
    this.absheight = info.absheight;
    this.abswork = info.abswork;
    this.desiredVersion = d.desiredVersion;
    this.donation = d.donation;
    this.staleInfo = d.staleInfo;
    this.newTransactionHashes = info.newTransactionHashes.length ? info.newTransactionHashes : EMPTY_HASHES;
    // v36 shares are keyed by their address in v35 PPLNS (a v35 share after v36 ones) and by script in V36's.
    if (c) {
      this.payoutKey = v36PayoutAddress(d.pubkeyHash!, d.pubkeyType!, net.PARENT);
      this.scriptHex = v36PayoutScript(d.pubkeyHash!, d.pubkeyType!).toString('hex');
    } else {
      this.payoutKey =
        this.rules.payoutKey === 'address'
          ? (d.address ?? pubkeyHashToAddress(d.pubkeyHash!, net.PARENT.ADDRESS_VERSION))
          : p2pkhScript(d.pubkeyHash!).toString('hex');
    }
    this.mergedAddresses = info.mergedAddresses ?? null;
  }

  /** Whether this is a v36 MergedMiningShare (merged PPLNS keys it by its merged addresses). */
  get isMergedMiningShare(): boolean {
    return this.rules.mergedMining;
  }

  /** The payout script as hex, whatever the version keys PPLNS by (v36 keys every share by it). */
  get payoutScriptHex(): string {
    if (this.scriptHex === undefined) this.scriptHex = this.rules.payoutKey === 'script' ? this.payoutKey : this.newScript.toString('hex');
    return this.scriptHex;
  }

  /** The full decoded contents (decoded from the packed bytes on each call: hoist it). */
  get contents(): ShareContents {
    return decodeContents(this.packedContents, this.layout).contents;
  }
  get shareInfo(): ShareInfo {
    return this.contents.shareInfo;
  }
  get shareData(): ShareData {
    return this.contents.shareInfo.shareData;
  }
  /** share_info as packed (a view into packedContents): the ref hash and check() compare it as is. */
  get shareInfoBytes(): Buffer {
    return this.packedContents.subarray(this.infoStart, this.infoEnd);
  }
  get refHash(): bigint {
    return computeRefHash(this.net, this.contents, this.shareInfoBytes);
  }
  get header(): BlockHeader {
    return {
      version: this.headerVersion,
      previousBlock: this.previousBlock,
      merkleRoot: this.merkleRoot,
      timestamp: this.headerTimestamp,
      bits: this.headerBits,
      nonce: this.headerNonce,
    };
  }
  get isBlock(): boolean {
    return this.powHash <= bitsToTarget(this.headerBits);
  }

  /** The miner's address as the reference names it (layout A: base58 P2PKH of pubkey_hash). */
  get address(): string {
    if (this.rules.payoutKey === 'address') return this.payoutKey;
    const d = this.shareData;
    return d.address ?? pubkeyHashToAddress(d.pubkeyHash!, this.net.PARENT.ADDRESS_VERSION);
  }

  /** The payout script; for v34/v35 built with the version's padding rule (it may throw: §4.7). */
  get newScript(): Buffer {
    const d = this.shareData;
    if (this.rules.layout === 'C') return v36PayoutScript(d.pubkeyHash!, d.pubkeyType!);
    if (d.pubkeyHash) return p2pkhScript(d.pubkeyHash);
    return this.rules.lineage === 'V36'
      ? addressToScriptV36(d.address!, this.net.PARENT)
      : addressToScriptJT(d.address!, this.net.PARENT, this.rules.paddingBugfix);
  }

  /** The wire/disk wrapper `{type, contents}`. */
  pack(): Buffer {
    return encodeWrapper(this.type, this.packedContents);
  }
}

/** ref_hash: IDENTIFIER || share_info (|| VarStr(message_data) for v36), through ref_merkle_link. */
export function refHashOf(net: Network, shareInfoBytes: Buffer, refMerkleBranch: bigint[], messageData?: Buffer | null): bigint {
  const parts = [net.IDENTIFIER, shareInfoBytes];
  if (messageData !== undefined) parts.push(new Writer(8 + (messageData?.length ?? 0)).varstr(messageData ?? EMPTY).toBuffer());
  return checkMerkleLink(hash256(Buffer.concat(parts)), refMerkleBranch, 0);
}

function computeRefHash(net: Network, contents: ShareContents, shareInfoBytes: Buffer): bigint {
  return refHashOf(net, shareInfoBytes, contents.refMerkleBranch, contents.messageData);
}

const EMPTY = Buffer.alloc(0);

/** The version rules and layout for a wrapper type on a network, or the reference's error for it. */
export function layoutFor(net: Network, type: number): ShareLayout {
  if (type < minimumShareVersion(net.LINEAGE)) throw new ShareRuleError('obsolete', `sent an obsolete share (type ${type})`, true);
  const rules = shareVersion(net.LINEAGE, type);
  if (!rules) throw new ShareRuleError('unknown-type', `unknown share type ${type}`);
  return { rules, segwit: isSegwitActivated(type, net) };
}

/** Parse a share's contents and run the parse-time checks (§5.1). */
export function parseShare(net: Network, type: number, contents: Buffer): Share {
  const layout = layoutFor(net, type);
  const { rules } = layout;
  const dec = decodeContents(contents, layout);
  const c = dec.contents;
  const info = c.shareInfo;
  const cb = info.shareData.coinbase.length;
  if (cb < COINBASE_MIN || cb > COINBASE_MAX) throw new ShareRuleError('coinbase-size', `bad coinbase size! ${cb} bytes`);
  if (
    rules.branchLimit &&
    (c.merkleBranch.length > 16 || (layout.segwit && info.segwitData && info.segwitData.txidMerkleBranch.length > 16))
  ) {
    throw new ShareRuleError('merkle-branch', 'merkle branch too long!');
  }
  if (rules.lineage === 'JT' && net.NAME === 'bitcoin' && info.absheight > 3927800 && info.shareData.desiredVersion === 16) {
    throw new ShareRuleError('hardfork', 'This is not a hardfork-supporting share!');
  }
  if (rules.txRefs) {
    const refs = info.transactionHashRefs;
    const own = new Set<number>();
    for (let i = 0; i < refs.length; i += 2) {
      if (refs[i]! >= TX_REF_SHARE_LIMIT) throw new ShareRuleError('tx-refs', `transaction ref share_count ${refs[i]} too large`);
      if (refs[i] === 0) own.add(refs[i + 1]!);
    }
    const n = info.newTransactionHashes.length;
    if (own.size !== n || [...own].some((x) => x >= n))
      throw new ShareRuleError('tx-refs', 'new transaction hashes are not exactly the own refs');
  }
  const share = new Share(net, type, layout, c, contents, dec.shareInfoStart, dec.shareInfoEnd);
  if (share.target > net.MAX_TARGET) throw new ShareRuleError('target', 'share target invalid', true, share);
  if (rules.lineage === 'V36' && share.target > share.maxTarget)
    throw new ShareRuleError('target', 'share target exceeds max_target (too easy)', true, share);
  if (share.powHash > share.target) throw new ShareRuleError('pow', 'share PoW invalid', true, share);
  return share;
}

/** Parse the `{type, contents}` wrapper bytes (as stored on disk or in `packed_share_hex`). */
export function parseWrappedShare(net: Network, packed: Uint8Array): Share {
  const r = new Reader(packed);
  const { type, contents } = readWrapper(r);
  r.done('share');
  return parseShare(net, type, contents);
}

/** Build a share from contents we generated (no parse-time PoW rejection: callers compare targets). */
export function shareFromContents(net: Network, type: number, contents: ShareContents): Share {
  const bytes = encodeContents(contents, layoutFor(net, type));
  return parseShareUnchecked(net, type, bytes);
}

function parseShareUnchecked(net: Network, type: number, bytes: Buffer): Share {
  const layout = layoutFor(net, type);
  const dec = decodeContents(bytes, layout);
  return new Share(net, type, layout, dec.contents, bytes, dec.shareInfoStart, dec.shareInfoEnd);
}

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
import { addressToScriptJT, pubkeyHashToAddress } from '../bitcoin/address.ts';
import type { Network } from '../networks/types.ts';
import { decodeContents, encodeContents, encodeWrapper, readWrapper, type ShareLayout } from './codec.ts';
import { COINBASE_MAX, COINBASE_MIN, GENTX_BEFORE_REFHASH, TX_REF_SHARE_LIMIT } from './constants.ts';
import { ShareRuleError } from './errors.ts';
import type { ShareContents } from './types.ts';
import { isSegwitActivated, minimumShareVersion, shareVersion, type ShareVersion } from './versions.ts';

export function powHash(net: Network, header: Buffer): bigint {
  return net.PARENT.POW_FUNC === 'scrypt' ? readU256(scryptPow(header), 0) : readU256(sha256d(header), 0);
}

/** A parsed share with its derived hashes (the reference's Share.__init__). Immutable once built. */
export class Share {
  readonly type: number;
  readonly rules: ShareVersion;
  readonly layout: ShareLayout;
  readonly contents: ShareContents;
  /** The `contents` bytes exactly as received or generated. */
  readonly packedContents: Buffer;
  readonly net: Network;
  /** share_info as packed (a view into packedContents): the ref hash and check() use it as is. */
  readonly shareInfoBytes: Buffer;

  readonly refHash: bigint;
  readonly gentxHash: bigint;
  readonly header: BlockHeader;
  readonly hash: bigint;
  readonly powHash: bigint;
  readonly target: bigint;
  readonly maxTarget: bigint;

  /** Local bookkeeping, not consensus: when and from whom it arrived (0 / null for disk and local). */
  timeSeen = 0;
  peerAddr: string | null = null;
  /** [JT] subsidy policing counter (§5.4), set by the tracker's verifier. */
  naughty = 0;

  private _newScript?: Buffer;
  private _address?: string;

  constructor(net: Network, type: number, rules: ShareVersion, layout: ShareLayout, contents: ShareContents, packedContents: Buffer, shareInfoBytes: Buffer) {
    this.net = net;
    this.type = type;
    this.rules = rules;
    this.layout = layout;
    this.contents = contents;
    this.packedContents = packedContents;
    this.shareInfoBytes = shareInfoBytes;
    const info = contents.shareInfo;

    const refLeaf = hash256(Buffer.concat([net.IDENTIFIER, shareInfoBytes]));
    this.refHash = checkMerkleLink(refLeaf, contents.refMerkleBranch, 0);
    const suffix = new Writer(44).bytes(u256ToLE(this.refHash)).u64(contents.lastTxoutNonce).u32(0).toBuffer();
    this.gentxHash = checkHashLink({ state: contents.hashLink.state, extraData: Buffer.alloc(0), length: contents.hashLink.length }, suffix, GENTX_BEFORE_REFHASH);
    let branch = contents.merkleBranch;
    if (layout.segwit) {
      if (!info.segwitData) throw new ShareRuleError('segwit-data', 'segwit-activated share without segwit_data');
      branch = info.segwitData.txidMerkleBranch;
    }
    const h = contents.minHeader;
    this.header = { version: h.version, previousBlock: h.previousBlock, merkleRoot: checkMerkleLink(this.gentxHash, branch, 0), timestamp: h.timestamp, bits: h.bits, nonce: h.nonce };
    const headerBytes = encodeHeader(this.header);
    this.hash = hash256(headerBytes);
    this.powHash = net.PARENT.POW_FUNC === 'scrypt' ? readU256(scryptPow(headerBytes), 0) : this.hash;
    this.target = bitsToTarget(info.bits);
    this.maxTarget = bitsToTarget(info.maxBits);
  }

  get shareInfo() { return this.contents.shareInfo; }
  get shareData() { return this.contents.shareInfo.shareData; }
  get previousHash(): bigint | null { return this.contents.shareInfo.shareData.previousShareHash; }
  get timestamp(): number { return this.contents.shareInfo.timestamp; }
  get absheight(): number { return this.contents.shareInfo.absheight; }
  get abswork(): bigint { return this.contents.shareInfo.abswork; }
  get desiredVersion(): number { return this.contents.shareInfo.shareData.desiredVersion; }
  get donation(): number { return this.contents.shareInfo.shareData.donation; }
  get isBlock(): boolean { return this.powHash <= bitsToTarget(this.header.bits); }

  /** The miner's address as the reference names it (layout A: base58 P2PKH of pubkey_hash). */
  get address(): string {
    if (this._address === undefined) {
      const d = this.shareData;
      this._address = d.address ?? pubkeyHashToAddress(d.pubkeyHash!, this.net.PARENT.ADDRESS_VERSION);
    }
    return this._address;
  }

  /** The payout script; for v34/v35 built with the version's padding rule (it may throw: §4.7). */
  get newScript(): Buffer {
    if (this._newScript === undefined) {
      const d = this.shareData;
      this._newScript = d.pubkeyHash ? p2pkhScript(d.pubkeyHash) : addressToScriptJT(d.address!, this.net.PARENT, this.rules.paddingBugfix);
    }
    return this._newScript;
  }

  /** PPLNS key: address string [JT], or the output script as hex [FV] (hex order = byte order). */
  get payoutKey(): string {
    return this.rules.payoutKey === 'address' ? this.address : this.newScript.toString('hex');
  }

  /** The wire/disk wrapper `{type, contents}`. */
  pack(): Buffer {
    return encodeWrapper(this.type, this.packedContents);
  }
}

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
  if (rules.branchLimit && (c.merkleBranch.length > 16 || (layout.segwit && info.segwitData && info.segwitData.txidMerkleBranch.length > 16))) {
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
    if (own.size !== n || [...own].some((x) => x >= n)) throw new ShareRuleError('tx-refs', 'new transaction hashes are not exactly the own refs');
  }
  const share = new Share(net, type, rules, layout, c, contents, contents.subarray(dec.shareInfoStart, dec.shareInfoEnd));
  if (share.target > net.MAX_TARGET) throw new ShareRuleError('target', 'share target invalid', true);
  if (share.powHash > share.target) throw new ShareRuleError('pow', 'share PoW invalid', true);
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
  return new Share(net, type, layout.rules, layout, dec.contents, bytes, bytes.subarray(dec.shareInfoStart, dec.shareInfoEnd));
}

import { address as btcAddress } from 'bitcoinjs-lib';
import { bech32, bech32m } from 'bech32';
import { p2pkhScript, p2shScript, witnessScript } from './script.ts';

/** The parts of a coin's parameters that addresses need. */
export interface AddressParams {
  ADDRESS_VERSION: number;
  ADDRESS_P2SH_VERSION?: number;
  HUMAN_READABLE_PART?: string;
}

export class InvalidAddressError extends Error {
  constructor(address: string, reason: string) {
    super(`invalid address ${JSON.stringify(address)}: ${reason}`);
    this.name = 'InvalidAddressError';
  }
}

export type AddressKind = 'p2pkh' | 'p2sh' | 'p2wpkh' | 'p2wsh' | 'p2tr' | 'witness';

export interface DecodedAddress {
  kind: AddressKind;
  script: Buffer;
  /** For base58 addresses: the 20-byte hash; for witness addresses: the program. */
  hash: Buffer;
  witnessVersion?: number;
}

function decodeBase58(address: string): { version: number; hash: Buffer } | null {
  try {
    const r = btcAddress.fromBase58Check(address);
    return { version: r.version, hash: Buffer.from(r.hash) };
  } catch {
    return null;
  }
}

/** BIP-173 / BIP-350 decoding with the network's hrp; also reports which checksum matched. */
function decodeSegwit(address: string, hrp: string): { version: number; program: Buffer; m: boolean } | null {
  for (const [codec, m] of [
    [bech32, false],
    [bech32m, true],
  ] as const) {
    let dec: { prefix: string; words: number[] };
    try {
      dec = codec.decode(address, 90);
    } catch {
      continue;
    }
    if (dec.prefix !== hrp || dec.words.length < 1) return null;
    const version = dec.words[0]!;
    const bytes = codec.fromWordsUnsafe(dec.words.slice(1));
    if (!bytes || bytes.length < 2 || bytes.length > 40 || version > 16) return null;
    if (version === 0 && bytes.length !== 20 && bytes.length !== 32) return null;
    return { version, program: Buffer.from(bytes), m };
  }
  return null;
}

/** Standard address decoding (base58 P2PKH/P2SH, bech32 v0, bech32m v1+) for the coin. */
export function decodeAddress(address: string, params: AddressParams): DecodedAddress {
  const b58 = decodeBase58(address);
  if (b58) {
    if (b58.version === params.ADDRESS_VERSION) return { kind: 'p2pkh', script: p2pkhScript(b58.hash), hash: b58.hash };
    if (params.ADDRESS_P2SH_VERSION !== undefined && b58.version === params.ADDRESS_P2SH_VERSION) {
      return { kind: 'p2sh', script: p2shScript(b58.hash), hash: b58.hash };
    }
    throw new InvalidAddressError(address, `version byte ${b58.version} is not this network's`);
  }
  if (params.HUMAN_READABLE_PART) {
    const sw = decodeSegwit(address, params.HUMAN_READABLE_PART);
    if (sw) {
      if ((sw.version === 0) === sw.m) throw new InvalidAddressError(address, 'wrong bech32 checksum variant for its witness version');
      const kind: AddressKind =
        sw.version === 0
          ? sw.program.length === 20
            ? 'p2wpkh'
            : 'p2wsh'
          : sw.version === 1 && sw.program.length === 32
            ? 'p2tr'
            : 'witness';
      return { kind, script: witnessScript(sw.version, sw.program), hash: sw.program, witnessVersion: sw.version };
    }
  }
  throw new InvalidAddressError(address, 'not a base58 or bech32 address of this network');
}

export function pubkeyHashToAddress(hash20: Uint8Array, version: number): string {
  return btcAddress.toBase58Check(hash20, version);
}

/**
 * The payout script exactly as the jtoomim reference builds it (`address_to_script2`), consensus for
 * share versions 34+. Only BIP-173 bech32 is accepted, the witness version is ignored (always OP_0),
 * and the program is re-formatted from an integer: without `paddingBugfix` (v34) every leading zero
 * nibble is lost; with it (v35) it is zero-padded to at least 40 hex digits. An odd digit count throws.
 */
export function addressToScriptJT(address: string, params: AddressParams, paddingBugfix: boolean): Buffer {
  const b58 = decodeBase58(address);
  if (b58) {
    if (b58.version === params.ADDRESS_VERSION) return p2pkhScript(b58.hash);
    if (params.ADDRESS_P2SH_VERSION !== undefined && b58.version === params.ADDRESS_P2SH_VERSION) return p2shScript(b58.hash);
    throw new InvalidAddressError(address, `version byte ${b58.version} is not this network's`);
  }
  const sw = params.HUMAN_READABLE_PART ? decodeSegwit(address, params.HUMAN_READABLE_PART) : null;
  if (!sw || sw.m) throw new InvalidAddressError(address, 'not a base58 or BIP-173 bech32 address of this network');
  let hex = BigInt('0x' + sw.program.toString('hex')).toString(16);
  if (paddingBugfix) hex = hex.padStart(40, '0');
  if (hex.length % 2)
    throw new InvalidAddressError(address, 'witness program re-encodes to an odd number of hex digits (reference padding bug)');
  const program = Buffer.from(hex, 'hex');
  return Buffer.concat([Buffer.from([0, program.length]), program]);
}

/**
 * `address_to_script2` as p2pool-merged-v36 builds it for v34/v35 shares: like the JT form with the
 * padding fix, except that the bech32 program is read as a little-endian integer, zero-padded to 40
 * hex digits and reversed, so trailing (not leading) zero bytes of a 32-byte program are lost.
 */
export function addressToScriptV36(address: string, params: AddressParams): Buffer {
  const b58 = decodeBase58(address);
  if (b58) return addressToScriptJT(address, params, true);
  const sw = params.HUMAN_READABLE_PART ? decodeSegwit(address, params.HUMAN_READABLE_PART) : null;
  if (!sw || sw.m) throw new InvalidAddressError(address, 'not a base58 or BIP-173 bech32 address of this network');
  const hex = BigInt('0x' + (Buffer.from(sw.program).reverse().toString('hex') || '0'))
    .toString(16)
    .padStart(40, '0');
  if (hex.length % 2)
    throw new InvalidAddressError(address, 'witness program re-encodes to an odd number of hex digits (reference formatting quirk)');
  const program = Buffer.from(hex, 'hex').reverse();
  return Buffer.concat([Buffer.from([0, program.length]), program]);
}

/** A V36 share's payout script from pubkey_hash and pubkey_type (any unknown type pays P2PKH). */
export function v36PayoutScript(hash20: Uint8Array, pubkeyType: number): Buffer {
  if (pubkeyType === 1) return witnessScript(0, hash20);
  if (pubkeyType === 2) return p2shScript(hash20);
  return p2pkhScript(hash20);
}

/** A V36 share's display address (bech32 for P2WPKH, base58 otherwise). */
export function v36PayoutAddress(hash20: Uint8Array, pubkeyType: number, params: AddressParams): string {
  if (pubkeyType === 1) return bech32.encode(params.HUMAN_READABLE_PART!, [0, ...bech32.toWords(hash20)]);
  if (pubkeyType === 2) return pubkeyHashToAddress(hash20, params.ADDRESS_P2SH_VERSION!);
  return pubkeyHashToAddress(hash20, params.ADDRESS_VERSION);
}

/** What a V36 share can pay: (pubkey_hash, pubkey_type) for P2PKH, P2WPKH and P2SH addresses. */
export function v36PayoutIdentity(address: string, params: AddressParams): { pubkeyHash: Buffer; pubkeyType: number } {
  const d = decodeAddress(address, params);
  if (d.kind === 'p2pkh') return { pubkeyHash: d.hash, pubkeyType: 0 };
  if (d.kind === 'p2wpkh') return { pubkeyHash: d.hash, pubkeyType: 1 };
  if (d.kind === 'p2sh') return { pubkeyHash: d.hash, pubkeyType: 2 };
  throw new InvalidAddressError(address, `a share version 36 cannot pay a ${d.kind} address (only P2PKH, P2WPKH, P2SH)`);
}

// Bitcoin P2P framing and the few messages the template builder speaks to its own full node:
// version/verack (handshake), ping/pong (keep-alive), sendheaders, inv/headers (new-block signal)
// and block (submission). Everything else the node sends is read past and ignored.
import { encodeVarInt, sha256d } from '../../core/index.ts';
import { headerHashHex } from '../../pool/work/block.ts';

export const HEADER_SIZE = 24;
export const PROTOCOL_VERSION = 70016;
export const MSG_BLOCK = 2;
export const MSG_WITNESS_FLAG = 0x40000000;
/** Blocks are the largest thing we send or receive; Litecoin MWEB blocks can exceed 4 MB. */
export const MAX_PAYLOAD = 32 * 1024 * 1024;

export function checksum(payload: Uint8Array): Buffer {
  return sha256d(payload).subarray(0, 4);
}

export function frame(magic: Buffer, command: string, payload: Buffer = Buffer.alloc(0)): Buffer {
  if (command.length > 12) throw new Error(`P2P command too long: ${command}`);
  const head = Buffer.alloc(HEADER_SIZE);
  magic.copy(head, 0);
  head.write(command, 4, 'ascii');
  head.writeUInt32LE(payload.length, 16);
  checksum(payload).copy(head, 20);
  return Buffer.concat([head, payload]);
}

export interface Frame {
  command: string;
  payload: Buffer;
}

/**
 * Incremental frame reader. A wrong magic or checksum means the stream is not what we think it is;
 * the caller drops the connection rather than resyncing (this is our own node, not a hostile peer).
 */
export class FrameReader {
  private buf: Buffer = Buffer.alloc(0);
  private readonly magic: Buffer;
  constructor(magic: Buffer) {
    this.magic = magic;
  }

  push(chunk: Buffer): Frame[] {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const out: Frame[] = [];
    while (this.buf.length >= HEADER_SIZE) {
      if (!this.buf.subarray(0, 4).equals(this.magic)) {
        throw new Error(
          `P2P stream has wrong network magic ${this.buf.subarray(0, 4).toString('hex')} (expected ${this.magic.toString('hex')}): is this the right network's P2P port?`,
        );
      }
      const len = this.buf.readUInt32LE(16);
      if (len > MAX_PAYLOAD) throw new Error(`P2P message of ${len} bytes is over the ${MAX_PAYLOAD} limit`);
      if (this.buf.length < HEADER_SIZE + len) break;
      const nul = this.buf.indexOf(0, 4);
      const command = this.buf.toString('ascii', 4, nul >= 4 && nul < 16 ? nul : 16);
      const payload = this.buf.subarray(HEADER_SIZE, HEADER_SIZE + len);
      if (!checksum(payload).equals(this.buf.subarray(20, 24))) throw new Error(`P2P ${command} message has a bad checksum`);
      out.push({ command, payload: Buffer.from(payload) });
      this.buf = this.buf.subarray(HEADER_SIZE + len);
    }
    return out;
  }
}

function netAddr(services: bigint, port: number): Buffer {
  const b = Buffer.alloc(26);
  b.writeBigUInt64LE(services, 0);
  // ::ffff:127.0.0.1; the node does not use these fields for anything that matters to us.
  b.writeUInt16BE(0xffff, 18);
  b.set([127, 0, 0, 1], 20);
  b.writeUInt16BE(port, 24);
  return b;
}

export function readVarInt(buf: Buffer, pos: number): [value: number, next: number] {
  const first = buf[pos];
  if (first === undefined) throw new Error('truncated varint');
  if (first < 0xfd) return [first, pos + 1];
  if (first === 0xfd) return [buf.readUInt16LE(pos + 1), pos + 3];
  if (first === 0xfe) return [buf.readUInt32LE(pos + 1), pos + 5];
  return [Number(buf.readBigUInt64LE(pos + 1)), pos + 9];
}

export function encodeVersion(opts: { services?: bigint; port: number; startHeight?: number; userAgent?: string; nonce?: bigint }): Buffer {
  const ua = Buffer.from(opts.userAgent ?? '/p2pool-ts:0.1/', 'ascii');
  const head = Buffer.alloc(20);
  head.writeInt32LE(PROTOCOL_VERSION, 0);
  head.writeBigUInt64LE(opts.services ?? 0n, 4);
  head.writeBigInt64LE(BigInt(Math.floor(Date.now() / 1000)), 12);
  const nonce = Buffer.alloc(8);
  nonce.writeBigUInt64LE(opts.nonce ?? BigInt.asUintN(64, BigInt(Math.floor(Math.random() * 2 ** 53)) << 11n), 0);
  const tail = Buffer.alloc(5);
  tail.writeInt32LE(opts.startHeight ?? 0, 0);
  // relay = 0: we never want transaction invs, only block announcements.
  tail[4] = 0;
  return Buffer.concat([head, netAddr(0n, opts.port), netAddr(opts.services ?? 0n, 0), nonce, encodeVarInt(ua.length), ua, tail]);
}

export interface VersionInfo {
  version: number;
  services: bigint;
  userAgent: string;
  startHeight: number;
}

export function decodeVersion(p: Buffer): VersionInfo {
  const version = p.readInt32LE(0);
  const services = p.readBigUInt64LE(4);
  let pos = 80;
  const [uaLen, next] = readVarInt(p, pos);
  pos = next;
  const userAgent = p.toString('ascii', pos, pos + uaLen);
  pos += uaLen;
  const startHeight = p.length >= pos + 4 ? p.readInt32LE(pos) : 0;
  return { version, services, userAgent, startHeight };
}

export interface InvItem {
  type: number;
  /** Hash in display order (big-endian hex), as RPC shows it. */
  hash: string;
}

export function decodeInv(p: Buffer): InvItem[] {
  const [n, start] = readVarInt(p, 0);
  const out: InvItem[] = [];
  for (let i = 0, pos = start; i < n; i++, pos += 36) {
    out.push({
      type: p.readUInt32LE(pos),
      hash: Buffer.from(p.subarray(pos + 4, pos + 36))
        .reverse()
        .toString('hex'),
    });
  }
  return out;
}

export interface AnnouncedHeader {
  raw: Buffer;
  hash: string;
  previousBlock: string;
  bits: number;
  timestamp: number;
  version: number;
}

export function decodeHeaders(p: Buffer): AnnouncedHeader[] {
  const [n, start] = readVarInt(p, 0);
  const out: AnnouncedHeader[] = [];
  let pos = start;
  for (let i = 0; i < n; i++) {
    const raw = Buffer.from(p.subarray(pos, pos + 80));
    if (raw.length < 80) throw new Error('truncated headers message');
    out.push({
      raw,
      hash: headerHashHex(raw),
      version: raw.readInt32LE(0),
      previousBlock: Buffer.from(raw.subarray(4, 36)).reverse().toString('hex'),
      timestamp: raw.readUInt32LE(68),
      bits: raw.readUInt32LE(72),
    });
    // Each header is followed by a tx count, always 0 in a headers message.
    pos = readVarInt(p, pos + 80)[1];
  }
  return out;
}

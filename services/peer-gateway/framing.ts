// The frame layer (docs/protocol.md §3.1): PREFIX(8) | command(12, NUL-padded) | length u32 LE | sha256d(payload)[0:4] | payload.
// The decoder resynchronises on the prefix, never holds more than one frame's payload, and reports
// each thing the reference reacts to (a frame, an oversize length, a bad checksum) as an event.
import { sha256d } from '../core/index.ts';

export const HEADER_SIZE = 28;
const PREFIX_SIZE = 8;
const COMMAND_SIZE = 12;

export class FrameEncodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FrameEncodeError';
  }
}

/** A payload exceeds the maximum: the sender splits lists (`fragment`) or answers 'too long'. */
export class TooLong extends FrameEncodeError {
  constructor(command: string, length: number, max: number) {
    super(`${command} payload of ${length} bytes exceeds ${max}`);
    this.name = 'TooLong';
  }
}

export function encodeFrame(prefix: Buffer, command: string, payload: Uint8Array, maxPayload = Infinity): Buffer {
  if (command.length >= COMMAND_SIZE || !/^[\x21-\x7e]+$/.test(command))
    throw new FrameEncodeError(`bad command ${JSON.stringify(command)}`);
  if (payload.length > maxPayload) throw new TooLong(command, payload.length, maxPayload);
  const out = Buffer.allocUnsafe(HEADER_SIZE + payload.length);
  prefix.copy(out, 0);
  out.fill(0, PREFIX_SIZE, PREFIX_SIZE + COMMAND_SIZE);
  out.write(command, PREFIX_SIZE, 'latin1');
  out.writeUInt32LE(payload.length, 20);
  sha256d(payload).copy(out, 24, 0, 4);
  out.set(payload, HEADER_SIZE);
  return out;
}

export type FrameEvent =
  | { kind: 'frame'; command: string; payload: Buffer }
  /** length > max: the header is dropped and scanning for the prefix resumes (reference: ignore). */
  | { kind: 'oversize'; command: string; length: number }
  /** checksum mismatch: the reference bans the peer. */
  | { kind: 'bad-checksum'; command: string; length: number };

const S = { PREFIX: 0, HEADER: 1, PAYLOAD: 2 } as const;

/**
 * Streaming decoder. Feed it socket chunks; it calls `onEvent` per frame (or frame error) in order.
 * Memory: a 28-byte header buffer plus at most one payload of ≤ maxPayload bytes, allocated only
 * once its bytes are actually arriving (a peer announcing 32 MB and sending nothing costs nothing).
 */
export class FrameDecoder {
  private readonly prefix: Buffer;
  private readonly maxPayload: number;
  private readonly onEvent: (e: FrameEvent) => void;
  private state: number = S.PREFIX;
  /** How many bytes of the prefix are matched so far. */
  private matched = 0;
  private readonly header = Buffer.alloc(HEADER_SIZE);
  private headerFill = 0;
  private command = '';
  private length = 0;
  private parts: Buffer[] = [];
  private payloadFill = 0;
  /** Set by `stop()` (e.g. the handler disconnected): the rest of the chunk is dropped. */
  private stopped = false;

  constructor(prefix: Buffer, maxPayload: number, onEvent: (e: FrameEvent) => void) {
    if (prefix.length !== PREFIX_SIZE) throw new Error('prefix must be 8 bytes');
    this.prefix = prefix;
    this.maxPayload = maxPayload;
    this.onEvent = onEvent;
  }

  /** Bytes held for an incomplete frame (bounded by HEADER_SIZE + maxPayload). */
  get buffered(): number {
    return this.headerFill + this.payloadFill;
  }

  stop(): void {
    this.stopped = true;
    this.parts = [];
  }

  push(chunk: Buffer): void {
    let i = 0;
    const n = chunk.length;
    while (i < n && !this.stopped) {
      if (this.state === S.PREFIX) {
        i = this.scanPrefix(chunk, i);
      } else if (this.state === S.HEADER) {
        const take = Math.min(HEADER_SIZE - this.headerFill, n - i);
        chunk.copy(this.header, this.headerFill, i, i + take);
        this.headerFill += take;
        i += take;
        if (this.headerFill === HEADER_SIZE) this.headerDone();
      } else {
        const take = Math.min(this.length - this.payloadFill, n - i);
        // A whole payload inside one chunk is a view, not a copy (the common case for small messages).
        this.parts.push(take === n - i && i === 0 ? chunk : chunk.subarray(i, i + take));
        this.payloadFill += take;
        i += take;
        if (this.payloadFill === this.length) this.payloadDone();
      }
    }
  }

  /** The reference reads byte by byte until the last 8 bytes equal the prefix: KMP-free since the
   *  prefix is matched with restart-on-mismatch that rechecks the current byte against its start. */
  private scanPrefix(chunk: Buffer, i: number): number {
    const p = this.prefix;
    const n = chunk.length;
    while (i < n) {
      const b = chunk[i++]!;
      if (b === p[this.matched]) {
        this.matched++;
      } else {
        // Fall back to the longest prefix-of-prefix that is a suffix of what we saw (tiny: 8 bytes).
        this.matched = this.fallback(this.matched, b);
      }
      if (this.matched === PREFIX_SIZE) {
        this.matched = 0;
        p.copy(this.header, 0);
        this.headerFill = PREFIX_SIZE;
        this.state = S.HEADER;
        return i;
      }
    }
    return i;
  }

  private fallback(matched: number, b: number): number {
    const p = this.prefix;
    // Seen: p[0..matched) then b. Find the longest k ≤ matched with p[0..k) == suffix of (p[0..matched) + b).
    for (let k = matched; k > 0; k--) {
      if (p[k - 1] !== b) continue;
      let ok = true;
      for (let j = 0; j < k - 1; j++)
        if (p[j] !== p[matched - (k - 1) + j]) {
          ok = false;
          break;
        }
      if (ok) return k;
    }
    return 0;
  }

  private headerDone(): void {
    const h = this.header;
    let end = 20;
    while (end > PREFIX_SIZE && h[end - 1] === 0) end--;
    this.command = h.toString('latin1', PREFIX_SIZE, end);
    this.length = h.readUInt32LE(20);
    this.headerFill = 0;
    if (this.length > this.maxPayload) {
      this.state = S.PREFIX;
      this.onEvent({ kind: 'oversize', command: this.command, length: this.length });
      return;
    }
    this.state = S.PAYLOAD;
    this.payloadFill = 0;
    this.parts = [];
    if (this.length === 0) this.payloadDone();
  }

  private payloadDone(): void {
    const payload = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.length);
    this.parts = [];
    this.payloadFill = 0;
    this.state = S.PREFIX;
    const sum = sha256d(payload);
    const h = this.header;
    if (sum[0] !== h[24] || sum[1] !== h[25] || sum[2] !== h[26] || sum[3] !== h[27]) {
      this.onEvent({ kind: 'bad-checksum', command: this.command, length: this.length });
      return;
    }
    this.onEvent({ kind: 'frame', command: this.command, payload });
  }
}

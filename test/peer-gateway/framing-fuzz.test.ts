// The frame decoder under random and mutated input (bounded counts): it never throws, never holds
// more than one frame, and recovers every intact frame whatever the chunking or leading garbage.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NETWORKS, DecodeError, EncodeError } from '../../services/core/index.ts';
import { FrameDecoder, encodeFrame, HEADER_SIZE, type FrameEvent } from '../../services/peer-gateway/framing.ts';
import { MESSAGES } from '../../services/peer-gateway/messages/index.ts';

const PREFIX = NETWORKS.bitcoin!.PREFIX;
const MAX = 4096;

// A small deterministic PRNG so a failure reproduces.
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function randomBytes(r: () => number, n: number): Buffer {
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(r() * 256);
  return b;
}

function feed(bytes: Buffer, r: () => number): { events: FrameEvent[]; maxBuffered: number } {
  const events: FrameEvent[] = [];
  const dec = new FrameDecoder(PREFIX, MAX, (e) => events.push(e));
  let maxBuffered = 0;
  for (let i = 0; i < bytes.length; ) {
    const n = 1 + Math.floor(r() * 64);
    dec.push(bytes.subarray(i, i + n));
    maxBuffered = Math.max(maxBuffered, dec.buffered);
    i += n;
  }
  return { events, maxBuffered };
}

test('intact frames come out whole through any chunking, after garbage and partial prefixes', () => {
  const r = rng(1);
  for (let round = 0; round < 300; round++) {
    const payloads = Array.from({ length: 1 + Math.floor(r() * 5) }, () => randomBytes(r, Math.floor(r() * 300)));
    const parts: Buffer[] = [];
    for (const p of payloads) {
      // Garbage that contains a partial prefix (a resync trap) before each frame.
      parts.push(randomBytes(r, Math.floor(r() * 20)), PREFIX.subarray(0, Math.floor(r() * 8)));
      parts.push(encodeFrame(PREFIX, 'shares', p));
    }
    const { events } = feed(Buffer.concat(parts), r);
    const frames = events.filter((e) => e.kind === 'frame');
    assert.equal(frames.length, payloads.length, `round ${round}`);
    frames.forEach((f, i) => {
      assert.ok(f.kind === 'frame' && f.payload.equals(payloads[i]!));
    });
  }
});

test('random bytes and mutated frames: no throw, bounded buffering, checksum always enforced', () => {
  const r = rng(2);
  for (let round = 0; round < 2000; round++) {
    let bytes: Buffer;
    if (round % 2) {
      bytes = randomBytes(r, Math.floor(r() * 2000));
      if (r() < 0.5) PREFIX.copy(bytes, Math.floor(r() * Math.max(1, bytes.length - 8)));
    } else {
      bytes = encodeFrame(PREFIX, 'version', randomBytes(r, Math.floor(r() * 500)));
      for (let k = 0; k < 1 + Math.floor(r() * 4); k++) bytes[8 + Math.floor(r() * (bytes.length - 8))] = Math.floor(r() * 256);
    }
    const { events, maxBuffered } = feed(bytes, r);
    assert.ok(maxBuffered <= HEADER_SIZE + MAX);
    for (const e of events) {
      if (e.kind === 'frame') assert.ok(e.payload.length <= MAX);
      if (e.kind === 'oversize') assert.ok(e.length > MAX);
    }
  }
});

test('an announced length is not allocated until its bytes arrive', () => {
  const dec = new FrameDecoder(PREFIX, 32_000_000, () => {});
  const header = encodeFrame(PREFIX, 'shares', Buffer.alloc(0)).subarray(0, HEADER_SIZE);
  header.writeUInt32LE(31_999_999, 20);
  dec.push(header);
  assert.equal(dec.buffered, 0);
  dec.push(Buffer.alloc(1000));
  assert.equal(dec.buffered, 1000);
});

test('every message decoder rejects random payloads with a DecodeError only', () => {
  const r = rng(3);
  for (const [command, spec] of MESSAGES) {
    for (let i = 0; i < 300; i++) {
      const payload = randomBytes(r, Math.floor(r() * 200));
      try {
        spec.decode(payload);
      } catch (e) {
        assert.ok(e instanceof DecodeError || e instanceof EncodeError, `${command}: ${(e as Error).stack}`);
      }
    }
  }
});

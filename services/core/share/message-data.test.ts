// V36 authority messages: an envelope opens only with an authority key and every message must carry
// that key's valid low-S DER signature. The real authority keys' secrets are not public, so the
// envelopes here are built for a test authority; the checks are the same code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import * as secp from '@noble/secp256k1';
import { authorityMessageDigest, decodeMessageData, derToCompact, validMessageData } from './message-data.ts';

secp.hashes.sha256 = (m) => createHash('sha256').update(m).digest();
secp.hashes.hmacSha256 = (k, m) => createHmac('sha256', k).update(m).digest();

/** A compact (r || s) signature in DER, as the reference's signers write it. */
function der(compact: Uint8Array): Buffer {
  const int = (b: Uint8Array) => {
    let i = 0;
    while (i < b.length - 1 && b[i] === 0) i++;
    const v = Buffer.from(b.subarray(i));
    return v[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), v]) : v;
  };
  const r = int(compact.subarray(0, 32));
  const s = int(compact.subarray(32));
  return Buffer.concat([Buffer.from([0x30, r.length + s.length + 4, 2, r.length]), r, Buffer.from([2, s.length]), s]);
}

function envelope(
  authority: Uint8Array,
  messages: { type: number; flags: number; timestamp: number; payload: Buffer; sig: Buffer }[],
): Buffer {
  const parts: Buffer[] = [Buffer.from([1, 0, messages.length, 0])];
  for (const m of messages) {
    const head = Buffer.alloc(8);
    head[0] = m.type;
    head[1] = m.flags;
    head.writeUInt32LE(m.timestamp, 2);
    head.writeUInt16LE(m.payload.length, 6);
    parts.push(head, m.payload, Buffer.alloc(20, 7), Buffer.from([m.sig.length]), m.sig);
  }
  const inner = Buffer.concat(parts);
  const nonce = randomBytes(16);
  const key = createHmac('sha256', authority).update(nonce).digest();
  const ct = Buffer.alloc(inner.length);
  for (let i = 0; i < inner.length; i++) {
    const block = createHash('sha256')
      .update(key)
      .update(Buffer.from([Math.floor(i / 32), 0, 0, 0]))
      .digest();
    ct[i] = inner[i]! ^ block[i % 32]!;
  }
  const mac = createHmac('sha256', key).update(ct).digest();
  return Buffer.concat([Buffer.from([1]), nonce, mac, ct]);
}

test('a signed authority envelope verifies; a wrong key, a bad signature or a tampered byte does not', () => {
  const sk = secp.utils.randomSecretKey();
  const pk = Buffer.from(secp.getPublicKey(sk, true));
  const other = Buffer.from(secp.getPublicKey(secp.utils.randomSecretKey(), true));
  const msg = { type: 1, flags: 0, timestamp: 1780000000, payload: Buffer.from('transition 35 -> 36') };
  const sig = der(secp.sign(authorityMessageDigest(msg), sk, { prehash: false }));
  const good = envelope(pk, [{ ...msg, sig }]);
  assert.equal(validMessageData(good, [other, pk]), true);
  const d = decodeMessageData(good, [pk])!;
  assert.equal(d.messages[0]!.payload.toString(), 'transition 35 -> 36');
  assert.equal(validMessageData(good, [other]), false, 'no authority key opens it');
  const badSig = der(secp.sign(authorityMessageDigest({ ...msg, timestamp: 1 }), sk, { prehash: false }));
  assert.equal(validMessageData(envelope(pk, [{ ...msg, sig: badSig }]), [pk]), false, 'signature over another message');
  const tampered = Buffer.from(good);
  tampered[tampered.length - 1]! ^= 1;
  assert.equal(validMessageData(tampered, [pk]), false, 'MAC fails');
  assert.equal(validMessageData(envelope(pk, []), [pk]), false, 'no messages');
  assert.equal(validMessageData(Buffer.from([1, 2, 3]), [pk]), false);
  // The built-in authorities are the reference's two keys: a test envelope does not pass them.
  assert.equal(validMessageData(good), false);
});

test('DER parsing is strict: minimal positive integers, exact lengths', () => {
  const compact = new Uint8Array(64).fill(0x11);
  assert.deepEqual(derToCompact(der(compact)), compact);
  const d = der(compact);
  assert.equal(derToCompact(Buffer.concat([d, Buffer.from([0])])), null, 'trailing byte');
  const padded = Buffer.from('3008020200110202001101', 'hex');
  assert.equal(derToCompact(padded), null, 'non-minimal and wrong length');
});

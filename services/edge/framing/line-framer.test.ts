import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineFramer, MAX_LINE_BYTES } from './line-framer.ts';
import { decodeMessage } from '../codec/jsonrpc.ts';

function collect(max?: number) {
  const lines: string[] = [];
  return { lines, framer: new LineFramer((l) => lines.push(l), max) };
}

test('splits lines, strips \\r, skips empty lines, keeps partial lines across chunks', () => {
  const { lines, framer } = collect();
  assert.equal(framer.push(Buffer.from('{"a":1}\r\n\n{"b"'), 5), true);
  assert.equal(framer.partialSince, 5);
  assert.equal(framer.push(Buffer.from(':2}\n{"c":3}\n')), true);
  assert.deepEqual(lines, ['{"a":1}', '{"b":2}', '{"c":3}']);
  assert.equal(framer.pendingBytes, 0);
  assert.equal(framer.partialSince, 0);
});

test('a line of exactly the limit passes; one byte more is an overflow', () => {
  const ok = collect(16);
  assert.equal(ok.framer.push(Buffer.from('x'.repeat(16) + '\n')), true);
  assert.deepEqual(ok.lines, ['x'.repeat(16)]);
  const bad = collect(16);
  assert.equal(bad.framer.push(Buffer.from('x'.repeat(17) + '\n')), false);
  const slow = collect(16);
  assert.equal(slow.framer.push(Buffer.from('x'.repeat(10))), true);
  assert.equal(slow.framer.push(Buffer.from('x'.repeat(7))), false, 'unterminated data over the limit overflows before any newline');
  assert.equal(MAX_LINE_BYTES, 16384);
});

test('multi-byte UTF-8 split across chunks decodes intact', () => {
  const { lines, framer } = collect();
  const b = Buffer.from('{"m":"żółw"}\n');
  framer.push(b.subarray(0, 8));
  framer.push(b.subarray(8));
  assert.deepEqual(lines, ['{"m":"żółw"}']);
});

// Deterministic PRNG so failures reproduce.
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

test('fuzz: random splits of random line sets deliver exactly the lines (2,000 cases)', () => {
  const r = rng(12345);
  for (let c = 0; c < 2000; c++) {
    const n = Math.floor(r() * 8);
    const want: string[] = [];
    for (let i = 0; i < n; i++) {
      const len = 1 + Math.floor(r() * 60);
      let s = '';
      for (let j = 0; j < len; j++) s += String.fromCharCode(32 + Math.floor(r() * 95));
      want.push(s);
    }
    const bytes = Buffer.from(want.map((l) => l + (r() < 0.3 ? '\r\n' : '\n')).join(''));
    const { lines, framer } = collect(64);
    let at = 0;
    while (at < bytes.length) {
      const step = 1 + Math.floor(r() * 20);
      assert.equal(framer.push(bytes.subarray(at, at + step)), true);
      at += step;
    }
    assert.deepEqual(
      lines,
      want.map((l) => l.replace(/\r$/, '')).filter((l) => l.length > 0),
    );
  }
});

test('fuzz: random bytes never throw; every delivered line is within the limit; decode never throws (3,000 cases)', () => {
  const r = rng(777);
  for (let c = 0; c < 3000; c++) {
    const len = Math.floor(r() * 400);
    const bytes = Buffer.alloc(len);
    for (let i = 0; i < len; i++) bytes[i] = r() < 0.05 ? 10 : Math.floor(r() * 256);
    const max = 8 + Math.floor(r() * 120);
    const lines: string[] = [];
    const framer = new LineFramer((l) => lines.push(l), max);
    let alive = true;
    let at = 0;
    while (alive && at < len) {
      const step = 1 + Math.floor(r() * 50);
      alive = framer.push(bytes.subarray(at, at + step));
      at += step;
    }
    for (const l of lines) {
      assert.ok(Buffer.byteLength(l) <= max * 3, 'decoded line stays bounded'); // U+FFFD may expand bytes
      const d = decodeMessage(l);
      assert.ok(d.kind === 'invalid' || d.kind === 'request' || d.kind === 'reply');
    }
    if (!alive) assert.equal(framer.pendingBytes, 0, 'overflow drops buffered bytes');
    else assert.ok(framer.pendingBytes <= max);
  }
});

test('fuzz: random JSON-ish values decode to a request, a reply or a precise error (2,000 cases)', () => {
  const r = rng(4242);
  const atoms = ['null', 'true', '1', '-1.5e3', '"s"', '[]', '{}', '"mining.submit"', '[1,"a",null]', '{"x":1}'];
  const keys = ['id', 'method', 'params', 'result', 'error', 'jsonrpc'];
  for (let c = 0; c < 2000; c++) {
    const parts: string[] = [];
    for (const k of keys) if (r() < 0.6) parts.push(`"${k}":${atoms[Math.floor(r() * atoms.length)]}`);
    let text = `{${parts.join(',')}}`;
    if (r() < 0.2) text = text.slice(0, Math.floor(r() * text.length));
    const d = decodeMessage(text);
    if (d.kind === 'request') {
      assert.equal(typeof d.request.method, 'string');
      assert.ok(Array.isArray(d.request.params));
    } else if (d.kind === 'invalid') {
      assert.ok([-32700, -32600, -32602].includes(d.code));
    }
  }
});

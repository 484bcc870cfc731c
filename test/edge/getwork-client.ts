// A minimal getwork miner for tests (docs/protocol.md §8.7), independent of the edge's code.
import { request } from 'node:http';
import { connect } from 'node:net';
import { createHash } from 'node:crypto';

export interface HttpReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export function httpCall(
  port: number,
  opts: { method: string; path: string; body?: string; user?: string; headers?: Record<string, string> },
): Promise<HttpReply> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    if (opts.user !== undefined) headers.Authorization = 'Basic ' + Buffer.from(`${opts.user}:x`).toString('base64');
    if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
    const req = request({ host: '127.0.0.1', port, method: opts.method, path: opts.path, headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        body += d;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

export function getworkCall(port: number, params: unknown[], user?: string, path = '/'): Promise<HttpReply> {
  return httpCall(port, { method: 'POST', path, body: JSON.stringify({ id: 1, method: 'getwork', params }), user });
}

function swapWords(b: Buffer): Buffer {
  const out = Buffer.alloc(b.length);
  for (let i = 0; i < b.length; i += 4) out.writeUInt32LE(b.readUInt32BE(i), i);
  return out;
}

/** Header (80 bytes, block order) from getwork `data`. */
export function headerOf(dataHex: string): Buffer {
  return swapWords(Buffer.from(dataHex, 'hex')).subarray(0, 80);
}

/** `data` for a header, keeping the padding of the original. */
export function dataFor(header: Buffer, originalData: string): string {
  const full = Buffer.from(originalData, 'hex');
  const swapped = swapWords(Buffer.concat([header, swapWords(full).subarray(80)]));
  return swapped.toString('hex');
}

export function powValue(header: Buffer): bigint {
  const h = createHash('sha256').update(createHash('sha256').update(header).digest()).digest();
  return BigInt('0x' + Buffer.from(h).reverse().toString('hex'));
}

/** Finds a nonce meeting (or missing) the little-endian hex target; returns the header. */
export function mine(dataHex: string, targetLEHex: string, want = true, start = 0): Buffer {
  const target = BigInt('0x' + Buffer.from(targetLEHex, 'hex').reverse().toString('hex'));
  const h = Buffer.from(headerOf(dataHex));
  for (let n = start; ; n++) {
    h.writeUInt32LE(n >>> 0, 76);
    if (powValue(h) <= target === want) return h;
  }
}

/**
 * A getwork request byte for byte as libcurl 7.88 frames it for cpuminer 2.5.1: cpuminer sets its
 * own `Content-Length` header while libcurl, given a read callback, sends the body chunked, so the
 * request carries BOTH `Transfer-Encoding: chunked` and `Content-Length` (what Node's strict parser
 * refuses with 400). `curl -H 'Transfer-Encoding: chunked' -H 'Content-Length: N' --data-binary ...`
 * sends the same framing.
 */
export function libcurlRequestBytes(body: string, user: string, port: number, path = '/'): Buffer {
  const b = Buffer.from(body);
  return Buffer.concat([
    Buffer.from(
      `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n` +
        `Authorization: Basic ${Buffer.from(`${user}:x`).toString('base64')}\r\n` +
        'Accept-Encoding: deflate, gzip, br, zstd\r\n' +
        'Transfer-Encoding: chunked\r\n' +
        'Content-Type: application/json\r\n' +
        `Content-Length: ${b.length}\r\n` +
        'User-Agent: cpuminer/2.5.1\r\n' +
        'X-Mining-Extensions: midstate\r\n\r\n' +
        `${b.length.toString(16)}\r\n`,
    ),
    b,
    Buffer.from('\r\n0\r\n\r\n'),
  ]);
}

/** Sends raw request bytes on a fresh connection and parses the reply (Content-Length or chunked). */
export function rawHttpCall(port: number, bytes: Buffer): Promise<HttpReply> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port }, () => s.write(bytes));
    let buf = Buffer.alloc(0);
    const done = (): boolean => {
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return false;
      const lines = buf.subarray(0, end).toString('latin1').split('\r\n');
      const status = Number(lines[0]!.split(' ')[1]);
      const headers: Record<string, string> = {};
      for (const l of lines.slice(1)) {
        const i = l.indexOf(':');
        headers[l.slice(0, i).toLowerCase()] = l.slice(i + 1).trim();
      }
      let body: Buffer;
      if (headers['transfer-encoding'] === 'chunked') {
        const parts: Buffer[] = [];
        let at = end + 4;
        for (;;) {
          const eol = buf.indexOf('\r\n', at);
          if (eol < 0) return false;
          const size = parseInt(buf.subarray(at, eol).toString('latin1'), 16);
          if (buf.length < eol + 2 + size + 2) return false;
          if (size === 0) break;
          parts.push(buf.subarray(eol + 2, eol + 2 + size));
          at = eol + 2 + size + 2;
        }
        body = Buffer.concat(parts);
      } else {
        const len = Number(headers['content-length'] ?? 0);
        if (buf.length < end + 4 + len) return false;
        body = buf.subarray(end + 4, end + 4 + len);
      }
      resolve({ status, headers, body: body.toString('utf8') });
      s.destroy();
      return true;
    };
    s.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      done();
    });
    s.on('end', () => {
      if (!done()) reject(new Error(`connection closed: ${JSON.stringify(buf.toString('latin1'))}`));
    });
    s.on('error', reject);
  });
}

// A minimal getwork miner for tests (docs/protocol.md §8.7), independent of the edge's code.
import { request } from 'node:http';
import { createHash } from 'node:crypto';

export interface HttpReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export function httpCall(port: number, opts: { method: string; path: string; body?: string; user?: string; headers?: Record<string, string> }): Promise<HttpReply> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    if (opts.user !== undefined) headers.Authorization = 'Basic ' + Buffer.from(`${opts.user}:x`).toString('base64');
    if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
    const req = request({ host: '127.0.0.1', port, method: opts.method, path: opts.path, headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => { body += d; });
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
    if ((powValue(h) <= target) === want) return h;
  }
}

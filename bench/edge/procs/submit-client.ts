// Closed-loop mining.submit load: `conns` connections, each keeping `window` submits in flight
// (every reply immediately triggers the next submit). Every submit is unique (extranonce2 is a
// per-connection counter) so each one takes the full path: job lookup, field checks, coinbase
// rebuild, 12-level merkle fold, header sha256d, target judge, duplicate set, reply.
// Latency is per request: reply arrival minus send time, measured in this process.
// With `rate` set, the load is open-loop instead: submits are paced at that total rate
// (every millisecond, whatever is due), so latency is measured below saturation.
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';

const {
  port,
  conns,
  window: closedWindow,
  warmupMs,
  measureMs,
  rate,
} = JSON.parse(process.argv[2]!) as {
  port: number;
  conns: number;
  window: number;
  warmupMs: number;
  measureMs: number;
  rate?: number;
};
const paced = rate !== undefined;
const window = paced ? 1 << 16 : closedWindow;
let firstError = '';
const METHOD = Buffer.from('"method"');
const TRUE = Buffer.from('"result":true');
const USER = `bench+${2 ** -32}`; // fixed pseudoshare difficulty ~2^-32: every valid submit is accepted
const lat = new Float64Array(4_000_000);
let nLat = 0;
let measuring = false;
let ok = 0;
let errors = 0;

class Conn {
  readonly s: Socket;
  jobId = '';
  ntime = '';
  counter = 0;
  readonly sent = new Float64Array(window);
  head = 0;
  tail = 0;
  rest: Buffer | null = null;
  constructor(s: Socket) {
    this.s = s;
  }
  line(): string {
    const en2 = (this.counter++ >>> 0).toString(16).padStart(8, '0');
    return `{"id":${this.counter},"method":"mining.submit","params":["${USER}","${this.jobId}","${en2}","${this.ntime}","00000000"]}\n`;
  }
  send(k: number): void {
    let out = '';
    const now = performance.now();
    for (let i = 0; i < k; i++) {
      out += this.line();
      this.sent[this.tail++ % window] = now;
    }
    this.s.write(out);
  }
}

function open(): Promise<Conn> {
  return new Promise((resolve, reject) => {
    const s = connect({ port, host: '127.0.0.1', noDelay: true });
    const c = new Conn(s);
    let started = false;
    s.on('error', reject);
    s.on('connect', () =>
      s.write(`{"id":1,"method":"mining.subscribe","params":["bench"]}\n{"id":2,"method":"mining.authorize","params":["${USER}","x"]}\n`),
    );
    // Bytes, not strings: the load generator must stay cheaper than the edge it measures.
    s.on('data', (d: Buffer) => {
      let start = 0;
      let replies = 0;
      if (c.rest !== null) {
        d = Buffer.concat([c.rest, d]);
        c.rest = null;
      }
      let nl: number;
      while ((nl = d.indexOf(10, start)) >= 0) {
        if (!started) {
          const line = d.toString('latin1', start, nl);
          start = nl + 1;
          if (line.includes('"method":"mining.notify"')) {
            const p = JSON.parse(line).params;
            c.jobId = p[0];
            c.ntime = p[7];
            started = true;
            resolve(c);
          }
          continue;
        }
        const m = d.indexOf(METHOD, start);
        if (m >= 0 && m < nl) {
          start = nl + 1;
          continue;
        }
        const now = performance.now();
        const t = c.sent[c.head++ % window]!;
        if (measuring) {
          if (nLat < lat.length) lat[nLat++] = now - t;
          const k = d.indexOf(TRUE, start);
          if (k >= 0 && k < nl) ok++;
          else {
            errors++;
            firstError ||= d.toString('latin1', start, nl);
          }
        }
        replies++;
        start = nl + 1;
      }
      if (start < d.length) c.rest = Buffer.from(d.subarray(start));
      if (replies > 0 && !paced) c.send(replies);
    });
  });
}

const all = await Promise.all(Array.from({ length: conns }, open));
if (paced) {
  const start = performance.now();
  let sent = 0;
  let rr = 0;
  const tick = setInterval(() => {
    const due = Math.floor(((performance.now() - start) / 1000) * rate!) - sent;
    const per = Math.floor(due / conns);
    let extra = due - per * conns;
    for (let i = 0; i < conns; i++) {
      const c = all[(rr + i) % conns]!;
      const k = per + (extra > 0 ? 1 : 0);
      if (extra > 0) extra--;
      if (k > 0) c.send(k);
    }
    rr++;
    sent += due;
  }, 1);
  setTimeout(() => clearInterval(tick), warmupMs + measureMs);
} else {
  for (const c of all) c.send(window);
}
await new Promise((r) => setTimeout(r, warmupMs));
measuring = true;
const t0 = performance.now();
await new Promise((r) => setTimeout(r, measureMs));
measuring = false;
const secs = (performance.now() - t0) / 1000;
const sorted = lat.subarray(0, nLat).sort();
const q = (p: number) => sorted[Math.min(nLat - 1, Math.floor(p * nLat))]!;
process.send!({ rate: (ok + errors) / secs, ok, errors, p50: q(0.5), p99: q(0.99), max: sorted[nLat - 1], firstError });
for (const c of all) c.s.destroy();
setTimeout(() => process.exit(0), 100);

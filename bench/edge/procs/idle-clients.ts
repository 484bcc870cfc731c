// Opens many stratum connections (subscribe + authorize, then idle), from its own process.
// With {cmd:'arm'} it waits for the next mining.notify on every connection and reports the
// wall-clock time the last one arrived (fan-out, client side).
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';

const { port, count, localAddress, distinctUsers, concurrency } = JSON.parse(process.argv[2]!) as {
  port: number;
  count: number;
  localAddress: string;
  distinctUsers: boolean;
  concurrency: number;
};
const wall = (): number => performance.timeOrigin + performance.now();
const sockets: Socket[] = [];
let ready = 0;
let failed = 0;
let armed = false;
let got = 0;
let last = 0;
const seen: Uint8Array = new Uint8Array(count);
const NOTIFY = Buffer.from('mining.notify');

function open(i: number): Promise<void> {
  return new Promise((resolve) => {
    let done = false;
    const s = connect({ port, host: '127.0.0.1', localAddress });
    s.on('connect', () => {
      const user = distinctUsers ? `user${i}` : 'bench';
      s.write(
        `{"id":1,"method":"mining.subscribe","params":["bench/1.0"]}\n{"id":2,"method":"mining.authorize","params":["${user}","x"]}\n`,
      );
    });
    s.on('data', (d: Buffer) => {
      if (d.indexOf(NOTIFY) < 0) return;
      if (!done) {
        done = true;
        ready++;
        resolve();
        return;
      }
      if (armed && seen[i] === 0) {
        seen[i] = 1;
        got++;
        if (got === sockets.length) {
          last = wall();
          armed = false;
          process.send!({ lastArrival: last, got });
        }
      }
    });
    s.on('error', () => {
      if (!done) {
        done = true;
        failed++;
        resolve();
      }
    });
    sockets.push(s);
  });
}

let next = 0;
async function worker(): Promise<void> {
  while (next < count) await open(next++);
}
await Promise.all(Array.from({ length: concurrency }, worker));
process.send!({ ready, failed });

process.on('message', (m: { cmd: string }) => {
  if (m.cmd === 'arm') {
    armed = true;
    got = 0;
    seen.fill(0);
    process.send!({ armed: true });
  }
  if (m.cmd === 'close') {
    for (const s of sockets) s.destroy();
    process.exit(0);
  }
});

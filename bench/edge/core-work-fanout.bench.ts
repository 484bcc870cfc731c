// New-work fan-out through a real EdgeServer fed by CoreWorkSource (2×CHAIN_LENGTH basis, 1 MB
// template), N stratum connections each on its own payout address (N jobs built per event) or all on
// one address. Clients run in a child process (this file with `client`).
//   core_work_fanout_*_edge_ms: new basis → every notify handed to its socket (edge.onFanOut: job
//                               builds + encoding + writes)
//   core_work_fanout_*_e2e_ms:  new basis → the last client has its notify (two processes' wall clocks)
//   core_work_fanout_*_page_faults: the edge process's minor page faults during the fan-out (fresh
//                               memory is slow to touch in a microVM: a figure to compare hosts by)
import { fork } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { testAddresses } from '../../services/core/testing/chain-builder.ts';
import { benchNetwork } from '../core/chain-cache.ts';

const wall = (): number => performance.timeOrigin + performance.now();

if (process.argv[2] === 'client') {
  // {port, count, distinct}: connect, subscribe, authorize; on 'arm', report when every socket got its next notify.
  const { port, count, distinct } = JSON.parse(process.argv[3]!) as { port: number; count: number; distinct: boolean };
  const addresses = testAddresses(benchNetwork('scrypt'), distinct ? count : 1);
  const NOTIFY = Buffer.from('mining.notify');
  const sockets: Socket[] = [];
  const seen = new Uint8Array(count);
  let ready = 0;
  let armed = false;
  let got = 0;
  const open = (i: number) =>
    new Promise<void>((resolve) => {
      let first = true;
      const s = connect({ port, host: '127.0.0.1' });
      s.on('connect', () =>
        s.write(
          `{"id":1,"method":"mining.subscribe","params":["bench"]}\n{"id":2,"method":"mining.authorize","params":["${addresses[distinct ? i : 0]}.w${i}","x"]}\n`,
        ),
      );
      s.on('data', (d: Buffer) => {
        if (d.indexOf(NOTIFY) < 0) return;
        if (first) {
          first = false;
          ready++;
          resolve();
          return;
        }
        if (armed && seen[i] === 0) {
          seen[i] = 1;
          if (++got === count) {
            armed = false;
            process.send!({ lastArrival: wall() });
          }
        }
      });
      s.on('error', () => {
        if (first) {
          first = false;
          resolve();
        }
      });
      sockets.push(s);
    });
  let next = 0;
  await Promise.all(
    Array.from({ length: 100 }, async () => {
      while (next < count) await open(next++);
    }),
  );
  process.send!({ ready });
  process.on('message', (m: { cmd: string }) => {
    if (m.cmd === 'arm') {
      seen.fill(0);
      got = 0;
      armed = true;
      process.send!({ armed: true });
    }
    if (m.cmd === 'close') {
      for (const s of sockets) s.destroy();
      process.exit(0);
    }
  });
} else {
  const { EdgeServer, edgeConfigForParent } = await import('../../services/edge/index.ts');
  const { CoreWorkSource } = await import('../../services/edge/core-work/index.ts');
  const { setup, median } = await import('./core-work-setup.ts');
  const s = setup();
  const ROUNDS = 5;

  async function run(count: number, distinct: boolean): Promise<void> {
    const work = new CoreWorkSource({ net: s.net });
    work.setWork(s.work);
    work.setBasis(s.basis);
    const edge = new EdgeServer({
      config: { ...edgeConfigForParent(s.net.PARENT), host: '127.0.0.1', port: 0 },
      workSource: work,
      shareSink: { submitBlock() {}, submitShare() {} },
    });
    const port = await edge.start();
    const child = fork(import.meta.filename, ['client', JSON.stringify({ port, count, distinct })], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const next = <T>(pred: (m: any) => boolean) =>
      new Promise<T>((res) => {
        const on = (m: any) => {
          if (pred(m)) {
            child.off('message', on);
            res(m);
          }
        };
        child.on('message', on);
      });
    const r = await next<{ ready: number }>((m) => 'ready' in m);
    if (r.ready !== count) throw new Error(`only ${r.ready} of ${count} clients ready`);
    const edgeMs: number[] = [];
    const e2eMs: number[] = [];
    const faults: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      await new Promise((res) => setTimeout(res, 200));
      child.send({ cmd: 'arm' });
      await next((m) => m.armed === true);
      const arrival = next<{ lastArrival: number }>((m) => 'lastArrival' in m);
      const fan = new Promise<{ ms: number; sessions: number }>((res) => {
        edge.onFanOut = (f) => res(f);
      });
      const pf0 = process.resourceUsage().minorPageFault;
      const t0 = wall();
      work.setBasis({ ...s.basis, staleInfo: i % 2 ? 0 : 253, basisId: i + 2 }); // a new best-share event
      const f = await fan;
      if (f.sessions !== count) throw new Error(`fan-out reached ${f.sessions} of ${count}`);
      edgeMs.push(f.ms);
      faults.push(process.resourceUsage().minorPageFault - pf0);
      e2eMs.push((await arrival).lastArrival - t0);
    }
    const label = `${count}_${distinct ? 'distinct_addresses' : 'one_address'}`;
    console.log(`core_work_fanout_${label}_edge_ms: ${median(edgeMs).toFixed(1)} ms`);
    console.log(`core_work_fanout_${label}_e2e_ms: ${median(e2eMs).toFixed(1)} ms`);
    console.log(`core_work_fanout_${label}_page_faults: ${median(faults)} faults`);
    child.send({ cmd: 'close' });
    await new Promise((res) => child.once('exit', res));
    await edge.stop();
  }

  await run(1000, true);
  await run(1000, false);
  await run(10000, false);
  await run(5000, true);
  await run(10000, true);
}

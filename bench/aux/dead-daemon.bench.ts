// The edge's job latency while merged mining's aux daemons are dead: in the embedded default the aux
// service shares the edge's process, so its pollers (one daemon refusing connections, one accepting
// and never answering, polled every 10 ms) run on the same event loop as job building. Jobs are
// built for distinct payout addresses on fresh epochs (a litecoin-shaped chain, a 1 MB template), once
// without merged mining and once with a commitment in the coinbase and the dead daemons polling.
//   aux_job_build_ms_{p50,p99}_{no_aux,dead_aux}: one getJobTemplate (a new key on the epoch)
//   aux_event_loop_delay_ms_p99_{no_aux,dead_aux}:  event-loop delay over the run
import net from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { testAddresses } from '../../services/core/testing/chain-builder.ts';
import { buildAuxTree, encodeMergedMiningData } from '../../services/core/index.ts';
import { CoreWorkSource } from '../../services/edge/core-work/index.ts';
import { MergedMining } from '../../services/aux/merged-mining.ts';
import { resolveMergedChains } from '../../services/runtime/merged-chains.ts';
import { setup } from '../edge/core-work-setup.ts';

const s = setup();
const addresses = testAddresses(s.net, 2_000);
const out = (name: string, v: number, unit: string, digits = 3) => console.log(`${name}: ${v.toFixed(digits)} ${unit}`);
const pct = (v: number[], p: number) => [...v].sort((a, b) => a - b)[Math.min(v.length - 1, Math.floor(v.length * p))]!;

async function run(label: string | null, withAux: boolean): Promise<void> {
  const ws = new CoreWorkSource({ net: s.net });
  ws.setWork(s.work);
  ws.setBasis(s.basis);
  if (withAux) {
    const tree = buildAuxTree([
      { chainId: 0x62, hash: 1n },
      { chainId: 1, hash: 2n },
    ]);
    ws.setAuxWork({
      auxWorkId: 1n,
      mmData: encodeMergedMiningData({ root: tree.root, treeSize: tree.size, merkleNonce: tree.merkleNonce }),
      target: 1n << 240n,
      mergedTemplate: null,
    });
  }
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const times: number[] = [];
  for (let epoch = 0; epoch < 10; epoch++) {
    if (withAux)
      ws.setAuxWork({ ...ws.currentAux!, auxWorkId: BigInt(epoch + 2) }); // a new epoch each round
    else ws.setBasis({ ...s.basis, basisId: epoch + 2, staleInfo: epoch % 2 });
    ws.getJobTemplate({ payoutAddress: addresses[0]!, desiredShareTarget: null }); // the epoch's prepare
    for (let i = 1; i <= 100; i++) {
      const a = performance.now();
      ws.getJobTemplate({ payoutAddress: addresses[epoch * 100 + i]!, desiredShareTarget: null });
      times.push(performance.now() - a);
      // Let the pollers' timers and sockets run between builds, as connections' submits would.
      if (i % 10 === 0) await new Promise((r) => setImmediate(r));
    }
  }
  delay.disable();
  if (label === null) return;
  out(`aux_job_build_ms_p50_${label}`, pct(times, 0.5), 'ms');
  out(`aux_job_build_ms_p99_${label}`, pct(times, 0.99), 'ms');
  out(`aux_event_loop_delay_ms_p99_${label}`, delay.percentile(99) / 1e6, 'ms');
}

await run(null, false); // warm-up (JIT), not reported
await run('no_aux', false);

// A port that refuses (nothing listens) and a server that accepts and never answers.
const refused = await new Promise<number>((resolve) => {
  const srv = net.createServer();
  srv.listen(0, '127.0.0.1', () => {
    const p = (srv.address() as net.AddressInfo).port;
    srv.close(() => resolve(p));
  });
});
const sockets: net.Socket[] = [];
const hung = net.createServer((c) => {
  sockets.push(c);
});
await new Promise<void>((r) => hung.listen(0, '127.0.0.1', () => r()));
const hungPort = (hung.address() as net.AddressInfo).port;
let failures = 0;
const mm = new MergedMining({
  chains: resolveMergedChains([`http://u:p@127.0.0.1:${refused}/`, `http://u:p@127.0.0.1:${hungPort}/`]),
  net: s.net,
  pollMs: 10,
  maxBackoffMs: 10,
  daemonTimeoutMs: 200,
  log: {
    info() {},
    warn() {
      failures++;
    },
  },
  publish() {},
});
mm.start();
await new Promise((r) => setTimeout(r, 300));
await run('dead_aux', true);
await mm.stop();
for (const c of sockets) c.destroy();
hung.close();
process.stderr.write(
  `# aux pollers: ${mm
    .statuses()
    .map((x) => `${x.label}: ${x.failures} failures (${x.error})`)
    .join('; ')}; ${failures} warnings logged\n`,
);

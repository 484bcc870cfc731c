// Figure: a new block on the full node → new work published by the template builder, on loopback
// with a real litecoind and a real btcd (target p99 < 50 ms). The clock starts when the block is
// handed to the node (submitblock from a separate RPC connection, as if it came from the network),
// so the figure includes the node's own validation and announcement.
import { startLitecoind } from '../../test/harness/litecoind.ts';
import { startBtcd } from '../../test/harness/btcd.ts';
import { regtestScript } from '../../test/harness/keys.ts';
import { mineBlock } from '../../test/harness/blocks.ts';
import { TemplateBuilder, type WorkEvent } from '../../services/template-builder/builder.ts';
import type { RpcClient } from '../../services/full-node/rpc/client.ts';

const ROUNDS = Number(process.env.ROUNDS ?? 200);

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}

async function measure(
  label: string,
  coin: 'litecoin' | 'bitcoin',
  node: { rpcUrl: string; user: string; pass: string; p2pPort: number; rpc: RpcClient },
  longPoll = true,
): Promise<void> {
  const tb = new TemplateBuilder({
    coin,
    network: 'regtest',
    nodes: [{ rpcUrl: node.rpcUrl, user: node.user, pass: node.pass, p2p: { host: '127.0.0.1', port: node.p2pPort }, longPoll }],
  });
  tb.start();
  await tb.nextWork({ timeoutMs: 30_000 });
  const pow = coin === 'litecoin' ? 'scrypt' : 'sha256d';
  const lat: number[] = [];
  const reasons: Record<string, number> = {};
  for (let i = 0; i < ROUNDS + 10; i++) {
    const work = tb.currentWork!;
    const solved = mineBlock(work, pow, { payoutScript: regtestScript(), extraNonce: i });
    const published = new Promise<WorkEvent>((resolve) => {
      const on = (ev: WorkEvent) => {
        if (ev.work.previousBlockHex === solved.hash) {
          tb.off('work', on);
          resolve(ev);
        }
      };
      tb.on('work', on);
    });
    const t0 = performance.now();
    const answer = await node.rpc.call('submitblock', [solved.block.toString('hex')]);
    if (answer !== null) throw new Error(`${label}: block refused: ${answer}`);
    const ev = await published;
    if (i >= 10) {
      // the first rounds warm up the JIT and the sockets
      lat.push(ev.publishedAt - t0);
      reasons[ev.reason] = (reasons[ev.reason] ?? 0) + 1;
    }
  }
  tb.stop();
  console.log(`new_block_to_work_${label}_median: ${quantile(lat, 0.5).toFixed(2)} ms`);
  console.log(`new_block_to_work_${label}_p99: ${quantile(lat, 0.99).toFixed(2)} ms`);
  console.log(`new_block_to_work_${label}_max: ${Math.max(...lat).toFixed(2)} ms`);
  for (const [r, n] of Object.entries(reasons)) console.log(`new_block_to_work_${label}_via_${r.replace(/-/g, '_')}: ${n} blocks`);
}

const ltc = await startLitecoind({ noMweb: true, wallet: true });
try {
  await ltc.mine(101);
  await measure('litecoind', 'litecoin', ltc);
  // The P2P new-block signal alone (long poll off): what a node without long polling would get.
  await measure('litecoind_p2p_signal_only', 'litecoin', ltc, false);
} finally {
  await ltc.stop();
}
const btcd = await startBtcd();
try {
  await btcd.mine(100);
  await measure('btcd', 'bitcoin', btcd);
} finally {
  await btcd.stop();
}

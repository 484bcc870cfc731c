// The `make run` extras around the embedded node (`p2pool --net litecoin_regtest_v36 --demo-miner`):
// - a full node: when none is configured (no RPC credentials or ports, default address) on a regtest
//   network, litecoind is started on loopback with its chain under <datadir>/litecoind-regtest, and
//   the node and the payout address (-a, when not given) point at it;
// - --demo-miner: the CPU miner (services/miner) on the worker port, paying the payout address;
// - a few human lines on stderr (shares accepted, blocks found), next to the JSON log.
// stop() ends the miner and then litecoind, after the pool itself has stopped.
import { join } from 'node:path';
import { Events } from '../bus/events.ts';
import { on } from '../bus/pubsub.ts';
import { busRpc } from '../bus/rpc.ts';
import { clientsFor } from '../runtime/clients.ts';
import type { Closer } from '../bus/types.ts';
import { ShareSource } from '../gen/p2pool/v1/common.ts';
import { CpuMiner } from '../miner/index.ts';
import type { NodeConfig } from '../runtime/config.ts';
import type { Host } from '../runtime/host.ts';
import type { Logger } from '../runtime/log.ts';
import { nodeNetwork } from '../runtime/network.ts';
import { hexFromLE as displayHex } from '../core/index.ts';
import { startRegtestLitecoind, type RegtestNode } from './litecoind.ts';

export interface Demo {
  // After the node started: the miner and the human-readable lines.
  attach(host: Host): Promise<void>;
  stop(): Promise<void>;
}

const say = (line: string) => process.stderr.write(line + '\n');

// No full node on the command line: no RPC credentials, no ports, the default address.
export function fullNodeConfigured(config: NodeConfig): boolean {
  const f = config.fullNode;
  return f.rpcPassword !== undefined || f.rpcPort !== undefined || f.p2pPort !== undefined || f.host !== '127.0.0.1';
}

export async function prepareDemo(config: NodeConfig, log: Logger): Promise<Demo | undefined> {
  const net = nodeNetwork(config);
  let node: RegtestNode | undefined;
  if (!fullNodeConfigured(config) && net.PARENT.CHAIN === 'regtest') {
    if (!net.PARENT.NAME.startsWith('litecoin')) {
      log.warn(
        `no full node configured for ${net.NAME}: start one and pass its RPC credentials (only litecoin regtest is started automatically)`,
      );
    } else {
      say(`starting litecoind on regtest (${join(config.datadir, 'litecoind-regtest')}) ...`);
      node = await startRegtestLitecoind({ datadir: join(config.datadir, 'litecoind-regtest'), log: (m, f) => log.info(m, f) });
      config.fullNode = { host: '127.0.0.1', rpcPort: node.rpcPort, p2pPort: node.p2pPort, rpcUser: node.user, rpcPassword: node.pass };
      config.address ??= node.address;
      say(`litecoind regtest is up: RPC 127.0.0.1:${node.rpcPort}, P2P 127.0.0.1:${node.p2pPort}, payout address ${config.address}`);
    }
  }
  if (!node && !config.demoMiner) return undefined;

  let miner: CpuMiner | undefined;
  const blockHeights = new Set<number>();
  const closers: Closer[] = [];
  let status: NodeJS.Timeout | undefined;
  return {
    async attach(host: Host) {
      const bus = host.bus;
      if (bus) {
        closers.push(
          // Shares that lost a race for the same parent are in the JSON log only.
          await on(bus, Events.shareAccepted, (m) => {
            if (m.source === ShareSource.LOCAL && m.isBest) say(`share accepted: sharechain height ${m.height} ${displayHex(m.hash)}`);
          }),
          await on(bus, Events.blockSubmitted, (m) => {
            // One line per height: blocks that lost a race at the same height are in the JSON log only.
            const height = m.request?.height ?? 0;
            if (!m.response?.accepted || blockHeights.has(height)) return;
            blockHeights.add(height);
            if (blockHeights.size > 1000) blockHeights.delete(blockHeights.values().next().value!);
            const who = m.response.results.map((r) => r.node).join(', ');
            say(`BLOCK FOUND: height ${m.request?.height} ${displayHex(m.request?.blockHash ?? new Uint8Array())} accepted by ${who}`);
          }),
        );
      }
      if (!config.demoMiner) return;
      // The bound worker port (-w 0 picks any).
      const bound = /:(\d+)$/.exec(host.endpoints().worker ?? '');
      const port = bound ? Number(bound[1]) : (config.workerPort ?? net.WORKER_PORT);
      const address = config.address;
      if (!address) {
        log.warn('--demo-miner needs a payout address (-a): not started');
        return;
      }
      miner = new CpuMiner({
        host: '127.0.0.1',
        port,
        username: `${address}.demo`,
        algorithm: net.PARENT.POW_FUNC === 'scrypt' ? 'scrypt' : 'sha256d',
        difficultyMultiplier: net.PARENT.DUMB_SCRYPT_DIFF,
        threads: 1,
        userAgent: 'p2pool-ts-demo-miner',
        // Regtest blocks and shares take a few dozen hashes: capped, the demo finds one every few
        // seconds instead of dozens per second, and leaves the machine's CPU alone (services/miner/README.md).
        ...(net.PARENT.CHAIN === 'regtest' ? { maxHashrate: 20 } : {}),
        log: (level, msg) => log[level](`demo miner: ${msg}`),
      });
      await miner.start();
      say(`demo miner: mining to ${address} on stratum+tcp://127.0.0.1:${port}`);
      if (config.logfile) say(`JSON log: ${config.logfile} (errors also on stdout)`);
      const clients = clientsFor(busRpc(bus!));
      status = setInterval(() => {
        const m = miner!.stats();
        clients.sharechain.GetStats({}).then(
          (s) => {
            say(
              `pool: sharechain height ${s.height}, my shares ${s.sharesTotal} (${s.sharesOrphan} orphan, ${s.sharesDead} dead), pool ${Math.round(s.poolHashRate)} H/s, ` +
                `${s.recentBlocks.length} blocks in the chain's window · demo miner ${Math.round(m.hashrate)} H/s, ${m.accepted} pseudoshares accepted, ${m.rejected} rejected`,
            );
          },
          () => undefined,
        );
      }, 30_000);
      status.unref();
    },
    async stop() {
      clearInterval(status);
      await miner?.stop().catch(() => undefined);
      await Promise.allSettled(closers.map((c) => c.close()));
      if (node) {
        say('stopping litecoind ...');
        await node.stop();
      }
    },
  };
}

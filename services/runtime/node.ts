// Starts a node as configured: the services it is given on the in-process bus (the embedded default) or
// on NATS (one service of a cluster, --service NAME --nats URL). Returns the running host so tests can
// drive it. Which services run is the caller's choice: cli/ composes all six, services/X/main.ts one.
import { mkdirSync } from 'node:fs';
import { InProcBus } from '../bus/inproc.ts';
import { NatsBus } from '../bus/nats.ts';
import type { Bus } from '../bus/types.ts';
import type { NodeConfig } from './config.ts';
import { Host } from './host.ts';
import type { Route } from './http-server.ts';
import type { Logger } from './log.ts';
import type { ServiceName } from '../bus/contracts.ts';
import type { ServiceFactory } from './host.ts';

export type ServiceList = ReadonlyArray<[ServiceName, ServiceFactory]>;

export const VERSION = '0.1.0';

export interface StartedNode {
  host: Host;
  bus: Bus;
}

// The node, not yet started: `host.start()` brings up the health endpoint, connects the bus (waiting
// for NATS if it is not up yet) and starts the services.
const WAIT_LOG_MS = 5_000;

export function createNode(config: NodeConfig, log: Logger, services: ServiceList, routes?: Record<string, Route>): Host {
  mkdirSync(config.datadir, { recursive: true });
  const mode = config.nats ? 'cluster' : 'embedded';
  log.info('starting', {
    mode,
    service: config.service ?? 'all',
    version: VERSION,
    net: config.net,
    testnet: config.testnet,
    nats: config.nats ? redactUrl(config.nats) : undefined,
  });
  const nats = config.nats;
  const bus: Bus | (() => Promise<Bus>) = nats
    ? async () => {
        // NATS may come up after us (Kubernetes): say what we wait for, every few seconds.
        const since = Date.now();
        const waiting = setInterval(
          () =>
            log.warn('waiting for NATS', {
              nats: redactUrl(nats),
              waited_s: Math.round((Date.now() - since) / 1000),
              hint: 'is nats-server running and reachable from here? the cluster needs it with JetStream (nats-server -js)',
            }),
          WAIT_LOG_MS,
        );
        let b: NatsBus;
        try {
          b = await NatsBus.connect({
            url: nats,
            prefix: config.natsPrefix,
            name: `${config.service ?? 'all'}/${config.instance}`,
            credsFile: config.natsCredsFile,
            tokenFile: config.natsTokenFile,
            replicas: config.natsReplicas,
          });
        } finally {
          clearInterval(waiting);
        }
        log.info('connected to NATS', { nats: redactUrl(nats), prefix: config.natsPrefix });
        return b;
      }
    : new InProcBus({ prefix: config.natsPrefix });
  return new Host({ config, bus, services: [...services], log, version: VERSION, mode, routes });
}

export async function startNode(config: NodeConfig, log: Logger, services: ServiceList): Promise<StartedNode> {
  const host = createNode(config, log, services);
  try {
    await host.start();
  } catch (e) {
    await host.shutdown('start failed').catch(() => undefined);
    throw e;
  }
  return { host, bus: host.bus! };
}

export function redactUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/g, '//***@');
}

// Starts a node as configured: the embedded default (all six services, in-process bus) or one
// service of a cluster (--service NAME --nats URL). Returns the running host so tests can drive it.
import { mkdirSync } from 'node:fs';
import { InProcBus } from '../bus/inproc.ts';
import { NatsBus } from '../bus/nats.ts';
import type { Bus } from '../bus/types.ts';
import type { NodeConfig } from '../runtime/config.ts';
import { Host } from '../runtime/host.ts';
import type { Logger } from '../runtime/log.ts';
import { servicesFor } from './services.ts';

export const VERSION = '0.1.0';

export interface StartedNode {
  host: Host;
  bus: Bus;
}

export async function startNode(config: NodeConfig, log: Logger): Promise<StartedNode> {
  mkdirSync(config.datadir, { recursive: true });
  const mode = config.nats ? 'cluster' : 'embedded';
  log.info('starting', {
    mode, service: config.service ?? 'all', version: VERSION, net: config.net, testnet: config.testnet,
    nats: config.nats ? redactUrl(config.nats) : undefined,
  });
  let bus: Bus;
  if (config.nats) {
    // Resolves once connected; until NATS is reachable the process waits here (and /healthz is not up,
    // so a pod that cannot reach NATS at all is restarted rather than left silent).
    bus = await NatsBus.connect({
      url: config.nats, prefix: config.natsPrefix, name: `${config.service ?? 'all'}/${config.instance}`,
      credsFile: config.natsCredsFile, tokenFile: config.natsTokenFile,
    });
    log.info('connected to NATS', { nats: redactUrl(config.nats), prefix: config.natsPrefix });
  } else {
    bus = new InProcBus({ prefix: config.natsPrefix });
  }
  const host = new Host({ config, bus, services: servicesFor(config.service), log, version: VERSION, mode });
  try {
    await host.start();
  } catch (e) {
    await host.shutdown('start failed').catch(() => undefined);
    throw e;
  }
  return { host, bus };
}

export function redactUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/g, '//***@');
}

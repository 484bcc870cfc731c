// What every process reports on /metrics whatever it hosts: build info (version, the newest share
// version it speaks, network), the bus connection, and each hosted service's serving status.
import { versionsOf, type Network } from '../core/index.ts';
import { ServingStatus } from '../gen/p2pool/v1/common.ts';
import type { Host } from './host.ts';
import { observe } from './metrics.ts';

export function processMetrics(host: Host, opts: { version: string; net: Network; netName: string }): () => void {
  const shareVersion = String(Math.max(...versionsOf(opts.net.LINEAGE).map((v) => v.version)));
  return observe('p2pool.process', [
    {
      name: 'p2pool.build.info',
      description: 'always 1; the labels say what runs',
      read: () => [[1, { version: opts.version, share_version: shareVersion, network: opts.netName }]],
    },
    {
      name: 'p2pool.bus.up',
      description: '1 while the bus (NATS, or in-process) is connected',
      read: () => {
        const b = host.bus;
        return b ? [[b.state() === 'connected' ? 1 : 0, { bus: b.kind }]] : 0;
      },
    },
    {
      name: 'p2pool.service.serving',
      description: '1 while a hosted service is SERVING',
      read: () => host.services().map((s) => [s.health.status === ServingStatus.SERVING ? 1 : 0, { service: s.name }] as const),
    },
  ]);
}

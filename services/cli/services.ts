// The six services and their shells, in start order. Shutdown drains them in reverse: the web and the
// edge (the doors) first, the sharechain (which must store what the edge hands it) last.
import type { ServiceName } from '../bus/contracts.ts';
import { createAuxServer } from '../aux/server.ts';
import { createEdgeServer } from '../edge/server.ts';
import { createPeerGatewayServer } from '../peer-gateway/server.ts';
import type { ServiceFactory } from '../runtime/host.ts';
import { createSharechainServer } from '../sharechain/server.ts';
import { createTemplateBuilderServer } from '../template-builder/index.ts';
import { createWebServer } from '../web/server.ts';

export const SERVICES: Array<[ServiceName, ServiceFactory]> = [
  ['sharechain', (ctx) => createSharechainServer(ctx)],
  ['template-builder', (ctx) => createTemplateBuilderServer(ctx)],
  ['peer-gateway', (ctx) => createPeerGatewayServer(ctx)],
  ['aux', (ctx) => createAuxServer(ctx)],
  ['edge', (ctx) => createEdgeServer(ctx)],
  ['web', (ctx) => createWebServer(ctx)],
];

export function servicesFor(name: ServiceName | undefined): Array<[ServiceName, ServiceFactory]> {
  return name ? SERVICES.filter(([n]) => n === name) : SERVICES;
}

// Typed clients for every contract over one Rpc (the bus, or gRPC from outside). Services call each
// other only through these.
import { AuxClientImpl } from '../gen/p2pool/v1/aux.ts';
import { EdgeClientImpl } from '../gen/p2pool/v1/edge.ts';
import { PeerGatewayClientImpl } from '../gen/p2pool/v1/peer_gateway.ts';
import { SharechainClientImpl } from '../gen/p2pool/v1/sharechain.ts';
import { TemplateBuilderClientImpl } from '../gen/p2pool/v1/template_builder.ts';
import { WebClientImpl } from '../gen/p2pool/v1/web.ts';
import type { ServiceName } from '../bus/contracts.ts';
import type { Rpc } from '../bus/rpc.ts';

export interface Clients {
  peerGateway: PeerGatewayClientImpl;
  sharechain: SharechainClientImpl;
  templateBuilder: TemplateBuilderClientImpl;
  edge: EdgeClientImpl;
  aux: AuxClientImpl;
  web: WebClientImpl;
}

export function clientsFor(rpc: Rpc): Clients {
  return {
    peerGateway: new PeerGatewayClientImpl(rpc),
    sharechain: new SharechainClientImpl(rpc),
    templateBuilder: new TemplateBuilderClientImpl(rpc),
    edge: new EdgeClientImpl(rpc),
    aux: new AuxClientImpl(rpc),
    web: new WebClientImpl(rpc),
  };
}

// The same clients keyed by process-level service name, for code that loops over all six.
export function clientByName(clients: Clients, name: ServiceName): { Health: Clients['web']['Health'] } {
  switch (name) {
    case 'peer-gateway':
      return clients.peerGateway;
    case 'sharechain':
      return clients.sharechain;
    case 'template-builder':
      return clients.templateBuilder;
    case 'edge':
      return clients.edge;
    case 'aux':
      return clients.aux;
    case 'web':
      return clients.web;
  }
}

// The peer-gateway service shell: speaks the P2Pool P2P protocol to other nodes.
// It serves the PeerGateway contract (proto/p2pool/v1/peer_gateway.proto) on the bus; Health works now, the
// other methods answer UNIMPLEMENTED until issue 7 provides them through loadLogic below.
import { PeerGatewayDefinition, type PeerGateway } from '../gen/p2pool/v1/peer_gateway.ts';
import { bindContract, type Logic } from '../runtime/contract.ts';
import type { ServiceContext, ServiceShell } from '../runtime/host.ts';

export type PeerGatewayLogic = Logic<PeerGateway>;

// The seam: return the real handlers and lifecycle hooks (start/drain/stop) built from ctx (config,
// bus, clients of the other services, health). Until then the shell has none.
async function loadLogic(ctx: ServiceContext): Promise<PeerGatewayLogic> {
  void ctx;
  return {};
}

export async function createPeerGatewayServer(ctx: ServiceContext, logic?: PeerGatewayLogic): Promise<ServiceShell> {
  const l = logic ?? (await loadLogic(ctx));
  return {
    definition: PeerGatewayDefinition,
    impl: bindContract<PeerGateway>(PeerGatewayDefinition, ctx, l),
    start: l.start?.bind(l),
    drain: l.drain?.bind(l),
    stop: l.stop?.bind(l),
  };
}

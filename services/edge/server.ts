// The edge service shell: Stratum v1 and getwork for miners on the worker port (issue 5).
// It serves the Edge contract (proto/p2pool/v1/edge.proto) on the bus. Health works now; Drain and
// GetLocalStats answer for a shell with no miners until the edge logic (services/edge/, EdgeServer)
// is wired in through loadLogic below.
import { EdgeDefinition, type Edge } from '../gen/p2pool/v1/edge.ts';
import { bindContract, type Logic } from '../runtime/contract.ts';
import type { ServiceContext, ServiceShell } from '../runtime/host.ts';

export type EdgeLogic = Logic<Edge>;

// The seam: build the stratum/getwork server from ctx (config.workerHost/workerPort, clients of the
// template builder and sharechain, WorkBasisPublished/TemplatePublished events) and return its handlers
// and lifecycle hooks. `drain` should send client.reconnect and wait for miners to leave.
async function loadLogic(ctx: ServiceContext): Promise<EdgeLogic> {
  return {
    // No miners are connected to a shell: draining is immediate.
    async Drain() {
      ctx.log.info('drain requested; no miners connected');
      return { connectionsBefore: 0, connectionsRemaining: 0 };
    },
    async GetLocalStats() {
      return {
        instance: ctx.instance, connections: 0, stratumConnections: 0, getworkClients: 0,
        extranoncePrefix: new Uint8Array(0), miners: [], pseudoshares: 0n, shares: 0n, blocks: 0n, draining: false,
      };
    },
  };
}

export async function createEdgeServer(ctx: ServiceContext, logic?: EdgeLogic): Promise<ServiceShell> {
  const l = logic ?? (await loadLogic(ctx));
  return {
    definition: EdgeDefinition,
    impl: bindContract<Edge>(EdgeDefinition, ctx, l),
    start: l.start?.bind(l),
    drain: l.drain?.bind(l),
    stop: l.stop?.bind(l),
  };
}

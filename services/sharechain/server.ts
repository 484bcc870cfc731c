// The sharechain service shell: owns the tracker, verifies and scores shares, publishes the work basis, stores shares.
// It serves the Sharechain contract (proto/p2pool/v1/sharechain.proto) on the bus; Health works now, the
// other methods answer UNIMPLEMENTED until issue 6 provides them through loadLogic below.
import { SharechainDefinition, type Sharechain } from '../gen/p2pool/v1/sharechain.ts';
import { bindContract, type Logic } from '../runtime/contract.ts';
import type { ServiceContext, ServiceShell } from '../runtime/host.ts';

export type SharechainLogic = Logic<Sharechain>;

// The seam: return the real handlers and lifecycle hooks (start/drain/stop) built from ctx (config,
// bus, clients of the other services, health). Until then the shell has none.
async function loadLogic(ctx: ServiceContext): Promise<SharechainLogic> {
  void ctx;
  return {};
}

export async function createSharechainServer(ctx: ServiceContext, logic?: SharechainLogic): Promise<ServiceShell> {
  const l = logic ?? (await loadLogic(ctx));
  return {
    definition: SharechainDefinition,
    impl: bindContract<Sharechain>(SharechainDefinition, ctx, l),
    start: l.start?.bind(l),
    drain: l.drain?.bind(l),
    stop: l.stop?.bind(l),
  };
}

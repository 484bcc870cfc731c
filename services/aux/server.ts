// The aux service shell: merged mining: getauxblock on each --merged URL, auxpow submission.
// It serves the Aux contract (proto/p2pool/v1/aux.proto) on the bus; Health works now, the
// other methods answer UNIMPLEMENTED until the merged-mining work (spec §8.8) provides them through loadLogic below.
import { AuxDefinition, type Aux } from '../gen/p2pool/v1/aux.ts';
import { bindContract, type Logic } from '../runtime/contract.ts';
import type { ServiceContext, ServiceShell } from '../runtime/host.ts';

export type AuxLogic = Logic<Aux>;

// The seam: return the real handlers and lifecycle hooks (start/drain/stop) built from ctx (config,
// bus, clients of the other services, health). Until then the shell has none.
async function loadLogic(ctx: ServiceContext): Promise<AuxLogic> {
  void ctx;
  return {};
}

export async function createAuxServer(ctx: ServiceContext, logic?: AuxLogic): Promise<ServiceShell> {
  const l = logic ?? (await loadLogic(ctx));
  return {
    definition: AuxDefinition,
    impl: bindContract<Aux>(AuxDefinition, ctx, l),
    start: l.start?.bind(l),
    drain: l.drain?.bind(l),
    stop: l.stop?.bind(l),
  };
}

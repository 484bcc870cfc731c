// The aux service shell: merged mining: getauxblock on each --merged URL, auxpow submission.
// It serves the Aux contract (proto/p2pool/v1/aux.proto) on the bus. Merged mining (docs/protocol.md §8.8) is not
// built yet: without --merged the service says there are no merged chains (GetAuxWork answers
// FAILED_PRECONDITION "no merged chains configured"); with --merged it warns that the URLs are ignored
// and GetAuxWork / SubmitAuxPow answer UNIMPLEMENTED. The edges mine without aux work either way.
import { AuxDefinition, type Aux } from '../gen/p2pool/v1/aux.ts';
import { RpcCode, RpcError } from '../bus/errors.ts';
import { bindContract, type Logic } from '../runtime/contract.ts';
import type { ServiceContext, ServiceShell } from '../runtime/host.ts';

export type AuxLogic = Logic<Aux>;

async function loadLogic(ctx: ServiceContext): Promise<AuxLogic> {
  const merged = ctx.config.merged;
  if (merged.length === 0) {
    return {
      async start() {
        ctx.log.info('no merged chains configured');
      },
      async GetAuxWork() {
        throw new RpcError(RpcCode.FAILED_PRECONDITION, 'no merged chains configured (--merged URL)');
      },
    };
  }
  return {
    async start() {
      // URLs carry credentials: log only where they point.
      ctx.log.warn('merged mining is not implemented in this build: --merged ignored', { urls: merged.map((u) => u.replace(/\/\/[^@/]*@/, '//***@')) });
    },
  };
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

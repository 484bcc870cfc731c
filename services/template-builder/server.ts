// The template-builder service shell: turns full-node templates into work and submits blocks.
// It serves the TemplateBuilder contract (proto/p2pool/v1/template_builder.proto) on the bus; Health works now, the
// other methods answer UNIMPLEMENTED until issue 4 provides them through loadLogic below.
import { TemplateBuilderDefinition, type TemplateBuilder } from '../gen/p2pool/v1/template_builder.ts';
import { bindContract, type Logic } from '../runtime/contract.ts';
import type { ServiceContext, ServiceShell } from '../runtime/host.ts';

export type TemplateBuilderLogic = Logic<TemplateBuilder>;

// The seam: return the real handlers and lifecycle hooks (start/drain/stop) built from ctx (config,
// bus, clients of the other services, health). Until then the shell has none.
async function loadLogic(ctx: ServiceContext): Promise<TemplateBuilderLogic> {
  void ctx;
  return {};
}

export async function createTemplateBuilderServer(ctx: ServiceContext, logic?: TemplateBuilderLogic): Promise<ServiceShell> {
  const l = logic ?? (await loadLogic(ctx));
  return {
    definition: TemplateBuilderDefinition,
    impl: bindContract<TemplateBuilder>(TemplateBuilderDefinition, ctx, l),
    start: l.start?.bind(l),
    drain: l.drain?.bind(l),
    stop: l.stop?.bind(l),
  };
}

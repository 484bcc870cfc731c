// Builds a service's contract implementation from its logic: Health is answered by the shell from the
// service's HealthState; every other method goes to the logic, or answers UNIMPLEMENTED until the
// logic provides it. This is the seam where each service issue plugs its real code in.
import type { ServiceDefinition } from '../bus/contracts.ts';
import { unimplemented } from '../bus/errors.ts';
import type { ServiceContext } from './host.ts';

// The methods of a generated service interface other than Health, all optional.
export type Handlers<I> = Partial<Omit<I, 'Health'>>;

// Lifecycle hooks a service's logic may add to its handlers (see ServiceShell in host.ts).
export interface Lifecycle {
  start?(): Promise<void>;
  drain?(): Promise<void>;
  stop?(): Promise<void>;
}

export type Logic<I> = Handlers<I> & Lifecycle;

export function bindContract<I>(def: ServiceDefinition, ctx: ServiceContext, handlers: Handlers<I>): I {
  const impl: Record<string, (req: unknown) => Promise<unknown>> = {
    Health: async () => ctx.healthResponse(),
  };
  const h = handlers as Record<string, unknown>;
  for (const m of Object.values(def.methods)) {
    if (m.name === 'Health') continue;
    const fn = h[m.name];
    impl[m.name] =
      typeof fn === 'function'
        ? (req) => (fn as (r: unknown) => Promise<unknown>).call(handlers, req)
        : async () => {
            throw unimplemented(def.name, m.name);
          };
  }
  return impl as I;
}

// Public surface of the miner edge for the service shell (server.ts / main.ts) and for tests.
export { EdgeServer } from './edge-server.ts';
export type { DrainOptions, EdgeServerOptions, FanOutRecord } from './edge-server.ts';
export { toEdgeLocalStats } from './local-stats.ts';
export { DEFAULT_CONFIG, resolveConfig } from './config.ts';
export type { EdgeConfig, ExtranoncePrefix } from './config.ts';
export type { JobTemplate, NewWorkEvent, ShareSink, Solution, WorkRequest, WorkSource } from './work-source.ts';
export { WorkUnavailableError } from './work-source.ts';
export { StaticWorkSource } from './static-work-source.ts';
export type { TemplateBasis } from './static-work-source.ts';
export type { AddressValidator } from './miners/address.ts';
export { NetworkAddressValidator, COIN_NETWORKS } from './miners/address.ts';
export type { WebHandler } from './getwork/http-front.ts';
export { CoreAddressValidator, edgeConfigForParent, parentNetwork } from './core-params.ts';

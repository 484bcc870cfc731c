// Every service contract of p2pool.v1, as ts-proto's generic definitions, so transports (bus servers,
// the gRPC gateway) can be built from them at runtime instead of by hand per method.
import type { BinaryReader, BinaryWriter } from '@bufbuild/protobuf/wire';
import { AuxDefinition } from '../gen/p2pool/v1/aux.ts';
import { EdgeDefinition } from '../gen/p2pool/v1/edge.ts';
import { PeerGatewayDefinition } from '../gen/p2pool/v1/peer_gateway.ts';
import { SharechainDefinition } from '../gen/p2pool/v1/sharechain.ts';
import { TemplateBuilderDefinition } from '../gen/p2pool/v1/template_builder.ts';
import { WebDefinition } from '../gen/p2pool/v1/web.ts';

export interface MessageCodec<T = any> {
  encode(message: T, writer?: BinaryWriter): BinaryWriter;
  decode(input: BinaryReader | Uint8Array, length?: number): T;
  fromPartial(object: any): T;
}

export interface MethodDefinition {
  name: string;
  requestType: MessageCodec;
  responseType: MessageCodec;
  requestStream: boolean;
  responseStream: boolean;
  options: { idempotencyLevel?: string };
}

export interface ServiceDefinition {
  name: string;
  fullName: string;
  methods: Record<string, MethodDefinition>;
}

// The process-level service names (--service NAME) and their contracts.
export const SERVICE_NAMES = ['peer-gateway', 'sharechain', 'template-builder', 'edge', 'aux', 'web'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

export const definitions: Record<ServiceName, ServiceDefinition> = {
  'peer-gateway': PeerGatewayDefinition,
  sharechain: SharechainDefinition,
  'template-builder': TemplateBuilderDefinition,
  edge: EdgeDefinition,
  aux: AuxDefinition,
  web: WebDefinition,
};

export function isServiceName(s: string): s is ServiceName {
  return (SERVICE_NAMES as readonly string[]).includes(s);
}

const byFullName = new Map<string, ServiceDefinition>(Object.values(definitions).map((d) => [d.fullName, d]));

export function definitionOf(fullName: string): ServiceDefinition | undefined {
  return byFullName.get(fullName);
}

export function methodOf(fullName: string, method: string): MethodDefinition | undefined {
  const def = byFullName.get(fullName);
  if (!def) return undefined;
  return Object.values(def.methods).find((m) => m.name === method);
}

// Declared in the .proto with `option idempotency_level = NO_SIDE_EFFECTS`: safe to retry after a
// timeout, and open on the external API without a token.
export function isQuery(fullName: string, method: string): boolean {
  return methodOf(fullName, method)?.options.idempotencyLevel === 'NO_SIDE_EFFECTS';
}

export function methodNames(def: ServiceDefinition): string[] {
  return Object.values(def.methods).map((m) => m.name);
}

// The external admin/query API: every p2pool.v1 contract served over gRPC (@grpc/grpc-js) and proxied
// onto the bus, so `grpcurl`-style clients and our own CLI reach any service through one port of the
// web service. Queries (NO_SIDE_EFFECTS methods) are open; anything else needs the admin token,
// read from a file at each call so a rotated Kubernetes Secret takes effect without a restart.
import { readFileSync } from 'node:fs';
import { timingSafeEqual } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { context, propagation, ROOT_CONTEXT } from '@opentelemetry/api';
import { isQuery, type ServiceDefinition } from './contracts.ts';
import { RpcCode, RpcError, toRpcError } from './errors.ts';
import { busRpc, type Rpc } from './rpc.ts';
import type { Bus } from './types.ts';

export interface GrpcGatewayOptions {
  bus: Bus;
  definitions: ServiceDefinition[];
  host: string;
  port: number;
  // File with the admin token; without it every mutating call is refused.
  tokenFile?: string;
  source?: string;
  onCall?: (info: { service: string; method: string; code: RpcCode; ms: number; peer: string }) => void;
}

export interface GrpcGateway {
  port: number;
  close(): Promise<void>;
}

const identity = (b: Buffer) => b;

export async function startGrpcGateway(opts: GrpcGatewayOptions): Promise<GrpcGateway> {
  const server = new grpc.Server();
  const rpc = busRpc(opts.bus, { source: opts.source });
  for (const def of opts.definitions) {
    const service: Record<string, grpc.MethodDefinition<Buffer, Buffer>> = {};
    const handlers: grpc.UntypedServiceImplementation = {};
    for (const m of Object.values(def.methods)) {
      service[m.name] = {
        path: `/${def.fullName}/${m.name}`,
        requestStream: false,
        responseStream: false,
        requestSerialize: identity,
        requestDeserialize: identity,
        responseSerialize: identity,
        responseDeserialize: identity,
        originalName: m.name,
      };
      const query = isQuery(def.fullName, m.name);
      handlers[m.name] = (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => {
        const started = Date.now();
        const finish = (err: RpcError | null, data?: Uint8Array) => {
          opts.onCall?.({
            service: def.fullName,
            method: m.name,
            code: err?.code ?? RpcCode.OK,
            ms: Date.now() - started,
            peer: call.getPeer(),
          });
          if (err) callback({ code: err.code as number, details: err.message });
          else callback(null, Buffer.from(data!));
        };
        if (!query) {
          const denied = checkToken(call.metadata, opts.tokenFile);
          if (denied) return finish(denied);
        }
        const carrier: Record<string, string> = {};
        for (const [k, v] of Object.entries(call.metadata.getMap())) if (typeof v === 'string') carrier[k] = v;
        const parent = propagation.extract(ROOT_CONTEXT, carrier);
        context
          .with(parent, () => rpc.request(def.fullName, m.name, call.request))
          .then(
            (data) => finish(null, data),
            (e) => finish(toRpcError(e)),
          );
      };
    }
    server.addService(service as grpc.ServiceDefinition, handlers);
  }
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${opts.host}:${opts.port}`, grpc.ServerCredentials.createInsecure(), (err, port) =>
      err ? reject(err) : resolve(port),
    );
  });
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        // In-flight calls finish; a stuck client does not hold shutdown forever.
        const force = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, 5_000);
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      }),
  };
}

function checkToken(md: grpc.Metadata, tokenFile: string | undefined): RpcError | null {
  if (!tokenFile)
    return new RpcError(
      RpcCode.PERMISSION_DENIED,
      'this node has no admin token configured (--admin-token-file); mutating calls are disabled',
    );
  let expected: string;
  try {
    expected = readFileSync(tokenFile, 'utf8').trim();
  } catch (e) {
    return new RpcError(RpcCode.UNAVAILABLE, `cannot read admin token file: ${(e as Error).message}`);
  }
  const got = String(md.get('authorization')[0] ?? '').replace(/^Bearer\s+/i, '');
  if (!got) return new RpcError(RpcCode.UNAUTHENTICATED, 'missing admin token (metadata "authorization: Bearer <token>")');
  const a = Buffer.from(got);
  const b = Buffer.from(expected);
  if (expected.length === 0 || a.length !== b.length || !timingSafeEqual(a, b)) {
    return new RpcError(RpcCode.UNAUTHENTICATED, 'admin token rejected');
  }
  return null;
}

export interface GrpcClient extends Rpc {
  close(): void;
}

// An Rpc over gRPC for the generated clients: `new SharechainClientImpl(grpcRpc('127.0.0.1:9339'))`.
export function grpcRpc(address: string, opts: { token?: string; timeoutMs?: number } = {}): GrpcClient {
  const client = new grpc.Client(address, grpc.credentials.createInsecure());
  return {
    request(service, method, data) {
      const md = new grpc.Metadata();
      if (opts.token) md.set('authorization', `Bearer ${opts.token}`);
      const carrier: Record<string, string> = {};
      propagation.inject(context.active(), carrier);
      for (const [k, v] of Object.entries(carrier)) md.set(k, v);
      return new Promise<Uint8Array>((resolve, reject) => {
        client.makeUnaryRequest(
          `/${service}/${method}`,
          (b: Uint8Array) => Buffer.from(b),
          identity,
          Buffer.from(data),
          md,
          { deadline: Date.now() + (opts.timeoutMs ?? 10_000) },
          (err, res) => {
            if (err) reject(new RpcError((err.code ?? RpcCode.UNKNOWN) as RpcCode, `${service}/${method}: ${err.details || err.message}`));
            else resolve(res!);
          },
        );
      });
    },
    close: () => client.close(),
  };
}

// A small JSON client for the Kubernetes API over @kubernetes/client-node's KubeConfig (auth, TLS).
// Raw JSON in and out: objects are applied exactly as rendered (no model classes dropping fields,
// MicroTime strings untouched).
import { request } from 'node:https';
import { request as httpRequest } from 'node:http';
import type { KubeConfig } from '@kubernetes/client-node';
import type { KubeObject } from '../api/types.ts';

export class KubeError extends Error {
  readonly code: number;
  readonly reason?: string;
  constructor(code: number, message: string, reason?: string) {
    super(message);
    this.code = code;
    this.reason = reason;
    this.name = 'KubeError';
  }
}

const CORE_GROUPS: Record<string, string> = { v1: '/api/v1' };

// Plural resource names of the kinds the operator touches.
const PLURALS: Record<string, string> = {
  ConfigMap: 'configmaps',
  Service: 'services',
  ServiceAccount: 'serviceaccounts',
  Secret: 'secrets',
  Pod: 'pods',
  Event: 'events',
  Deployment: 'deployments',
  StatefulSet: 'statefulsets',
  Job: 'jobs',
  PodDisruptionBudget: 'poddisruptionbudgets',
  HorizontalPodAutoscaler: 'horizontalpodautoscalers',
  NetworkPolicy: 'networkpolicies',
  Ingress: 'ingresses',
  Lease: 'leases',
  P2PoolNode: 'p2poolnodes',
};

export function resourcePath(apiVersion: string, kind: string, namespace?: string, name?: string): string {
  const plural = PLURALS[kind];
  if (!plural) throw new Error(`no resource path known for kind ${kind}`);
  const base = CORE_GROUPS[apiVersion] ?? `/apis/${apiVersion}`;
  return `${base}${namespace ? `/namespaces/${namespace}` : ''}/${plural}${name ? `/${encodeURIComponent(name)}` : ''}`;
}

export class KubeClient {
  readonly kc: KubeConfig;
  constructor(kc: KubeConfig) {
    this.kc = kc;
  }

  async call<T = any>(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<T> {
    const cluster = this.kc.getCurrentCluster();
    if (!cluster) throw new Error('no current cluster in the kubeconfig');
    const url = new URL(path, cluster.server);
    const opts: Parameters<typeof request>[1] = { method, headers: { accept: 'application/json' } };
    await this.kc.applyToHTTPSOptions(opts);
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    if (payload) Object.assign(opts.headers!, { 'content-type': contentType, 'content-length': payload.length });
    const send = url.protocol === 'https:' ? request : httpRequest;
    return new Promise<T>((resolve, reject) => {
      const req = send(url, opts, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: any;
          try {
            json = text ? JSON.parse(text) : undefined;
          } catch {
            json = undefined;
          }
          const code = res.statusCode ?? 0;
          if (code >= 200 && code < 300) resolve(json as T);
          else reject(new KubeError(code, `${method} ${path}: ${code} ${json?.message ?? text.slice(0, 300)}`, json?.reason));
        });
        res.on('error', reject);
      });
      req.setTimeout(30_000, () => req.destroy(new Error(`${method} ${path}: timed out`)));
      req.on('error', reject);
      if (payload) req.write(payload);
      req.end();
    });
  }

  get<T = any>(path: string): Promise<T> {
    return this.call<T>('GET', path);
  }

  async getOrNull<T = any>(path: string): Promise<T | null> {
    try {
      return await this.get<T>(path);
    } catch (e) {
      if (e instanceof KubeError && e.code === 404) return null;
      throw e;
    }
  }

  /** Server-side apply with the operator's field manager; force: the operator owns these fields. */
  apply<T = any>(obj: KubeObject, fieldManager: string, subresource = ''): Promise<T> {
    const path = resourcePath(obj.apiVersion, obj.kind, obj.metadata.namespace, obj.metadata.name) + subresource;
    return this.call<T>(
      'PATCH',
      `${path}?fieldManager=${encodeURIComponent(fieldManager)}&force=true`,
      obj,
      'application/apply-patch+yaml',
    );
  }

  jsonPatch<T = any>(path: string, ops: unknown[]): Promise<T> {
    return this.call<T>('PATCH', path, ops, 'application/json-patch+json');
  }

  mergePatch<T = any>(path: string, patch: unknown): Promise<T> {
    return this.call<T>('PATCH', path, patch, 'application/merge-patch+json');
  }

  async delete(path: string, propagationPolicy = 'Background'): Promise<void> {
    try {
      await this.call('DELETE', path, { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy });
    } catch (e) {
      if (!(e instanceof KubeError && e.code === 404)) throw e;
    }
  }
}

// Hosts service shells in one process over one bus: serves their contracts, keeps their health,
// registers them, answers /healthz and /readyz, and shuts down gracefully. The embedded default is a
// host with all six services on the in-process bus; `--service NAME` is a host with one, on NATS.
import { setTimeout as sleep } from 'node:timers/promises';
import { hostname } from 'node:os';
import type { HealthResponse } from '../gen/p2pool/v1/common.ts';
import { ServingStatus } from '../gen/p2pool/v1/common.ts';
import { definitions, type ServiceDefinition, type ServiceName } from '../bus/contracts.ts';
import { busRpc, serveContract, type Rpc } from '../bus/rpc.ts';
import type { Bus, Closer } from '../bus/types.ts';
import { clientsFor, type Clients } from './clients.ts';
import type { NodeConfig } from './config.ts';
import { HealthState, statusName } from './health-state.ts';
import { LocalServices } from './local.ts';
import { sendJson, startHealthServer, type HttpEndpoint, type Route } from './http-server.ts';
import type { Logger } from './log.ts';
import { register, type Registration } from './registry.ts';

export interface ServiceContext {
  name: ServiceName;
  config: NodeConfig;
  bus: Bus;
  log: Logger;
  instance: string;
  version: string;
  startedAt: number;
  mode: 'embedded' | 'cluster';
  health: HealthState;
  // Calls to other services (through the bus, with retries and tracing).
  rpc: Rpc;
  clients: Clients;
  // What the service's Health method returns.
  healthResponse(): HealthResponse;
  // Embedded default only: in-process objects services hand each other (local.ts); undefined in the
  // cluster, where every such path goes over the bus.
  local?: LocalServices;
}

// A service as the host sees it. `impl` implements the generated interface of its contract (e.g.
// `Sharechain`); methods it lacks answer UNIMPLEMENTED.
export interface ServiceShell {
  definition: ServiceDefinition;
  impl: object;
  // After the contract is served; the host marks the service SERVING when this resolves, unless the
  // service set its own status (e.g. NOT_SERVING until its full node answers).
  start?(): Promise<void>;
  // SIGTERM: stop taking new work and finish what is in flight. Calls still arrive until it resolves.
  drain?(): Promise<void>;
  // After the contract stopped being served: release sockets, timers, files.
  stop?(): Promise<void>;
  // Addresses worth printing and registering, e.g. { web: 'http://127.0.0.1:8080/' }.
  endpoints?(): Record<string, string>;
}

export type ServiceFactory = (ctx: ServiceContext) => ServiceShell | Promise<ServiceShell>;

export interface HostOptions {
  config: NodeConfig;
  // A bus, or how to get one: the health endpoint is up (not ready) while it connects, so an
  // orchestrator sees a live process waiting for NATS rather than a silent one.
  bus: Bus | (() => Promise<Bus>);
  services: Array<[ServiceName, ServiceFactory]>;
  log: Logger;
  version: string;
  mode: 'embedded' | 'cluster';
  routes?: Record<string, Route>;
}

interface Hosted {
  name: ServiceName;
  ctx: ServiceContext;
  shell: ServiceShell;
  closer?: Closer;
  registration?: Registration;
}

export function defaultInstanceId(env: NodeJS.ProcessEnv = process.env): string {
  return env.P2POOL_INSTANCE || env.POD_NAME || `${hostname()}-${process.pid}`;
}

export class Host {
  readonly #opts: HostOptions;
  readonly #hosted: Hosted[] = [];
  readonly #startedAt = Date.now();
  #http: HttpEndpoint | undefined;
  #bus: Bus | undefined;
  #stopping: Promise<void> | undefined;
  #draining: Promise<void> | undefined;
  #busUnsub: (() => void) | undefined;

  constructor(opts: HostOptions) {
    this.#opts = opts;
  }

  get healthPort(): number | undefined {
    return this.#http?.port;
  }

  get stopping(): boolean {
    return this.#stopping !== undefined;
  }

  get bus(): Bus | undefined {
    return this.#bus;
  }

  services(): ReadonlyArray<{ name: ServiceName; health: HealthState; shell: ServiceShell }> {
    return this.#hosted.map((h) => ({ name: h.name, health: h.ctx.health, shell: h.shell }));
  }

  endpoints(): Record<string, string> {
    const out: Record<string, string> = {};
    if (this.#http) out.health = `http://${this.#opts.config.healthHost}:${this.#http.port}/`;
    for (const h of this.#hosted) Object.assign(out, h.shell.endpoints?.() ?? {});
    return out;
  }

  async start(): Promise<void> {
    const { config, log } = this.#opts;
    this.#http = await startHealthServer(config.healthHost, config.healthPort, {
      live: () => ({ ok: this.#stopping === undefined || this.#hosted.length > 0, detail: { instance: config.instance } }),
      ready: () => this.#readiness(),
      routes: {
        ...this.#opts.routes,
        // A Kubernetes preStop hook (exec, inside the pod): drain (not ready, services drain: an edge
        // moves its miners away) and answer when done; the SIGTERM that follows finds the drain over.
        // Loopback callers only: the health port is reachable from outside the pod.
        '/drain': async (req, res) => {
          const from = req.socket.remoteAddress ?? '';
          if (!/^(127\.|::1$|::ffff:127\.)/.test(from)) {
            sendJson(res, 403, { error: 'drain is only taken from inside the pod (loopback)' });
            return;
          }
          await this.drain('preStop');
          sendJson(res, 200, { drained: true, instance: config.instance });
        },
      },
    });
    log.info('health endpoint listening', { port: this.#http.port, url: `http://${config.healthHost}:${this.#http.port}/readyz` });
    const bus = typeof this.#opts.bus === 'function' ? await this.#opts.bus() : this.#opts.bus;
    this.#bus = bus;
    if (this.#stopping) return;

    const rpc = busRpc(bus, { source: config.instance });
    const clients = clientsFor(rpc);
    const local = this.#opts.mode === 'embedded' ? new LocalServices() : undefined;
    for (const [name, factory] of this.#opts.services) {
      const health = new HealthState();
      const ctx: ServiceContext = {
        name,
        config,
        bus,
        rpc,
        clients,
        health,
        local,
        log: log.child({ service: name }),
        instance: config.instance,
        version: this.#opts.version,
        startedAt: this.#startedAt,
        mode: this.#opts.mode,
        healthResponse: () =>
          health.response({ service: name, instance: config.instance, version: this.#opts.version, startedAt: this.#startedAt }),
      };
      const shell = await factory(ctx);
      if (shell.definition.fullName !== definitions[name].fullName)
        throw new Error(`${name} serves ${shell.definition.fullName}, expected ${definitions[name].fullName}`);
      this.#hosted.push({ name, ctx, shell });
    }

    const busCheck = () => {
      const s = bus.state();
      for (const h of this.#hosted) h.ctx.health.setCheck('bus', s === 'connected', `${bus.kind} ${s}`);
    };
    this.#busUnsub = bus.onState((s) => {
      log[s === 'connected' ? 'info' : 'warn'](`bus ${s}`, { bus: bus.kind });
      busCheck();
    });
    busCheck();

    for (const h of this.#hosted) {
      h.closer = await serveContract(bus, h.shell.definition, h.shell.impl, {
        onError: (method, err) => {
          if (err.code !== 12) h.ctx.log.warn('call failed', { method, code: err.code, error: err.message });
        },
      });
      await h.shell.start?.();
      if (h.ctx.health.status === ServingStatus.STARTING) h.ctx.health.setStatus(ServingStatus.SERVING);
      h.registration = register(
        bus,
        {
          service: h.name,
          instance: config.instance,
          version: this.#opts.version,
          host: hostname(),
          pid: process.pid,
          startedAtMs: BigInt(this.#startedAt),
          lastSeenMs: BigInt(Date.now()),
          healthAddress: `${config.healthHost}:${this.#http.port}`,
          status: h.ctx.health.status,
          network: config.testnet ? `${config.net}_testnet` : config.net,
        },
        h.ctx.log,
      );
      h.ctx.health.onChange(() => h.registration?.update({ status: h.ctx.health.status }));
      h.ctx.log.info('service started', { status: statusName(h.ctx.health.status), contract: h.shell.definition.fullName });
    }
  }

  #readiness(): { ok: boolean; detail: unknown } {
    const services: Record<string, unknown> = {};
    let ok = this.#hosted.length === this.#opts.services.length && this.#stopping === undefined && this.#draining === undefined;
    for (const h of this.#hosted) {
      const ready = h.ctx.health.ready();
      ok &&= ready;
      services[h.name] = {
        status: statusName(h.ctx.health.status),
        ready,
        checks: Object.fromEntries([...h.ctx.health.checks].map(([k, c]) => [k, c.ok ? 'ok' : c.detail || 'failing'])),
      };
    }
    return { ok, detail: { instance: this.#opts.config.instance, bus: this.#bus?.state() ?? 'connecting', services } };
  }

  // Graceful: not ready, (delay,) drain services newest first, stop serving, stop, deregister, drain bus.
  shutdown(reason: string): Promise<void> {
    this.#stopping ??= this.#shutdown(reason);
    return this.#stopping;
  }

  // Not ready, (delay,) drain services newest first; the process keeps running. Once per process.
  drain(reason: string): Promise<void> {
    this.#draining ??= this.#drain(reason);
    return this.#draining;
  }

  async #drain(reason: string): Promise<void> {
    const { log, config } = this.#opts;
    log.info('draining', { reason });
    for (const h of this.#hosted) h.ctx.health.setStatus(ServingStatus.DRAINING);
    if (config.shutdownDelay > 0) await sleep(config.shutdownDelay * 1000);
    const reversed = [...this.#hosted].reverse();
    for (const h of reversed) {
      try {
        await h.shell.drain?.();
      } catch (e) {
        h.ctx.log.error('drain failed', { error: e });
      }
    }
  }

  async #shutdown(reason: string): Promise<void> {
    const { log } = this.#opts;
    const bus = this.#bus;
    log.info('shutting down', { reason });
    await this.drain(reason);
    const reversed = [...this.#hosted].reverse();
    for (const h of reversed) await h.closer?.close().catch(() => undefined);
    for (const h of reversed) {
      try {
        await h.shell.stop?.();
      } catch (e) {
        h.ctx.log.error('stop failed', { error: e });
      }
    }
    await Promise.allSettled(reversed.map((h) => h.registration?.close()));
    this.#busUnsub?.();
    await bus?.drain().catch((e) => log.warn('bus drain failed', { error: e }));
    await this.#http?.close();
    log.info('stopped', { reason });
  }
}

// Runs a host until SIGTERM/SIGINT/SIGHUP, then shuts it down; resolves with the exit code. SIGHUP is
// what closing the terminal sends: the node (and the full node it started) must stop cleanly then too.
export async function runUntilSignal(host: Host, log: Logger, graceMs = 120_000): Promise<number> {
  return new Promise<number>((resolve) => {
    let signalled = false;
    const onSignal = (sig: NodeJS.Signals) => {
      if (signalled) {
        log.warn('second signal, exiting now', { signal: sig });
        resolve(1);
        return;
      }
      signalled = true;
      const force = setTimeout(() => {
        log.error('graceful shutdown took too long, exiting', { graceMs });
        resolve(1);
      }, graceMs);
      force.unref();
      host.shutdown(sig).then(
        () => {
          clearTimeout(force);
          resolve(0);
        },
        (e) => {
          log.error('shutdown failed', { error: e });
          resolve(1);
        },
      );
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
    process.on('SIGHUP', onSignal);
  });
}

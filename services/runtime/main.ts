// One p2pool process from its flags: logging, telemetry, the health and /metrics endpoint, the services
// it is given, and a clean stop on SIGTERM/SIGINT. The `p2pool` command (services/cli/main.ts) runs all
// six or --service NAME through this; services/X/main.ts runs X alone and loads no other service.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { defaultInstanceId, runUntilSignal } from './host.ts';
import { createLogger } from './log.ts';
import { processMetrics } from './process-metrics.ts';
import { PrometheusReader } from './prometheus.ts';
import { setupTelemetry } from './telemetry.ts';
import { argsFromEnvironment, flagForPort, helpText, parseArgs, UsageError } from './flags.ts';
import type { Network } from '../core/index.ts';
import { preflight } from './preflight.ts';
import type { NodeConfig } from './config.ts';
import type { Host } from './host.ts';
import type { Logger } from './log.ts';
import { createNode, VERSION, type ServiceList } from './node.ts';

export interface RunOptions {
  /** The services to run for this configuration. */
  services(config: NodeConfig): ServiceList;
  /** Set up before the node starts (cli's `make run` demo); attached once it serves, stopped after it. */
  prepare?(config: NodeConfig, log: Logger): Promise<{ attach(host: Host): Promise<void>; stop(): Promise<void> } | undefined>;
}

/** Runs until a signal; the exit code: 0 after a clean stop, 1 on a fatal error, 2 on bad flags. */
export async function runProcess(argv: string[], opts: RunOptions): Promise<number> {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs([...argsFromEnvironment(process.env), ...argv], defaultInstanceId());
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`p2pool: error: ${e.message}\n(see p2pool --help)\n`);
    return 2;
  }
  if (parsed.kind === 'help') {
    process.stdout.write(helpText(VERSION));
    return 0;
  }
  if (parsed.kind === 'version') {
    process.stdout.write(`p2pool-ts ${VERSION}\n`);
    return 0;
  }
  const config = parsed.config;
  for (const w of parsed.warnings) process.stderr.write(`p2pool: warning: ${w}\n`);
  let net: Network;
  try {
    net = preflight(config);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`p2pool: error: ${e.message}\n(see p2pool --help)\n`);
    return 2;
  }
  const serviceName = config.service ?? 'p2pool';
  // `make run` (--demo-miner, one process): the terminal shows the demo's lines and errors; every JSON
  // line goes to <datadir>/p2pool.log unless --logfile says otherwise.
  // On a terminal people read: the status line and problems there, every JSON line in the file.
  const format = config.logFormat ?? (process.stdout.isTTY && !config.nats ? 'human' : 'json');
  const quiet = config.demoMiner && !config.nats;
  if (quiet || format === 'human') {
    mkdirSync(config.datadir, { recursive: true });
    config.logfile ??= join(config.datadir, 'p2pool.log');
  }
  const log = createLogger({
    level: config.logLevel,
    logfile: config.logfile,
    fields: { service: serviceName, instance: config.instance },
    format,
    ...(quiet && format === 'json'
      ? {
          write: (line: string) => {
            if (line.includes('"level":"error"')) process.stdout.write(line);
          },
        }
      : {}),
  });
  const prometheus = new PrometheusReader();
  const telemetry = setupTelemetry({
    serviceName: `p2pool-${serviceName}`,
    instance: config.instance,
    version: VERSION,
    metricReaders: [prometheus],
  });
  process.on('unhandledRejection', (e) => log.error('unhandled rejection', { error: e }));
  let demo: Awaited<ReturnType<NonNullable<RunOptions['prepare']>>>;
  try {
    demo = config.nats ? undefined : await opts.prepare?.(config, log);
    const host = createNode(config, log, opts.services(config), {
      '/metrics': prometheus.handler(),
    });
    processMetrics(host, { version: VERSION, net, netName: net.NAME });
    // Signals are handled from the start: SIGTERM while waiting for NATS still exits cleanly.
    const stopped = runUntilSignal(host, log);
    await Promise.race([host.start(), stopped]);
    if (host.stopping) return await stopped;
    const endpoints = host.endpoints();
    if (endpoints.web) {
      // The line a newcomer looks for after `make run`.
      const url = endpoints.web.replace('//0.0.0.0:', '//127.0.0.1:');
      if (!config.nats) process.stderr.write(`\np2pool is running: ${url}\n\n`);
    }
    log.info('ready to serve', { endpoints });
    await demo?.attach(host);
    return await stopped;
  } catch (e) {
    const busy = (e as NodeJS.ErrnoException).code === 'EADDRINUSE' ? portInUse(config, net, e) : null;
    if (busy !== null) {
      log.error('fatal', { error: busy });
      process.stderr.write(`p2pool: error: ${busy}\n`);
      return 2;
    }
    log.error('fatal', { error: e });
    // With the JSON log in a file (make run), say it where the newcomer is looking too.
    if (quiet) process.stderr.write(`p2pool: ${(e as Error).message}\n`);
    return 1;
  } finally {
    // After the pool: the miner, then the full node the demo started.
    await demo?.stop().catch((e) => log.warn('stopping the demo failed', { error: e }));
    await telemetry.shutdown();
    await log.close?.();
  }
}

// EADDRINUSE carries only the port: the message names the flag that moves it.
function portInUse(config: NodeConfig, net: Network, e: unknown): string | null {
  const port = (e as { port?: number }).port;
  if (typeof port !== 'number') return null;
  const flag = flagForPort(config, port, { worker: net.WORKER_PORT, p2pool: net.P2P_PORT });
  const where = flag === null ? '' : ` (${flag})`;
  return (
    `port ${port}${where} is already in use, probably by another pool or a node still running; ` +
    `${flag === null ? 'choose other ports' : `choose another with ${flag.split('/').pop()} PORT`}, or move all of this node's ports with --base-port PORT`
  );
}

// Starts a bench process with the file-descriptor limit raised to the hard limit (ulimit -n),
// optionally pinned to one CPU, with an IPC channel; and small helpers to talk to it.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface Proc {
  child: ChildProcess;
  next<T = Record<string, unknown>>(pred?: (m: Record<string, unknown>) => boolean): Promise<T>;
  send(m: unknown): void;
  kill(): void;
}

export function hardFdLimit(): number {
  const r = spawnSyncShell('ulimit -Hn');
  return r === 'unlimited' ? 1_048_576 : Number(r);
}

import { execSync } from 'node:child_process';
function spawnSyncShell(cmd: string): string {
  return execSync(cmd, { shell: '/bin/bash' }).toString().trim();
}

export function start(file: URL, arg: unknown, opts: { cpu?: number } = {}): Proc {
  const path = fileURLToPath(file);
  const pin = opts.cpu !== undefined ? `taskset -c ${opts.cpu} ` : '';
  // EDGE_BENCH_NODE_FLAGS (e.g. --trace-gc, --cpu-prof) is for investigating a figure.
  const flags = process.env.EDGE_BENCH_NODE_FLAGS ?? '';
  const cmd = `ulimit -n $(ulimit -Hn) && exec ${pin}"${process.execPath}" --expose-gc ${flags} "${path}" '${JSON.stringify(arg)}'`;
  const child = spawn('/bin/bash', ['-c', cmd], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const queue: Record<string, unknown>[] = [];
  const waiters: Array<{ pred: (m: Record<string, unknown>) => boolean; res: (m: Record<string, unknown>) => void }> = [];
  child.on('message', (m: Record<string, unknown>) => {
    const w = waiters.findIndex((x) => x.pred(m));
    if (w >= 0) {
      const [x] = waiters.splice(w, 1);
      x!.res(m);
    } else queue.push(m);
  });
  return {
    child,
    next: <T>(pred: (m: Record<string, unknown>) => boolean = () => true) =>
      new Promise<T>((res) => {
        const i = queue.findIndex(pred);
        if (i >= 0) {
          const [m] = queue.splice(i, 1);
          res(m as T);
          return;
        }
        waiters.push({ pred, res: res as (m: Record<string, unknown>) => void });
      }),
    send: (m) => child.send(m as never),
    kill: () => {
      child.kill('SIGKILL');
    },
  };
}

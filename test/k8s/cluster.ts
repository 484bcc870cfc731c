// Test helper for the real single-node cluster that scripts/k8s/cluster.sh starts (make test-k8s):
// kubectl and helm with the cluster's kubeconfig, JSON reads, waits, and HTTP to Service IPs (the
// host reaches ClusterIPs and NodePorts through kube-proxy). Reused by later cluster scenarios.
import { execFile } from 'node:child_process';
import { request } from 'node:http';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface ClusterEnv {
  kubeconfig: string;
  nodeIP: string;
  kubectl: string;
  helm: string;
  podCidr: string;
}

export function clusterEnv(): ClusterEnv {
  const need = (k: string) => {
    const v = process.env[k];
    if (!v) throw new Error(`${k} is not set: run through make test-k8s (scripts/k8s/test-k8s.sh)`);
    return v;
  };
  return {
    kubeconfig: need('KUBECONFIG'),
    nodeIP: need('K8S_NODE_IP'),
    kubectl: need('KUBECTL'),
    helm: need('HELM'),
    podCidr: process.env.K8S_POD_CIDR ?? '10.244.0.0/16',
  };
}

export class Kube {
  readonly env: ClusterEnv;
  constructor(env = clusterEnv()) {
    this.env = env;
  }

  /** kubectl ARGS; stdin optional. Rejects with kubectl's stderr on failure. */
  async kubectl(args: string[], stdin?: string): Promise<string> {
    return runWith(this.env.kubectl, args, stdin, this.env.kubeconfig);
  }

  async helm(args: string[]): Promise<string> {
    return runWith(this.env.helm, args, undefined, this.env.kubeconfig);
  }

  async json<T = any>(args: string[]): Promise<T> {
    return JSON.parse(await this.kubectl([...args, '-o', 'json'])) as T;
  }

  /** The Secret a P2PoolNode's fullNodes[].credentialsSecretRef names (username, password). */
  async rpcSecret(namespace: string, name: string, user: string, pass: string): Promise<string> {
    return this.kubectl([
      '-n',
      namespace,
      'create',
      'secret',
      'generic',
      name,
      `--from-literal=username=${user}`,
      `--from-literal=password=${pass}`,
    ]);
  }

  async apply(manifest: unknown, extra: string[] = []): Promise<string> {
    return this.kubectl(['apply', '-f', '-', ...extra], JSON.stringify(manifest));
  }

  /** kubectl apply expected to be refused: returns the API server's message. */
  async refused(manifest: unknown): Promise<string> {
    try {
      await this.apply(manifest);
    } catch (e) {
      return (e as Error).message;
    }
    throw new Error('the API server accepted what it should refuse');
  }
}

function runWith(bin: string, args: string[], stdin: string | undefined, kubeconfig: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      bin,
      args,
      { env: { ...process.env, KUBECONFIG: kubeconfig }, maxBuffer: 64 << 20, timeout: 180_000 },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`${bin.split('/').pop()} ${args.join(' ')}: ${stderr || err.message}`));
        else resolve(stdout);
      },
    );
    if (stdin !== undefined) child.stdin!.end(stdin);
  });
}

/** The chart's values for images imported into the test cluster (never pulled). */
export function localImageValues(repository: string, tag: string, natsImage: string): string[] {
  return [
    '--set',
    `image.repository=${repository}`,
    '--set',
    `image.tag=${tag}`,
    '--set',
    'image.pullPolicy=Never',
    '--set',
    `natsImage=${natsImage}`,
  ];
}

export { eventually } from '../cluster/procs.ts';

/** GET http://host:port/path as JSON (Service IPs, pod IPs, NodePorts). */
export function httpJson<T = any>(host: string, port: number, path: string, timeoutMs = 5_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if ((res.statusCode ?? 0) >= 400) return reject(new Error(`GET ${path}: ${res.statusCode} ${text.slice(0, 200)}`));
        try {
          resolve(JSON.parse(text) as T);
        } catch {
          resolve(text as T);
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${path}: timed out`)));
    req.on('error', reject);
    req.end();
  });
}

export async function sh(cmd: string, args: string[]): Promise<string> {
  return (await run(cmd, args, { maxBuffer: 16 << 20 })).stdout;
}

// The merged chains a node was given (parsed with the command line, used by the aux service): `--merged URL` (repeatable) and `--merged-auth-file FILE`.
// A URL is http://[USER:PASS@]HOST:PORT/[?address=ADDR]: with an address the service uses
// `createauxblock ADDR` / `submitauxblock HASH AUXPOW` (payout to ADDR), without one `getauxblock`
// (payout to the aux daemon's wallet), as the reference does. Credentials left out of the URL come from
// the auth file: one line per chain, `URL USER:PASS` with URL as on the command line (no credentials),
// or `URL DIR/` where DIR holds the files `username` and `password` (a mounted Kubernetes Secret: the
// operator writes such lines, so credentials never pass through a ConfigMap, args or env);
// blank lines and lines starting with # are ignored. docs/merged-mining.md.

export interface AuxChainConfig {
  /** http://host:port/path, no credentials, no query: where the JSON-RPC calls go. */
  rpcUrl: string;
  /** What logs and the contract show: the URL without credentials (with the address, if any). */
  label: string;
  user: string;
  pass: string;
  /** createauxblock payout address, or null for getauxblock. */
  address: string | null;
}

export class MergedConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MergedConfigError';
  }
}

/** Checks one --merged URL (the CLI calls this at parse time: a bad URL is a usage error). */
export function parseMergedUrl(raw: string): Omit<AuxChainConfig, 'user' | 'pass'> & { user: string | null; pass: string | null } {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new MergedConfigError(`--merged: not a URL: "${redact(raw)}" (expected http://[USER:PASS@]HOST:PORT/[?address=ADDR])`);
  }
  if (u.protocol !== 'http:') throw new MergedConfigError(`--merged: only http:// is supported, got "${redact(raw)}"`);
  if (!u.port) throw new MergedConfigError(`--merged: give the aux daemon's RPC port in "${redact(raw)}"`);
  const extra = [...u.searchParams.keys()].filter((k) => k !== 'address');
  if (extra.length) throw new MergedConfigError(`--merged: unknown parameter ${extra.join(', ')} in "${redact(raw)}" (only ?address=ADDR)`);
  const address = u.searchParams.get('address');
  if (address !== null && !/^[A-Za-z0-9]{20,100}$/.test(address))
    throw new MergedConfigError(`--merged: address "${address}" is not an address`);
  const user = u.username ? decodeURIComponent(u.username) : null;
  const pass = u.username ? decodeURIComponent(u.password) : null;
  const rpcUrl = `http://${u.host}${u.pathname || '/'}`;
  return { rpcUrl, label: address === null ? rpcUrl : `${rpcUrl}?address=${address}`, user, pass, address };
}

/** Reads a credential file (injected, so parsing stays free of I/O). */
export type ReadSecretFile = (path: string) => string;

/** Parses an auth file: `URL USER:PASS` or `URL DIR/` per line. Keyed by the URL as parsed (no credentials). */
export function parseMergedAuthFile(text: string, file: string, readFile?: ReadSecretFile): Map<string, { user: string; pass: string }> {
  const out = new Map<string, { user: string; pass: string }>();
  text.split(/\r?\n/).forEach((line, i) => {
    const t = line.trim();
    if (t === '' || t.startsWith('#')) return;
    const dir = /^(\S+)\s+(\/\S*\/)$/.exec(t);
    if (dir) {
      const parsed = parseMergedUrl(dir[1]!);
      if (!readFile) throw new MergedConfigError(`${file}:${i + 1}: credential directories cannot be read here`);
      const read = (name: string) => {
        try {
          return readFile(`${dir[2]}${name}`).replace(/\r?\n$/, '');
        } catch (e) {
          throw new MergedConfigError(`${file}:${i + 1}: cannot read ${dir[2]}${name}: ${(e as Error).message}`);
        }
      };
      out.set(parsed.label, { user: read('username'), pass: read('password') });
      return;
    }
    const m = /^(\S+)\s+([^:\s]*):(\S*)$/.exec(t);
    if (!m) throw new MergedConfigError(`${file}:${i + 1}: expected "URL USER:PASS" or "URL /DIR/"`);
    const parsed = parseMergedUrl(m[1]!);
    out.set(parsed.label, { user: m[2]!, pass: m[3]! });
  });
  return out;
}

export function resolveMergedChains(
  urls: readonly string[],
  authFile?: { text: string; name: string; readFile?: ReadSecretFile },
): AuxChainConfig[] {
  const auth = authFile
    ? parseMergedAuthFile(authFile.text, authFile.name, authFile.readFile)
    : new Map<string, { user: string; pass: string }>();
  const seen = new Set<string>();
  return urls.map((raw) => {
    const p = parseMergedUrl(raw);
    if (seen.has(p.label)) throw new MergedConfigError(`--merged: ${p.label} given twice`);
    seen.add(p.label);
    const fromFile = auth.get(p.label);
    const user = p.user ?? fromFile?.user;
    const pass = p.pass ?? fromFile?.pass;
    if (user === undefined || pass === undefined) {
      throw new MergedConfigError(
        `--merged ${p.label}: no credentials (give http://USER:PASS@HOST:PORT/ or a line "${p.label} USER:PASS" in --merged-auth-file)`,
      );
    }
    return { rpcUrl: p.rpcUrl, label: p.label, user, pass, address: p.address };
  });
}

function redact(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}

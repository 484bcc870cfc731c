// Finds RPC credentials the way the reference does when none are given: the coin's conf file in its
// default data dir (rpcuser/rpcpassword, honouring [main]/[test]/[regtest] sections), then the cookie
// file the node writes when it runs without a password. btcd has no cookie; its conf uses rpcpass.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { CoinParams, NodeFlavor } from '../../pool/coins.ts';

export interface CredentialOptions {
  user?: string;
  pass?: string;
  /** The node's data dir (default ~/.bitcoin, ~/.litecoin or ~/.btcd). */
  dataDir?: string;
  /** Conf file (default <dataDir>/<coin>.conf or ~/.btcd/btcd.conf). */
  confFile?: string;
  /** Cookie file (default <dataDir>/<network subdir>/.cookie). */
  cookieFile?: string;
}

export interface Credentials {
  user: string;
  pass: string;
  /** Where they came from, for logs: never the secret itself. */
  source: string;
  /** rpcport from the conf file, if any. */
  rpcPort?: number;
}

const SECTION: Record<string, string> = { main: 'main', test: 'test', regtest: 'regtest' };
const NETWORK_SECTIONS = new Set(['main', 'test', 'testnet4', 'regtest', 'signet']);

/** key=value lines; a [section] header scopes what follows to that network, as Core does. */
export function parseConf(text: string, network: string): Map<string, string> {
  const top = new Map<string, string>();
  const scoped = new Map<string, string>();
  let section = '';
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/#.*/, '').trim();
    if (!line) continue;
    const sec = /^\[(.*)\]$/.exec(line);
    // Only network sections scope keys; btcd's "[Application Options]" group is plain top level.
    if (sec) {
      const name = sec[1]!.trim();
      section = NETWORK_SECTIONS.has(name) ? name : '';
      continue;
    }
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    let key = line.slice(0, eq).trim();
    const value = line.slice(eq + 1).trim();
    // "regtest.rpcport=1" is the same as rpcport=1 under [regtest].
    const dot = key.indexOf('.');
    let keySection = section;
    if (dot > 0) {
      keySection = key.slice(0, dot);
      key = key.slice(dot + 1);
    }
    if (!keySection) top.set(key, value);
    else if (keySection === SECTION[network]) scoped.set(key, value);
  }
  for (const [k, v] of scoped) top.set(k, v);
  return top;
}

export function resolveCredentials(coin: CoinParams, flavor: NodeFlavor, opts: CredentialOptions = {}): Credentials {
  if (opts.user !== undefined && opts.pass !== undefined && opts.pass !== '') {
    return { user: opts.user, pass: opts.pass, source: 'given' };
  }
  const home = homedir();
  const dataDir = opts.dataDir ?? join(home, flavor === 'btcd' ? '.btcd' : coin.dataDirName);
  const confFile = opts.confFile ?? join(dataDir, flavor === 'btcd' ? 'btcd.conf' : coin.confName);
  const tried: string[] = [];
  let conf: Map<string, string> | undefined;
  try {
    conf = parseConf(readFileSync(confFile, 'utf8'), coin.network);
  } catch (e) {
    tried.push(`${confFile} (${(e as NodeJS.ErrnoException).code ?? 'unreadable'})`);
  }
  const rpcPort = conf?.get('rpcport') ? Number(conf.get('rpcport')) : undefined;
  const confPass = conf?.get(flavor === 'btcd' ? 'rpcpass' : 'rpcpassword');
  if (conf && confPass) {
    return { user: opts.user ?? conf.get('rpcuser') ?? '', pass: confPass, source: `conf file ${confFile}`, rpcPort };
  }
  if (conf) tried.push(`${confFile} (no ${flavor === 'btcd' ? 'rpcpass' : 'rpcpassword'})`);
  if (flavor !== 'btcd') {
    const cookieDir = conf?.get('datadir') ?? dataDir;
    const cookieFile = opts.cookieFile ?? join(cookieDir, coin.cookieSubdir, '.cookie');
    try {
      const cookie = readFileSync(cookieFile, 'utf8').trim();
      const colon = cookie.indexOf(':');
      if (colon < 0) throw Object.assign(new Error('malformed'), { code: 'malformed, expected user:password' });
      return { user: cookie.slice(0, colon), pass: cookie.slice(colon + 1), source: `cookie file ${cookieFile}`, rpcPort };
    } catch (e) {
      tried.push(`${cookieFile} (${(e as NodeJS.ErrnoException).code ?? 'unreadable'})`);
    }
  }
  throw new Error(`no RPC credentials for ${coin.nodeName}: give a user and password, or make one of these readable: ${tried.join(', ')}`);
}

// The 13 messages of docs/protocol.md §3.2, each with its codec and handler, keyed by command.
import type { PeerLike } from './context.ts';
import * as version from './version.ts';
import * as ping from './ping.ts';
import * as addrme from './addrme.ts';
import * as addrs from './addrs.ts';
import * as getaddrs from './getaddrs.ts';
import * as shares from './shares.ts';
import * as sharereq from './sharereq.ts';
import * as sharereply from './sharereply.ts';
import * as bestblock from './bestblock.ts';
import * as haveTx from './have_tx.ts';
import * as losingTx from './losing_tx.ts';
import * as rememberTx from './remember_tx.ts';
import * as forgetTx from './forget_tx.ts';

export { version, ping, addrme, addrs, getaddrs, shares, sharereq, sharereply, bestblock, haveTx, losingTx, rememberTx, forgetTx };

export interface MessageHandler {
  readonly command: string;
  decode(payload: Buffer): unknown;
  handle(peer: PeerLike, message: never): void;
}

const ALL: MessageHandler[] = [
  version,
  ping,
  addrme,
  addrs,
  getaddrs,
  shares,
  sharereq,
  sharereply,
  bestblock,
  haveTx,
  losingTx,
  rememberTx,
  forgetTx,
];

export const MESSAGES: ReadonlyMap<string, MessageHandler> = new Map(ALL.map((m) => [m.command, m]));

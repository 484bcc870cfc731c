// `ping`: empty; it only keeps the peer's 100 s idle timer alive, and has no reply.
import { Reader } from '../../core/index.ts';

export const command = 'ping';
export type PingMessage = Record<string, never>;

export function encode(_m: PingMessage = {}): Buffer {
  return Buffer.alloc(0);
}

export function decode(payload: Buffer): PingMessage {
  new Reader(payload).done('ping');
  return {};
}

export function handle(): void {}

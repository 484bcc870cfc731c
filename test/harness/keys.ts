// Regtest payout addresses for tests, from a fixed 20-byte hash (nobody holds the key: coins paid
// there are only for the node to count, never spent).
import { payments } from 'bitcoinjs-lib';
import { createHash } from 'node:crypto';

const NETS = {
  bitcoin: {
    messagePrefix: '',
    bech32: 'bcrt',
    bip32: { public: 0x043587cf, private: 0x04358394 },
    pubKeyHash: 111,
    scriptHash: 196,
    wif: 0xef,
  },
  litecoin: {
    messagePrefix: '',
    bech32: 'rltc',
    bip32: { public: 0x043587cf, private: 0x04358394 },
    pubKeyHash: 111,
    scriptHash: 58,
    wif: 0xef,
  },
};

export function testHash160(label = 'p2pool-ts test payout'): Buffer {
  return createHash('sha256').update(label).digest().subarray(0, 20);
}

export function regtestAddress(coin: 'bitcoin' | 'litecoin', label?: string): string {
  return payments.p2wpkh({ hash: testHash160(label), network: NETS[coin] }).address!;
}

/** The output script of regtestAddress(). */
export function regtestScript(label?: string): Buffer {
  return Buffer.concat([Buffer.from([0x00, 0x14]), testHash160(label)]);
}

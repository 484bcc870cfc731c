export { sha256, sha256d, hash256, ripemd160, hash160 } from './hash.ts';
export { Sha256State, SHA256_IV } from './sha256-state.ts';
export { scryptPow } from './scrypt.ts';

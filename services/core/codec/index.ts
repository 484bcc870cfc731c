export { Reader, readU256 } from './reader.ts';
export { Writer, encodeVarInt } from './writer.ts';
export { parseJsonExact } from './json.ts';
export { DecodeError, EncodeError } from './errors.ts';
export { ByteArena, ARENA_CHUNK_BYTES } from './byte-arena.ts';

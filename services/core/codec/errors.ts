/** A byte string that does not decode. Names the field and the byte offset where decoding stopped. */
export class DecodeError extends Error {
  readonly field: string;
  readonly offset: number;
  constructor(field: string, offset: number, reason: string) {
    super(`${field} at offset ${offset}: ${reason}`);
    this.name = 'DecodeError';
    this.field = field;
    this.offset = offset;
  }
}

/** A value that cannot be encoded (out of range, wrong length). */
export class EncodeError extends Error {
  constructor(field: string, reason: string) {
    super(`${field}: ${reason}`);
    this.name = 'EncodeError';
  }
}

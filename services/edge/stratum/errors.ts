// Stratum v1 share-error codes as miners display them (the de-facto table used by cgminer-era
// pools), plus a thrown form so handlers can fail with a precise code.

export const OTHER = 20;
export const JOB_NOT_FOUND = 21;
export const DUPLICATE_SHARE = 22;
export const LOW_DIFFICULTY = 23;
export const UNAUTHORIZED = 24;
export const NOT_SUBSCRIBED = 25;

export class StratumError extends Error {
  readonly code: number;
  constructor(code: number, message: string) {
    super(message);
    this.code = code;
  }
}

/**
 * A share that breaks a rule. `misbehaving` marks the reference's PeerMisbehavingError cases, for
 * which the sender is banned; the others only drop the share (or the connection).
 */
export class ShareRuleError extends Error {
  readonly rule: string;
  readonly misbehaving: boolean;
  /** The parsed share when it got that far (e.g. a PoW failure still has a hash). */
  readonly share?: unknown;
  constructor(rule: string, message: string, misbehaving = false, share?: unknown) {
    super(message);
    this.name = 'ShareRuleError';
    this.rule = rule;
    this.misbehaving = misbehaving;
    this.share = share;
  }
}

/**
 * A share that breaks a rule. `misbehaving` marks the reference's PeerMisbehavingError cases, for
 * which the sender is banned; the others only drop the share (or the connection).
 */
export class ShareRuleError extends Error {
  readonly rule: string;
  readonly misbehaving: boolean;
  constructor(rule: string, message: string, misbehaving = false) {
    super(message);
    this.name = 'ShareRuleError';
    this.rule = rule;
    this.misbehaving = misbehaving;
  }
}

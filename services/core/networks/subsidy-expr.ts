// SUBSIDY_FUNC in the reference's own notation (its network modules write e.g.
// `lambda height: 50*100000000 >> (height + 1)//210000`): a small parser for exactly the arithmetic
// those modules use — integer literals, height, +, *, //, >> and parentheses, with Python's
// precedence — into plain data, evaluated with bigint. Anything else is refused; nothing is eval'd.

export type SubsidyExpr =
  | { readonly k: 'int'; readonly v: bigint }
  | { readonly k: 'height' }
  | { readonly k: '+' | '*' | '//' | '>>'; readonly a: SubsidyExpr; readonly b: SubsidyExpr };

export class SubsidyExprError extends Error {}

const TOKEN = /\s*(?:(\d+)|([A-Za-z_][A-Za-z0-9_]*)|(\/\/|>>|[+*()]))/y;

/** Parses `[lambda NAME:] EXPR`; the height may be called NAME (from the lambda), `height` or `h`. */
export function parseSubsidyExpr(text: string): SubsidyExpr {
  let src = text.trim();
  let names = ['height', 'h'];
  const lambda = /^lambda\s+([A-Za-z_][A-Za-z0-9_]*)\s*:/.exec(src);
  if (lambda) {
    names = [lambda[1]!];
    src = src.slice(lambda[0].length);
  }
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < src.length) {
    if (/^\s*$/.test(src.slice(TOKEN.lastIndex))) break;
    const at = TOKEN.lastIndex;
    const m = TOKEN.exec(src);
    if (!m)
      throw new SubsidyExprError(
        `unexpected ${JSON.stringify(src.slice(at).trim().slice(0, 12))} (only integers, ${names[0]}, +, *, //, >> and parentheses)`,
      );
    tokens.push(m[1] ?? m[2] ?? m[3]!);
  }
  let i = 0;
  const peek = (): string | undefined => tokens[i];
  const atom = (): SubsidyExpr => {
    const t = tokens[i++];
    if (t === undefined) throw new SubsidyExprError('expression ends too early');
    if (/^\d+$/.test(t)) return { k: 'int', v: BigInt(t) };
    if (t === '(') {
      const e = shift();
      if (tokens[i++] !== ')') throw new SubsidyExprError('missing )');
      return e;
    }
    if (names.includes(t)) return { k: 'height' };
    throw new SubsidyExprError(`unexpected ${JSON.stringify(t)} (only integers, ${names[0]}, +, *, //, >> and parentheses)`);
  };
  const level = (ops: readonly string[], next: () => SubsidyExpr) => (): SubsidyExpr => {
    let e = next();
    for (let op = peek(); op !== undefined && ops.includes(op); op = peek()) {
      i++;
      e = { k: op as '+' | '*' | '//' | '>>', a: e, b: next() };
    }
    return e;
  };
  // Python: * and // bind tighter than +, which binds tighter than >>; all left-associative.
  const term = level(['*', '//'], atom);
  const sum = level(['+'], term);
  const shift = level(['>>'], sum);
  const e = shift();
  if (i !== tokens.length) throw new SubsidyExprError(`unexpected ${JSON.stringify(tokens[i])}`);
  return e;
}

/** The subsidy at `height`, with Python's integer semantics (floor division; a shift by 64+ is 0 for these sizes). */
export function evalSubsidyExpr(e: SubsidyExpr, height: number): bigint {
  switch (e.k) {
    case 'int':
      return e.v;
    case 'height':
      return BigInt(height);
    case '+':
      return evalSubsidyExpr(e.a, height) + evalSubsidyExpr(e.b, height);
    case '*':
      return evalSubsidyExpr(e.a, height) * evalSubsidyExpr(e.b, height);
    case '//': {
      const a = evalSubsidyExpr(e.a, height);
      const b = evalSubsidyExpr(e.b, height);
      if (b === 0n) throw new SubsidyExprError('division by zero');
      const q = a / b;
      return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
    }
    case '>>': {
      const a = evalSubsidyExpr(e.a, height);
      const b = evalSubsidyExpr(e.b, height);
      if (b < 0n) throw new SubsidyExprError('negative shift count');
      return b > 4096n ? (a < 0n ? -1n : 0n) : a >> b;
    }
  }
}

/** `INITIAL >> (height + 1) // INTERVAL` (every built-in network's form): its two constants, else null. */
export function halvingForm(e: SubsidyExpr): { initial: bigint; interval: number } | null {
  if (e.k !== '>>' || !constant(e.a)) return null;
  const d = e.b;
  if (d.k !== '//' || !constant(d.b)) return null;
  const s = d.a;
  if (s.k !== '+' || s.a.k !== 'height' || !constant(s.b) || evalSubsidyExpr(s.b, 0) !== 1n) return null;
  const interval = evalSubsidyExpr(d.b, 0);
  if (interval <= 0n || interval > BigInt(Number.MAX_SAFE_INTEGER)) return null;
  return { initial: evalSubsidyExpr(e.a, 0), interval: Number(interval) };
}

function constant(e: SubsidyExpr): boolean {
  return e.k === 'int' || (e.k !== 'height' && constant(e.a) && constant(e.b));
}

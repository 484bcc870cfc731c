// JSON as the reference's json.dumps writes it for our values: big integers (targets, abswork) as
// exact integer literals, not strings; non-finite floats as the reference's Infinity/NaN tokens.
export function referenceJson(value: unknown): string {
  const marks: string[] = [];
  const text = JSON.stringify(value, (_k, v) => {
    if (typeof v === 'bigint') {
      marks.push(v.toString());
      return `\u0000${marks.length - 1}\u0000`;
    }
    if (typeof v === 'number' && !Number.isFinite(v)) {
      marks.push(Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity');
      return `\u0000${marks.length - 1}\u0000`;
    }
    if (v instanceof Map) return Object.fromEntries(v);
    return v;
  });
  return (text ?? 'null').replace(/"\\u0000(\d+)\\u0000"/g, (_m, i: string) => marks[Number(i)]!);
}

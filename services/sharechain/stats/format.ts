// The reference's number formatting and binomial interval (p2pool/util/math.py), for the status line.

/** `math.format`: integer with an SI suffix once it reaches 100,000 (100000 → "100k"). */
export function formatSI(x: number): string {
  const prefixes = 'kMGTPEZY';
  let count = 0;
  while (x >= 100000 && count < prefixes.length - 2) {
    x = Math.floor(x / 1000);
    count++;
  }
  return `${Math.trunc(x)}${count === 0 ? '' : prefixes[count - 1]}`;
}

/** `math.format_dt`: "%.1f <unit>" with the largest unit the duration exceeds. */
export function formatDt(dt: number): string {
  const units: [number, string][] = [
    [365.2425 * 86400, 'years'],
    [86400, 'days'],
    [3600, 'hours'],
    [60, 'minutes'],
    [1, 'seconds'],
  ];
  let chosen = units[units.length - 1]!;
  for (const u of units) {
    chosen = u;
    if (dt > u[0]) break;
  }
  return `${(dt / chosen[0]).toFixed(1)} ${chosen[1]}`;
}

const Z95 = 1.959963984540054; // erf_inv(0.95)·√2

/** `math.binomial_conf_interval` (Wilson score interval); n = 0 gives the uninformative [0, 1]. */
export function binomialConfInterval(x: number, n: number, z = Z95): [number, number] {
  if (n === 0) return [0, 1];
  const p = x / n;
  const topa = p + (z * z) / 2 / n;
  const topb = z * Math.sqrt((p * (1 - p)) / n + (z * z) / 4 / n / n);
  const bottom = 1 + (z * z) / n;
  const clip = (v: number) => Math.min(1, Math.max(0, v));
  return [clip((topa - topb) / bottom), clip((topa + topb) / bottom)];
}

/** `math.format_binomial_conf`: "~12.3% (4-25%)", or "???" without data. */
export function formatBinomialConf(x: number, n: number, f: (v: number) => number = (v) => v): string {
  if (n === 0) return '???';
  const [a, b] = binomialConfInterval(x, n).map(f) as [number, number];
  const left = Math.min(a, b);
  const right = Math.max(a, b);
  return `~${(100 * f(x / n)).toFixed(1)}% (${Math.floor(100 * left)}-${Math.ceil(100 * right)}%)`;
}

// Time series the dashboard draws, kept as the reference's graph database does (docs/web.md): each
// stream has one view per time span, each view a fixed ring of bins, so memory is bounded by
// streams × views × bins × keys whatever the uptime. Pure: the caller supplies the time.
//
// A gauge stream averages the samples in a bin; a rate stream sums what was added and divides by the
// bin's width (e.g. work per bin → H/s). Multi-value streams hold a {key: number} per bin; the 'null'
// key counts samples so that keys missing from a sample read as 0 (the reference's
// multivalue_undefined_means_0).

export interface ViewDesc {
  binCount: number;
  binWidth: number;
}

// The reference's views: /web/graph_data/<stream>/<view>.
export const VIEWS: Record<string, ViewDesc> = {
  last_hour: { binCount: 150, binWidth: 3600 / 150 },
  last_day: { binCount: 300, binWidth: 86400 / 300 },
  last_week: { binCount: 300, binWidth: (86400 * 7) / 300 },
  last_month: { binCount: 300, binWidth: (86400 * 30) / 300 },
  last_year: { binCount: 300, binWidth: (86400 * 365.25) / 300 },
};

export interface StreamDesc {
  gauge: boolean;
  multivalues: boolean;
  undefinedMeans0?: boolean;
  // Multi-value streams keep at most this many keys per sample (the largest values), and a bin at
  // most twice as many: per-miner streams stay bounded however many miners come and go.
  maxKeys?: number;
}

// [total, count] per key.
type Bin = Map<string, [number, number]>;

// One point of /web/graph_data: [center time, value, width, default].
export type GraphPoint = [number, number | Record<string, number> | null, number, number | null];

// biome-ignore lint/suspicious/noShadowRestrictedNames: the reference's name for a graph view (module-local, never the global)
export class DataView {
  readonly desc: ViewDesc;
  readonly stream: StreamDesc;
  lastBinEnd = 0;
  bins: Bin[];

  constructor(desc: ViewDesc, stream: StreamDesc) {
    this.desc = desc;
    this.stream = stream;
    this.bins = Array.from({ length: desc.binCount }, () => new Map());
  }

  #shift(t: number): void {
    const shift = Math.max(0, Math.ceil((t - this.lastBinEnd) / this.desc.binWidth));
    if (shift === 0) return;
    if (shift >= this.desc.binCount) {
      this.bins = Array.from({ length: this.desc.binCount }, () => new Map());
    } else {
      const fresh: Bin[] = Array.from({ length: shift }, () => new Map());
      this.bins = fresh.concat(this.bins.slice(0, this.desc.binCount - shift));
    }
    this.lastBinEnd += shift * this.desc.binWidth;
  }

  add(t: number, value: Record<string, number>): void {
    this.#shift(t);
    const i = Math.floor((this.lastBinEnd - t) / this.desc.binWidth);
    if (i < 0 || i >= this.desc.binCount) return;
    const bin = this.bins[i]!;
    for (const [k, v] of Object.entries(value)) {
      const prev = bin.get(k);
      if (prev) {
        prev[0] += v;
        prev[1] += 1;
      } else bin.set(k, [v, 1]);
    }
    // A long bin collects the busiest miners of many samples: past twice the cap it keeps the cap's
    // worth with the largest totals (and the sample counter), so a bin stays bounded too.
    const cap = this.stream.maxKeys;
    if (cap !== undefined && bin.size > 2 * cap + 1) {
      const kept = [...bin]
        .filter(([k]) => k !== 'null')
        .sort((a, b) => b[1][0] - a[1][0])
        .slice(0, cap);
      const counter = bin.get('null');
      bin.clear();
      for (const [k, tc] of kept) bin.set(k, tc);
      if (counter) bin.set('null', counter);
    }
  }

  data(t: number): GraphPoint[] {
    // Read on a copy of the ring's position: reading never moves the stored bins.
    const shift = Math.max(0, Math.ceil((t - this.lastBinEnd) / this.desc.binWidth));
    const lastBinEnd = this.lastBinEnd + shift * this.desc.binWidth;
    const { binWidth, binCount } = this.desc;
    const out: GraphPoint[] = [];
    for (let i = 0; i < binCount; i++) {
      const bin = i < shift ? undefined : this.bins[i - shift];
      const left = lastBinEnd - binWidth * (i + 1);
      const right = Math.min(t, lastBinEnd - binWidth * i);
      const center = (left + right) / 2;
      const width = right - left;
      let val: Record<string, number> | null = {};
      let dflt: number | null;
      const entries = bin ? [...bin] : [];
      if (this.stream.gauge && this.stream.undefinedMeans0) {
        const realCount = Math.max(0, ...entries.map(([, [, c]]) => c));
        if (realCount === 0) val = null;
        else for (const [k, [total]] of entries) val[k] = total / realCount;
        dflt = 0;
      } else if (this.stream.gauge) {
        for (const [k, [total, count]] of entries) val[k] = total / count;
        dflt = null;
      } else {
        for (const [k, [total]] of entries) val[k] = width > 0 ? total / width : 0;
        dflt = 0;
      }
      if (!this.stream.multivalues) {
        out.push([center, val === null ? null : (val.null ?? dflt), width, dflt]);
      } else {
        if (val) delete val.null;
        out.push([center, val, width, dflt]);
      }
    }
    return out;
  }
}

export class DataStream {
  readonly desc: StreamDesc;
  readonly views: Map<string, DataView>;

  constructor(desc: StreamDesc, views: Record<string, ViewDesc> = VIEWS) {
    this.desc = desc;
    this.views = new Map(Object.entries(views).map(([name, v]) => [name, new DataView(v, desc)]));
  }

  add(t: number, value: number | Record<string, number>): void {
    let v: Record<string, number>;
    if (!this.desc.multivalues) v = { null: value as number };
    else {
      let entries = Object.entries(value as Record<string, number>).filter(([, x]) => Number.isFinite(x));
      if (this.desc.maxKeys !== undefined && entries.length > this.desc.maxKeys)
        entries = entries.sort((a, b) => b[1] - a[1]).slice(0, this.desc.maxKeys);
      v = Object.fromEntries(entries);
      if (this.desc.undefinedMeans0) v.null = 0;
    }
    if (!this.desc.multivalues && !Number.isFinite(v.null)) return;
    for (const view of this.views.values()) view.add(t, v);
  }
}

// What is saved and loaded: the reference's graph_db layout, {stream: {dataviews: {view: {last_bin_end,
// bins: [{key: [total, count]}]}}}}.
export interface HistoryObject {
  [stream: string]: { dataviews: { [view: string]: { last_bin_end: number; bins: Array<Record<string, [number, number]>> } } };
}

export class HistoryDatabase {
  readonly streams: Map<string, DataStream>;

  constructor(descs: Record<string, StreamDesc>, views: Record<string, ViewDesc> = VIEWS) {
    this.streams = new Map(Object.entries(descs).map(([name, d]) => [name, new DataStream(d, views)]));
  }

  toObject(): HistoryObject {
    const out: HistoryObject = {};
    for (const [name, s] of this.streams) {
      const dataviews: HistoryObject[string]['dataviews'] = {};
      for (const [vn, v] of s.views)
        dataviews[vn] = {
          last_bin_end: v.lastBinEnd,
          bins: v.bins.map((b) => Object.fromEntries([...b].map(([k, tc]) => [k, [tc[0], tc[1]]]))),
        };
      out[name] = { dataviews };
    }
    return out;
  }

  // Restores what a saved object holds for the streams and views this database has; anything else in
  // it (a stream since dropped, a malformed entry) is ignored rather than trusted.
  load(obj: unknown): void {
    if (!obj || typeof obj !== 'object') return;
    for (const [name, s] of this.streams) {
      const saved = (obj as HistoryObject)[name]?.dataviews;
      if (!saved || typeof saved !== 'object') continue;
      for (const [vn, v] of s.views) {
        const sv = saved[vn];
        if (!sv || typeof sv.last_bin_end !== 'number' || !Array.isArray(sv.bins) || sv.bins.length !== v.desc.binCount) continue;
        const keyCap = (s.desc.maxKeys ?? 64) + 1;
        v.lastBinEnd = sv.last_bin_end;
        v.bins = sv.bins.map((b) => {
          const bin: Bin = new Map();
          if (b && typeof b === 'object') {
            for (const [k, tc] of Object.entries(b).slice(0, keyCap)) {
              if (Array.isArray(tc) && typeof tc[0] === 'number' && typeof tc[1] === 'number') bin.set(k, [tc[0], tc[1]]);
            }
          }
          return bin;
        });
      }
    }
  }
}

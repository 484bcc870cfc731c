// The dashboard's script: plain DOM and uPlot, polling /api/v1 and /web/graph_data (no framework).
'use strict';
(() => {
  const $ = (id) => document.getElementById(id);
  const page = document.body.dataset.page;
  const COLORS = { good: '#4cc38a', orphan: '#e0a43a', doa: '#e5534b', dead: '#e5534b', accent: '#4d9de0', accent2: '#a779e9' };

  const si = (x, unit = '') => {
    if (x === null || x === undefined || !Number.isFinite(x)) return '–';
    const u = ['', 'k', 'M', 'G', 'T', 'P', 'E'];
    let i = 0;
    while (Math.abs(x) >= 1000 && i < u.length - 1) { x /= 1000; i++; }
    if (x !== 0 && Math.abs(x) < 0.01) return `${x.toPrecision(2)} ${unit}`;
    return `${x.toFixed(Math.abs(x) < 10 ? 2 : Math.abs(x) < 100 ? 1 : 0)} ${u[i]}${unit}`;
  };
  const rate = (x) => si(x, 'H/s');
  const pct = (x, d = 1) => (x === null || x === undefined || !Number.isFinite(x) ? '–' : `${(x * 100).toFixed(d)}%`);
  let symbol = '';
  const coins = (x) => (x === null || x === undefined ? '–' : `${x.toFixed(8).replace(/(\.\d\d\d*?)0+$/, '$1')}${symbol ? ' ' + symbol : ''}`);
  const dur = (s) => {
    if (s === null || s === undefined || !Number.isFinite(s) || s <= 0) return '–';
    if (s < 10) return `${s.toPrecision(2)} s`;
    if (s < 120) return `${Math.round(s)} s`;
    if (s < 7200) return `${Math.round(s / 60)} min`;
    if (s < 172800) return `${(s / 3600).toFixed(1)} h`;
    return `${(s / 86400).toFixed(1)} d`;
  };
  const ago = (ts) => dur(Date.now() / 1000 - ts) + ' ago';
  const short = (h) => `${h.slice(0, 8)}…${h.slice(-8)}`;
  const el = (tag, attrs = {}, ...children) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (k === 'class') e.className = v; else if (k === 'text') e.textContent = v; else e.setAttribute(k, v);
    }
    for (const c of children) e.append(c);
    return e;
  };
  const setText = (id, text) => { const e = $(id); if (e) e.textContent = text; };

  async function api(path) {
    const r = await fetch(path, { headers: { accept: 'application/json' } });
    if (!r.ok) {
      // The node says why (e.g. 503 "the sharechain is not ready: ..."): shown as it is.
      let why = `HTTP ${r.status}`;
      try { why = (await r.json()).error || why; } catch { /* not JSON */ }
      throw new Error(`${path}: ${why}`);
    }
    return r.json();
  }

  function fillTable(id, rows, cols, empty) {
    const tbody = $(id).querySelector('tbody');
    tbody.replaceChildren();
    if (!rows.length) {
      tbody.append(el('tr', {}, el('td', { class: 'empty', colspan: String(cols), text: empty })));
      return;
    }
    for (const cells of rows) {
      const tr = el('tr');
      for (const c of cells) tr.append(c instanceof Node ? c : el('td', { text: String(c) }));
      tbody.append(tr);
    }
  }
  const td = (text, cls = '') => el('td', { class: cls, text: String(text) });

  // Graph data as the reference serves it ([center, value, width, default], newest first) → uPlot columns.
  function columns(points, keys, scale = () => 1) {
    const pts = [...points].reverse();
    const xs = pts.map((p) => p[0]);
    const series = keys.map((k) => pts.map((p) => {
      const v = p[1];
      if (v === null || v === undefined) return null;
      const x = k === null ? v : (v[k] ?? p[3]);
      return x === null || x === undefined ? null : x * scale(p);
    }));
    return [xs, ...series];
  }

  const charts = new Map();
  function drawChart(id, series, data, opts = {}) {
    const host = $(id);
    const width = Math.max(300, host.clientWidth);
    let chart = charts.get(id);
    if (chart && chart.series.length === series.length + 1) {
      chart.setData(data);
      return;
    }
    chart?.destroy();
    const axis = { stroke: '#7f8b99', grid: { stroke: '#263140', width: 1 }, ticks: { stroke: '#263140' } };
    chart = new uPlot({
      width, height: 220,
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: true }, y: { range: (u, min, max) => [0, max > 0 ? max * 1.1 : 1] } },
      axes: [axis, { ...axis, size: 70, values: (u, vals) => vals.map((v) => (opts.yFormat ?? si)(v)) }],
      series: [{}, ...series.map((s) => ({
        label: s.label, stroke: s.color, width: 1.6, fill: s.fill, points: { show: false },
        paths: s.bars ? uPlot.paths.bars({ size: [0.8, 40] }) : undefined,
        value: (u, v) => (v === null ? '–' : (opts.yFormat ?? si)(v)),
      }))],
    }, data, host);
    charts.set(id, chart);
  }
  window.addEventListener('resize', () => {
    for (const [id, c] of charts) c.setSize({ width: Math.max(300, $(id).clientWidth), height: 220 });
  });

  const views = {};
  function tabs(name, dflt, onChange) {
    views[name] = dflt;
    const box = document.querySelector(`.tabs[data-for="${name}"]`);
    if (!box) return;
    box.addEventListener('click', (ev) => {
      const b = ev.target.closest('button');
      if (!b) return;
      for (const x of box.querySelectorAll('button')) x.classList.toggle('on', x === b);
      views[name] = b.dataset.view;
      onChange();
    });
  }

  function syncPill(status) {
    const p = $('sync');
    const s = status.sync;
    p.className = 'pill ' + (s.state === 'synced' ? 'ok' : s.state === 'unknown' ? 'bad' : 'warn');
    p.textContent = s.state === 'synced' ? `synced · height ${s.height}` : `${s.state} ${pct(s.progress, 0)} · height ${s.height}`;
    const warnings = [...status.warnings];
    if (s.state !== 'synced') warnings.unshift(`Sharechain ${s.state}: ${pct(s.progress, 0)}. Figures fill in once the chain is synced.`);
    const b = $('banner');
    b.hidden = warnings.length === 0;
    b.textContent = warnings.join(' · ');
  }

  function stamp() {
    setText('updated', `updated ${new Date().toLocaleTimeString()}`);
  }

  // --- the node's page -----------------------------------------------------------------------------
  let payoutRows = [];
  const payoutSort = { key: 'fraction', dir: -1 };
  function drawPayouts() {
    const rows = [...payoutRows].sort((a, b) => {
      const x = a[payoutSort.key], y = b[payoutSort.key];
      return (x < y ? -1 : x > y ? 1 : 0) * payoutSort.dir;
    });
    for (const th of $('payouts').querySelectorAll('th')) {
      th.classList.toggle('asc', th.dataset.key === payoutSort.key && payoutSort.dir > 0);
      th.classList.toggle('desc', th.dataset.key === payoutSort.key && payoutSort.dir < 0);
    }
    fillTable('payouts', rows.map((p) => [
      el('td', { class: 'mono' }, el('a', { href: `/miner/${encodeURIComponent(p.address)}`, text: p.address })),
      td(coins(p.amount), 'num'),
      el('td', { class: 'num' }, pct(p.fraction, 2), el('span', { class: 'bar', style: `width:${Math.max(1, Math.round(p.fraction * 60))}px` })),
    ]), 3, 'no payouts yet (no shares in the window)');
    const total = payoutRows.reduce((a, p) => a + p.amount, 0);
    setText('payouts-total', payoutRows.length ? `${payoutRows.length} addresses · ${coins(total)}` : '');
  }

  async function refreshNode() {
    const [status, pool, payouts, blocks, peers, miners, services] = await Promise.all([
      api('/api/v1/status'), api('/api/v1/pool'), api('/api/v1/payouts'), api('/api/v1/blocks?limit=20'),
      api('/api/v1/peers').catch(() => null), api('/api/v1/miners'), api('/api/v1/services').catch(() => []),
    ]);
    syncPill(status);
    setText('network', status.network);
    setText('version', `p2pool-ts ${status.version} · up ${dur(status.uptime)}`);
    setText('pool-rate', rate(pool.hashRate));
    setText('pool-stale', `stale ${pct(pool.staleProportion)} · nonstale ${rate(pool.nonstaleHashRate)}`);
    setText('local-rate', rate(status.localHashRate));
    const dead = miners.reduce((a, m) => a + m.deadHashRate, 0);
    setText('local-dead', `dead ${rate(dead)} · ${miners.length} miner${miners.length === 1 ? '' : 's'}`);
    const e = status.efficiency;
    setText('efficiency', e ? pct(e.value) : '–');
    setText('efficiency-ci', e ? `95% CI ${pct(e.low)} – ${pct(e.high)}` : 'no shares yet');
    setText('shares', String(status.shares.total));
    setText('shares-split', `${status.shares.orphan} orphan · ${status.shares.dead} dead`);
    setText('share-diff', pool.shareDifficulty === null ? '–' : si(pool.shareDifficulty));
    setText('share-eta', `a share every ${dur(status.expectedSecondsToShare)} (local)`);
    setText('net-rate', rate(pool.networkHashRate));
    setText('block-eta', `pool finds a block every ${dur(status.expectedSecondsToBlock)}`);

    payoutRows = payouts;
    drawPayouts();
    fillTable('blocks', blocks.map((b) => [
      td(ago(b.ts)), td(b.height ?? '–', 'num'), td(short(b.hash), 'mono'),
      td(b.confirmations === null ? b.state : `${b.state} (${b.confirmations})`, `state-${b.state}`),
    ]), 4, 'no blocks found in the chain window yet');
    setText('peers-count', peers ? `${peers.incoming} in · ${peers.outgoing} out` : 'peer gateway unavailable');
    fillTable('peers', (peers?.peers ?? []).map((p) => [
      td(p.address, 'mono'), td(p.version || p.protocolVersion), td(p.direction), td(dur(p.uptime), 'num'), td(p.pingMs === null ? '–' : `${p.pingMs.toFixed(0)} ms`, 'num'),
    ]), 5, 'no peers connected');
    const health = [];
    const s = status.sync;
    health.push([td('sharechain'), td(s.state, s.state === 'synced' ? 'ok' : 'warn'), td(`height ${s.height} · ${s.verified} verified`)]);
    const tb = status.templateBuilder;
    health.push([td('template builder'), td(tb.available ? 'up' : 'unavailable', tb.available ? 'ok' : 'bad'), td(tb.available ? `template at height ${tb.height}` : '')]);
    for (const n of tb.fullNodes) {
      const ok = n.reachable && n.synced;
      health.push([td(`full node${n.selected ? ' (selected)' : ''}`), td(!n.reachable ? 'unreachable' : n.synced ? 'synced' : 'syncing', ok ? 'ok' : 'bad'),
        td(`${n.chain} · ${n.blocks}/${n.headers} blocks${n.templateLatencyMs > 0 ? ` · template in ${n.templateLatencyMs.toFixed(0)} ms` : ''}${n.subversion ? ' · ' + n.subversion : ''}${n.lastError ? ' · ' + n.lastError : ''}`)]);
    }
    for (const sv of services) health.push([td(`${sv.service}`), td(sv.status.toLowerCase(), sv.status.toLowerCase() === 'serving' ? 'ok' : 'warn'), td(sv.instance, 'mono')]);
    fillTable('health', health, 3, '');
    fillTable('miners', miners.slice(0, 20).map((m) => [
      el('td', { class: 'mono' }, el('a', { href: `/miner/${encodeURIComponent(m.address)}`, text: m.address })),
      td(rate(m.hashRate), 'num'), td(rate(m.deadHashRate), 'num'), td(m.workers, 'num'),
    ]), 4, 'no miners connected to this node');
    stamp();
  }

  async function refreshNodeCharts() {
    const v = views.rates, vs = views.shares;
    const [pool, local, dead, shares] = await Promise.all([
      api(`/web/graph_data/pool_rates/${v}`), api(`/web/graph_data/local_hash_rate/${v}`),
      api(`/web/graph_data/local_dead_hash_rate/${v}`), api(`/web/graph_data/shares/${vs}`),
    ]);
    drawChart('chart-pool', [
      { label: 'good', color: COLORS.good }, { label: 'orphan', color: COLORS.orphan }, { label: 'dead', color: COLORS.doa },
    ], columns(pool, ['good', 'orphan', 'doa']), { yFormat: rate });
    const lc = columns(local, [null]);
    drawChart('chart-local', [
      { label: 'local', color: COLORS.accent, fill: 'rgba(77,157,224,0.12)' }, { label: 'dead', color: COLORS.doa },
    ], [lc[0], lc[1], columns(dead, [null])[1]], { yFormat: rate });
    // Shares per bin: the stream's rate × the bin's width.
    drawChart('chart-shares', [
      { label: 'accepted', color: COLORS.good, fill: 'rgba(76,195,138,0.5)', bars: true },
      { label: 'orphan', color: COLORS.orphan, fill: 'rgba(224,164,58,0.6)', bars: true },
      { label: 'dead', color: COLORS.doa, fill: 'rgba(229,83,75,0.6)', bars: true },
    ], columns(shares, ['accepted', 'orphan', 'doa'], (p) => p[2]), { yFormat: (x) => (x === null ? '–' : x.toFixed(x < 10 && x % 1 ? 1 : 0)) });
  }

  // --- a miner's page ------------------------------------------------------------------------------
  const address = page === 'miner' ? decodeURIComponent(location.pathname.split('/')[2] || '') : '';

  async function refreshMiner() {
    const [m, status] = await Promise.all([api(`/api/v1/miners/${encodeURIComponent(address)}?limit=50`), api('/api/v1/status')]);
    syncPill(status);
    setText('m-rate', rate(m.hashRate));
    setText('m-dead', `dead ${rate(m.deadHashRate)} · ${m.workers.length} worker${m.workers.length === 1 ? '' : 's'}`);
    setText('m-payout', coins(m.expectedPayout));
    setText('m-fraction', `${pct(m.payoutFraction, 2)} of the block reward`);
    setText('m-shares', String(m.window.minerShares));
    setText('m-window', `of ${m.window.shares} · ${m.window.orphan} orphan · ${m.window.dead} dead`);
    setText('m-stale', pct(m.staleProportion));
    setText('m-chain-stale', `in the chain: ${pct(m.chainStaleProportion)}`);
    fillTable('workers', m.workers.map((w) => [
      td(w.name || '(default)', 'mono'), td(rate(w.hashRate), 'num'), td(rate(w.deadHashRate), 'num'), td(pct(w.hashRate > 0 ? w.deadHashRate / w.hashRate : null), 'num'),
    ]), 4, 'no worker of this address is connected to this node');
    setText('m-shares-note', m.shares.length < m.window.minerShares ? `newest ${m.shares.length}` : '');
    fillTable('m-share-list', m.shares.map((s) => [
      td(ago(s.timestamp)), el('td', { class: 'mono' }, el('a', { href: `/web/share/${s.hash}`, text: short(s.hash) })), td(s.depth, 'num'),
      td(s.stale ?? 'ok', s.stale ? 'bad' : 'ok'),
    ]), 4, 'no shares of this address in the window');
    stamp();
  }

  async function refreshMinerChart() {
    const pts = await api(`/api/v1/miners/${encodeURIComponent(address)}/graph/${views.miner}`);
    const rows = [...pts].reverse();
    drawChart('chart-miner', [
      { label: 'hash rate', color: COLORS.accent, fill: 'rgba(77,157,224,0.12)' }, { label: 'dead', color: COLORS.doa },
    ], [rows.map((p) => p.time), rows.map((p) => p.hashRate), rows.map((p) => p.deadHashRate)], { yFormat: rate });
  }

  function loop(fn, ms) {
    const run = () => fn().catch((e) => {
      const b = $('banner');
      b.hidden = false;
      b.textContent = `update failed: ${e.message}`;
      const p = $('sync');
      p.className = 'pill bad';
      p.textContent = 'not ready';
    }).finally(() => setTimeout(run, ms));
    run();
  }

  // The coin's symbol for amounts (the reference's /web/currency_info); amounts show without it until then.
  api('/web/currency_info').then((c) => { symbol = c.symbol; }, () => undefined);

  if (page === 'node') {
    tabs('rates', 'last_hour', () => void refreshNodeCharts());
    tabs('shares', 'last_day', () => void refreshNodeCharts());
    for (const th of $('payouts').querySelectorAll('th')) {
      th.addEventListener('click', () => {
        if (payoutSort.key === th.dataset.key) payoutSort.dir = -payoutSort.dir;
        else { payoutSort.key = th.dataset.key; payoutSort.dir = th.dataset.key === 'address' ? 1 : -1; }
        drawPayouts();
      });
    }
    loop(refreshNode, 10_000);
    loop(refreshNodeCharts, 15_000);
  } else if (page === 'miner') {
    setText('address', address);
    document.title = `${address} · p2pool-ts`;
    $('m-json').href = `/api/v1/miners/${encodeURIComponent(address)}`;
    tabs('miner', 'last_hour', () => void refreshMinerChart());
    loop(refreshMiner, 10_000);
    loop(refreshMinerChart, 15_000);
  }
})();

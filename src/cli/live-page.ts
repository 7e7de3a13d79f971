// The live view's page: one self-contained HTML document (no external script, style or font) whose
// script polls /api/state for the evaluations recorded since its last poll and redraws in place.

const STYLE = `
body{font:14px/1.4 system-ui,sans-serif;margin:16px auto;max-width:1100px;color:#222;padding:0 12px}
h1{font-size:20px;margin:0 0 4px} .sub{color:#555;margin-bottom:12px}
.cells{display:grid;grid-template-columns:repeat(auto-fill,minmax(340px,1fr));gap:12px}
.cell{border:1px solid #ddd;border-radius:6px;padding:6px} .cell h2{font-size:13px;margin:0 0 4px;font-weight:600}
svg text{font-size:10px;fill:#555} table{border-collapse:collapse;margin-top:16px;width:100%}
td,th{padding:2px 8px;border-bottom:1px solid #eee;text-align:left;font-variant-numeric:tabular-nums}
.bar{display:inline-block;width:120px;height:8px;background:#eee;border-radius:4px;vertical-align:middle}
.bar i{display:block;height:8px;border-radius:4px;background:#1f77b4}
.ok{color:#1f77b4}.running{color:#e06c00}.diverged{color:#c00;font-weight:600}.failed{color:#c00;font-weight:600}.pending{color:#888}
.legend span{margin-right:12px}
`;

// Plain browser JavaScript (kept as a string: it runs in the page, not in Node).
const SCRIPT = `
const COLORS = {ok:'#1f77b4', running:'#e06c00', diverged:'#d62728', failed:'#7f7f7f', pending:'#bbb'};
let epoch = 0, since = 0, metric = '', state = null;
const curves = new Map(); // run id -> [[step, values]]
const el = (id) => document.getElementById(id);
const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'})[c]);
const fmt = (v) => !Number.isFinite(v) ? String(v) : Math.abs(v) >= 1000 || (v !== 0 && Math.abs(v) < 0.001) ? v.toExponential(2) : String(+v.toPrecision(4));

async function tick() {
  try {
    const r = await fetch('api/state?since=' + since, {cache: 'no-store'});
    const s = await r.json();
    if (s.epoch !== epoch) { epoch = s.epoch; curves.clear(); if (since !== 0) { since = 0; return tick(); } }
    for (const p of s.points) {
      if (!curves.has(p.run)) curves.set(p.run, []);
      curves.get(p.run).push([p.step, p.values]);
    }
    since = s.seq; state = s;
    render();
    el('conn').textContent = s.finished ? 'sweep finished' : 'live';
  } catch (e) {
    el('conn').textContent = 'server unreachable; retrying';
  }
}

function pickMetric(metrics) {
  const sel = el('metric');
  if (sel.options.length !== metrics.length) {
    sel.innerHTML = metrics.map((m) => '<option>' + esc(m) + '</option>').join('');
    if (!metric) metric = metrics.includes('test_acc') ? 'test_acc' : metrics[0] || '';
    sel.value = metric;
  }
}

function panel(runs) {
  const W = 340, H = 170, L = 44, B = 20, T = 6, R = 8;
  let xmax = 1, lo = Infinity, hi = -Infinity;
  for (const run of runs) for (const [step, v] of curves.get(run.id) || []) {
    xmax = Math.max(xmax, step, run.total || 0);
    const y = v[metric];
    if (Number.isFinite(y)) { lo = Math.min(lo, y); hi = Math.max(hi, y); }
  }
  if (!Number.isFinite(lo)) return '<svg width="' + W + '" height="' + H + '"><text x="' + L + '" y="' + H / 2 + '">no evaluation yet</text></svg>';
  // A log axis when the values are positive and span more than 20x (losses that fall by decades).
  const log = lo > 0 && hi / lo > 20;
  const f = log ? Math.log10 : (v) => v;
  let a = f(lo), b = f(hi);
  if (a === b) { a -= 0.5; b += 0.5; }
  const sx = (x) => L + (x / xmax) * (W - L - R);
  const sy = (y) => T + (1 - (f(y) - a) / (b - a)) * (H - T - B);
  let out = '<svg width="' + W + '" height="' + H + '" role="img">';
  out += '<line x1="' + L + '" y1="' + (H - B) + '" x2="' + (W - R) + '" y2="' + (H - B) + '" stroke="#999"/>';
  out += '<line x1="' + L + '" y1="' + T + '" x2="' + L + '" y2="' + (H - B) + '" stroke="#999"/>';
  out += '<text x="' + (L - 4) + '" y="' + (T + 8) + '" text-anchor="end">' + fmt(hi) + '</text>';
  out += '<text x="' + (L - 4) + '" y="' + (H - B) + '" text-anchor="end">' + fmt(lo) + '</text>';
  out += '<text x="' + (W - R) + '" y="' + (H - 6) + '" text-anchor="end">step ' + xmax + (log ? ' · log y' : '') + '</text>';
  for (const run of runs) {
    const pts = (curves.get(run.id) || []).filter((p) => Number.isFinite(p[1][metric])).sort((p, q) => p[0] - q[0]);
    if (pts.length === 0) continue;
    const c = COLORS[run.status];
    const d = pts.map((p) => sx(p[0]).toFixed(1) + ',' + sy(p[1][metric]).toFixed(1)).join(' ');
    out += '<polyline fill="none" stroke="' + c + '" stroke-width="1.5"' + (run.status === 'diverged' ? ' stroke-dasharray="4 3"' : '') + ' points="' + d + '"><title>run ' + (run.index + 1) + ' seed ' + run.seed + '</title></polyline>';
    const last = pts[pts.length - 1];
    if (run.status === 'diverged' || run.status === 'failed') out += '<text x="' + sx(last[0]) + '" y="' + (sy(last[1][metric]) - 3) + '" fill="' + c + '" text-anchor="end">' + run.status + '</text>';
  }
  return out + '</svg>';
}

function render() {
  const s = state;
  pickMetric(s.metrics);
  const count = (st) => s.runs.filter((r) => r.status === st).length;
  const done = s.runs.length - count('pending') - count('running');
  el('title').textContent = (s.name || 'results') + ': live view';
  el('summary').textContent = done + ' of ' + s.runs.length + ' runs done · running ' + count('running') + ' · diverged ' + count('diverged') + ' · failed ' + count('failed') + ' · ' + s.seq + ' evaluations';
  const cells = new Map();
  for (const r of s.runs) { if (!cells.has(r.cell)) cells.set(r.cell, []); cells.get(r.cell).push(r); }
  el('cells').innerHTML = [...cells].map(([cell, runs]) => '<div class="cell"><h2>' + esc(cell) + '</h2>' + panel(runs) + '</div>').join('');
  el('runs').innerHTML = s.runs.map((r) => {
    const pts = curves.get(r.id) || [];
    const last = pts.length ? pts.reduce((p, q) => (q[0] > p[0] ? q : p)) : null;
    const step = last ? Math.max(last[0], r.step) : r.step;
    const frac = r.total ? Math.min(1, step / r.total) : r.status === 'pending' ? 0 : 1;
    const value = last && Number.isFinite(last[1][metric]) ? fmt(last[1][metric]) : '';
    return '<tr data-run="' + esc(r.id) + '" data-status="' + r.status + '" data-step="' + step + '"><td>' + (r.index + 1) + '</td><td>' + esc(r.cell) + '</td><td>' + (r.seed ?? '') +
      '</td><td class="' + r.status + '">' + r.status + (r.error ? ': ' + esc(r.error) : '') + '</td><td><span class="bar"><i style="width:' + (frac * 100).toFixed(0) + '%"></i></span> ' +
      step + (r.total ? '/' + r.total : '') + '</td><td>' + value + '</td></tr>';
  }).join('');
  el('valuehead').textContent = metric;
}

document.addEventListener('DOMContentLoaded', () => {
  el('metric').addEventListener('change', (e) => { metric = e.target.value; if (state) render(); });
  tick();
  setInterval(tick, 1000);
});
`;

/** The live view's HTML page (served at /). */
export function livePage(): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>bn-exp live view</title>
<meta name="viewport" content="width=device-width,initial-scale=1"><style>${STYLE}</style></head>
<body><h1 id="title">bn-exp live view</h1>
<div class="sub"><span id="summary">loading…</span> · <span id="conn">connecting</span></div>
<div class="sub"><label>metric <select id="metric"></select></label>
<span class="legend"> · <span class="ok">■ ok</span><span class="running">■ running</span><span class="diverged">■ diverged (dashed)</span><span class="failed">■ failed</span></span></div>
<div id="cells" class="cells"></div>
<table><thead><tr><th>run</th><th>cell</th><th>seed</th><th>status</th><th>progress</th><th id="valuehead">value</th></tr></thead><tbody id="runs"></tbody></table>
<script>${SCRIPT}</script></body></html>
`;
}

// tally dashboard: a timeline of one series (claims and estimate, and the
// events between its two states as marks), the flows between states, a
// state's partners ranked (tally rank), the claims table, the relations of
// the pair and the contradictions. Plain ES2020 and
// SVG, no library; every request goes to the server that served the page
// (the JSON API of API.md).

const $ = (sel, root = document) => root.querySelector(sel);
const NS = 'http://www.w3.org/2000/svg';

// el('p', {class: 'x'}, 'text', child...): an HTML element; svg(...) the same in SVG.
function make(ns, tag, attrs, kids) {
  const e = ns ? document.createElementNS(ns, tag) : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (k in e && !ns && k !== 'list') e[k] = v;
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of kids.flat()) if (c !== null && c !== undefined && c !== false) e.append(c);
  return e;
}
const el = (tag, attrs, ...kids) => make(null, tag, attrs, kids);
const svg = (tag, attrs, ...kids) => make(NS, tag, attrs, kids);

// "Known by": one date for every panel (series, flows, partners, claims,
// relations, contradictions): only what was stated by then. '' when unset
// or not a date yet.
function knownBy() {
  const k = $('#known');
  return k.value && k.checkValidity() ? k.value : '';
}

// Every panel's heading says which date it is as known by.
function markKnown() {
  const by = knownBy();
  for (const m of document.querySelectorAll('.known-marker')) {
    m.textContent = by ? `as known by ${by}` : '';
    m.hidden = !by;
  }
}

async function api(path, params = {}) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== '' && v !== null && v !== undefined) q.set(k, v);
  const url = '/api/' + path + (q.toString() ? '?' + q : '');
  const r = await fetch(url, { headers: { Accept: 'application/json' } });
  const body = await r.json().catch(() => ({}));
  if (!r.ok) throw new Error(body.error || `${url}: HTTP ${r.status}`);
  return body;
}

function status(msg) {
  const s = $('#status');
  s.textContent = msg || '';
  s.hidden = !msg;
}
const fail = (e) => status(e.message || String(e));

// ---- numbers and dates ----

// Every number of the data comes from the API with its text (figure_text,
// value_text, median_text, i50_text, i90_text: the server's one formatting,
// include/tally/number.h); the axes' ticks, which only the chart knows,
// follow its rules (/api/meta's number_format): a scale from scale_from up
// with `digits` significant digits, commas from group_from.
const grouped = new Intl.NumberFormat('en', { maximumFractionDigits: 0 });
function fmt(v) {
  if (v === null || v === undefined) return '';
  const f = state.meta?.number_format, a = Math.abs(v);
  const sig = (x) => String(Number(x.toPrecision(f ? f.digits : 3)));
  if (!f || a < f.group_from) return sig(v);
  if (a < f.scale_from) return grouped.format(v);
  const [factor, suffix] = f.scales.find(([k]) => Number(a.toPrecision(f.digits)) >= k) || [1, ''];
  return (v < 0 ? '-' : '') + sig(a / factor) + suffix;
}

// A partial ISO date (YYYY, YYYY-MM, YYYY-MM-DD) as milliseconds, its first day.
function when(d) {
  if (!d) return NaN;
  const [y, m = 1, day = 1] = d.split('-').map(Number);
  return Date.UTC(y, m - 1, day);
}
const claimDate = (c) => c.as_of || c.stated || c.date || '';

const figure = (c) => c.figure_text;
const pair = (c) => `${c.supplier || '?'} → ${c.recipient || '?'}`;
const items = (c) => (Array.isArray(c.item) ? c.item.join(', ') : c.item || '');

// ---- claims, fetched once each ----

const claimCache = new Map();
function claim(id) {
  if (!claimCache.has(id)) claimCache.set(id, api('claims/' + id).catch((e) => { claimCache.delete(id); throw e; }));
  return claimCache.get(id);
}

// The sentence inside its paragraph: offsets are bytes of UTF-8.
function paragraphParts(c) {
  if (!c.paragraph || !Array.isArray(c.sentence_in_paragraph)) return null;
  const bytes = new TextEncoder().encode(c.paragraph);
  const dec = new TextDecoder();
  const [s, e] = c.sentence_in_paragraph;
  return [dec.decode(bytes.subarray(0, s)), dec.decode(bytes.subarray(s, e)), dec.decode(bytes.subarray(e))];
}

// ---- the claim panel ----

let panelReturn = null;
async function openClaim(id, echoes = [], plotted = '') {
  const panel = $('#claim');
  panelReturn = document.activeElement;
  let c;
  try { c = await claim(id); } catch (e) { return fail(e); }
  $('#claim-title').textContent = `${figure(c)} · ${pair(c)} · ${items(c)}`;
  const facts = [
    ['Kind', c.kind + (c.hedged ? ' (hedged)' : '')],
    ['Source', [c.source, c.source_detail && `(${c.source_detail})`, c.source_kind && `· ${c.source_kind}`, c.source_country && `· ${c.source_country}`].filter(Boolean).join(' ')],
    ['Stated', c.stated],
    ['Covers', [c.since && `since ${c.since}`, c.as_of && `as of ${c.as_of}`].filter(Boolean).join(', ')],
    ['Grade', c.grade ? gradeBadge(c.grade) : ''],
    ['Plotted as', plotted],
    ['Document', [c.title || (c.outlet ? '' : c.doc), c.outlet, c.date].filter(Boolean).join(' · ')],
    ['Note', c.note],
  ];
  showFacts(facts, c, 'A curated row of the public record: no text stored; see its URL.');
  const others = echoes.filter((e) => e !== id);
  $('#claim-echoes').replaceChildren(...(others.length ? [
    el('h3', {}, `Echoes in this cluster (${others.length})`),
    el('ul', {}, others.map((e) => el('li', {}, el('button', { type: 'button', class: 'link', onclick: () => openClaim(e, echoes) }, `claim ${e}`)))),
  ] : []));
  delete panel.dataset.event;
  panel.dataset.claim = id;
  panel.hidden = false;
  $('#claim-title').focus();
}
// The panel's facts, the URL of `r` (a claim or an event) as a link, and its
// paragraph with the sentence marked and its words (r.text) in bold; for a
// curated row, which has no text, `curated` says so.
function showFacts(facts, r, curated) {
  $('#claim-facts').replaceChildren(...facts.filter(([, v]) => v).flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]));
  if (r.url && /^https?:/.test(r.url))
    $('#claim-facts').append(el('dt', {}, 'URL'), el('dd', {}, el('a', { href: r.url, rel: 'noopener noreferrer', target: '_blank' }, r.url)));
  const parts = paragraphParts(r);
  const quote = $('#claim-text');
  if (parts) quote.replaceChildren(parts[0], markFigure(parts[1], r.text), parts[2]);
  else if (r.sentence) quote.replaceChildren(markFigure(r.sentence, r.text));
  else quote.replaceChildren(el('em', {}, curated));
}

// <mark> the sentence, and the figure's words in it in bold.
function markFigure(sentence, text) {
  const i = text ? sentence.indexOf(text) : -1;
  if (i < 0) return el('mark', {}, sentence);
  return el('mark', {}, sentence.slice(0, i), el('strong', {}, text), sentence.slice(i + text.length));
}
function closeClaim() {
  $('#claim').hidden = true;
  if (panelReturn && panelReturn.isConnected) panelReturn.focus();
}

// ---- the tooltip ----

function showTip(evt, lines) {
  const tip = $('#tip');
  tip.replaceChildren(...lines.filter(Boolean).map((l, i) => el(i === lines.length - 1 && lines.length > 2 ? 'q' : 'div', {}, l)));
  tip.hidden = false;
  const r = evt.currentTarget.getBoundingClientRect();
  const x = evt.clientX ?? r.left + r.width / 2, y = evt.clientY ?? r.top;
  const w = tip.offsetWidth, h = tip.offsetHeight;
  tip.style.left = Math.max(4, Math.min(window.innerWidth - w - 4, x + 12)) + window.scrollX + 'px';
  tip.style.top = (y + h + 16 > window.innerHeight ? y - h - 12 : y + 14) + window.scrollY + 'px';
}
const hideTip = () => { $('#tip').hidden = true; };

// ---- the timeline ----

const state = { meta: null, series: null, linear: false, flows: [], flowsItem: '', pairEvents: [] };

// A point's figure in the series' unit: [low, high]. A count in another unit
// is converted with the factor range the estimate used ("x 250-500 a container").
function pointRange(p, unit) {
  let lo = p.value, hi = p.value_high ?? p.value;
  if (p.unit && p.unit !== unit) {
    let a = p.factor_low, b = p.factor_high;
    const m = /^x ([\d.e+]+)-([\d.e+]+) a /.exec(p.how || '');
    if (a === undefined && m) [a, b] = [Number(m[1]), Number(m[2])];
    if (a !== undefined) { lo *= a; hi *= b; }
  }
  return [Math.min(lo, hi), Math.max(lo, hi)];
}

function scale(d0, d1, r0, r1, log) {
  const f = log ? Math.log10 : (v) => v;
  const a = f(d0), b = f(d1);
  const s = (v) => r0 + ((f(v) - a) / (b - a || 1)) * (r1 - r0);
  return s;
}

function timeTicks(t0, t1, px) {
  const y0 = new Date(t0).getUTCFullYear(), y1 = new Date(t1).getUTCFullYear();
  const perYear = px / Math.max(1, (t1 - t0) / 3.156e10);
  const step = perYear > 480 ? 1 : perYear > 200 ? 3 : perYear > 100 ? 6 : perYear > 40 ? 12 : 24;
  const ticks = [];
  for (let y = y0; y <= y1 + 1; y++)
    for (let m = 0; m < 12; m += Math.min(step, 12)) {
      if (step === 24 && y % 2) continue;
      const t = Date.UTC(y, m, 1);
      if (t >= t0 && t <= t1) ticks.push([t, m === 0 ? String(y) : new Date(t).toLocaleString('en', { month: 'short', timeZone: 'UTC' })]);
    }
  // the first tick says its year too ("Jul 2022", not "Jul")
  if (ticks.length && !/^\d{4}$/.test(ticks[0][1])) ticks[0][1] += ` ${new Date(ticks[0][0]).getUTCFullYear()}`;
  return ticks;
}

function valueTicks(lo, hi, log) {
  if (!log) {
    const raw = hi / 5, p = 10 ** Math.floor(Math.log10(raw)), step = [1, 2, 5, 10].map((k) => k * p).find((s) => s >= raw);
    const t = [];
    for (let v = 0; v <= hi; v += step) t.push(v);
    return t;
  }
  const t = [];
  const decades = Math.log10(hi / lo);
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++)
    for (const k of decades < 3 ? [1, 2, 5] : [1]) { const v = k * 10 ** e; if (v >= lo && v <= hi) t.push(v); }
  return t;
}

function drawTimeline() {
  const box = $('#timeline');
  const s = state.series;
  if (!s) return box.replaceChildren();
  const W = Math.max(280, box.clientWidth), H = Math.round(Math.min(440, Math.max(260, W * 0.45))) + LANE;
  const M = { l: 52, r: 14, t: 14, b: 30 + LANE };
  const log = !state.linear;
  const pts = s.points.map((p) => ({ p, t: when(p.date), r: pointRange(p, s.unit) }));
  const est = s.estimates.map((e) => ({ ...e, t: when(e.date) }));
  const times = [when(s.start), ...est.map((e) => e.t), ...pts.map((x) => x.t)].filter(Number.isFinite);
  let t0 = Math.min(...times), t1 = Math.max(...times);
  if (t1 - t0 < 8.64e7 * 60) { t0 -= 8.64e7 * 30; t1 += 8.64e7 * 30; }
  const vals = [...est.flatMap((e) => [e.q05, e.q95]), ...pts.flatMap((x) => x.r)].filter((v) => v > 0);
  let v1 = Math.max(1, ...vals) * (log ? 1.6 : 1.08);
  let v0 = log ? Math.max(Math.min(...vals, v1) / 1.6, v1 / 1e7) : 0;
  if (log && v1 / v0 < 10) v0 = v1 / 10;
  const x = scale(t0, t1, M.l, W - M.r, false);
  const yy = scale(v0, v1, H - M.b, M.t, log);
  const y = (v) => Math.max(M.t - 4, Math.min(H - M.b + 4, yy(log ? Math.max(v, v0) : v)));

  const root = svg('svg', { viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: 'group', 'aria-label': `Timeline of ${s.supplier} to ${s.recipient}, ${s.item}, in ${s.unit}` });
  const axes = svg('g', { class: 'axes' });
  for (const v of valueTicks(v0, v1, log))
    axes.append(svg('line', { x1: M.l, x2: W - M.r, y1: y(v), y2: y(v), class: 'grid' }),
      svg('text', { x: M.l - 6, y: y(v) + 4, 'text-anchor': 'end' }, fmt(v)));
  for (const [t, label] of timeTicks(t0, t1, W - M.l - M.r))
    axes.append(svg('line', { x1: x(t), x2: x(t), y1: H - M.b, y2: H - M.b + 5 }),
      svg('text', { x: x(t), y: H - M.b + 18, 'text-anchor': 'middle' }, label));
  axes.append(svg('line', { x1: M.l, x2: W - M.r, y1: H - M.b, y2: H - M.b }),
    svg('text', { x: M.l, y: M.t - 2, class: 'unit' }, s.unit + (log ? ' (log scale)' : '')));
  root.append(axes);

  // the span of the evidence solid; after the last evidence (extrapolated at
  // the recent rate) the bands lighter and the median dashed
  const draw = (part, extra) => {
    if (!part.length) return;
    const band = (lo, hi, cls) => svg('path', {
      class: cls + extra,
      d: 'M' + part.map((e) => `${x(e.t).toFixed(1)},${y(e[hi]).toFixed(1)}`).join('L') +
        'L' + part.slice().reverse().map((e) => `${x(e.t).toFixed(1)},${y(e[lo]).toFixed(1)}`).join('L') + 'Z',
    });
    root.append(band('q05', 'q95', 'band90'), band('q25', 'q75', 'band50'),
      svg('path', { class: 'median' + extra, d: 'M' + part.map((e) => `${x(e.t).toFixed(1)},${y(e.median).toFixed(1)}`).join('L') }));
  };
  const k = est.findIndex((e) => e.extrapolated);
  const solid = k < 0 ? est : est.slice(0, k);
  draw(solid, '');
  if (k >= 0) draw(est.slice(Math.max(0, k - 1)), ' extrapolated');

  const marks = svg('g', { class: 'marks' });
  // echo counts ("×3") placed so that none overlaps another or passes the
  // right edge: the largest first, each moved up or left of its mark when
  // taken, else left out (its mark's label and tooltip still say it)
  const labels = [], placed = [];
  for (const { p, t, r } of pts) {
    const m = pointMark(p, x(t), y(r[0]), y(r[1]), s.unit);
    marks.append(m);
    if (p.claims.length > 1) labels.push({ n: p.claims.length, cx: x(t), cy: (y(r[0]) + y(r[1])) / 2, m });
  }
  labels.sort((a, b) => b.n - a.n || a.cx - b.cx);
  for (const l of labels) {
    const w = 7 * String(l.n).length + 9, h = 11;
    const spots = [[l.cx + 7, l.cy - 6], [l.cx + 7, l.cy - 17], [l.cx - 7 - w, l.cy - 6], [l.cx - 7 - w, l.cy + 13], [l.cx + 7, l.cy + 13]];
    const at = spots.find(([lx, ly]) => lx >= 0 && lx + w <= W - 2 &&
      !placed.some((o) => lx < o.x + o.w && o.x < lx + w && ly - h < o.y && o.y - h < ly));
    if (!at) continue;
    placed.push({ x: at[0], y: at[1], w });
    l.m.append(svg('text', { x: at[0], y: at[1], class: 'echoes' }, `×${l.n}`));
  }
  root.append(marks);

  // the events of the pair dated within the span, in a lane under the axis
  const lane = svg('g', { class: 'events-lane' });
  const ly = H - LANE / 2 + 2;
  lane.append(svg('text', { x: 4, y: ly + 4, class: 'lane-label' }, 'events'));
  const seen = new Map();
  for (const e of state.pairEvents) {
    const t = when(eventDate(e));
    if (!(t >= t0 && t <= t1)) continue;
    const cx = x(t), k = Math.round(cx / 6);
    const n = seen.get(k) || 0; // events on one spot stack up a little
    seen.set(k, n + 1);
    lane.append(eventMark(e, cx, ly - Math.min(n, 3) * 5));
  }
  root.append(lane);
  box.replaceChildren(root);
}

// ---- events (/api/events): their icons, marks and panel ----

const LANE = 28; // the timeline's lane of events, in px
const eventDate = (e) => e.date || e.stated || '';
// One icon a PLOVER type (EVENTS.md); the family sets the colour.
const EVENT_TYPES = {
  AGREE: ['✎', 'coop'], CONSULT: ['◆', 'coop'], SUPPORT: ['★', 'coop'], CONCEDE: ['↧', 'coop'],
  COOPERATE: ['⇄', 'coop'], AID: ['▶', 'aid'], RETREAT: ['↩', 'coop'], REQUEST: ['?', 'conflict'],
  ACCUSE: ['!', 'conflict'], REJECT: ['✕', 'conflict'], THREATEN: ['⚠', 'conflict'], PROTEST: ['✊', 'conflict'],
  SANCTION: ['⊘', 'conflict'], MOBILIZE: ['⇑', 'conflict'], COERCE: ['⊗', 'conflict'], ASSAULT: ['✸', 'conflict'],
};
const EVENT_MODES = ['visit', 'phone', 'multilateral', 'third-party', 'vote', 'recognition', 'treaty', 'military',
  'economic', 'humanitarian', 'debt-relief', 'gift', 'personnel', 'diplomatic', 'disapprove', 'allege', 'assist',
  'change', 'restrict'];
const eventWhat = (e) => `${e.type}${e.mode ? ' (' + e.mode + ')' : ''}${e.aux ? ' · ' + e.aux : ''}`;
const eventPair = (e) => `${e.actor || '?'} → ${e.recipient || '?'}`;

function eventMark(e, cx, cy) {
  const [icon, family] = EVENT_TYPES[e.type] || ['•', 'coop'];
  const g = svg('g', {
    class: `event-mark ${family}`, tabindex: 0, role: 'button', 'data-id': e.id, 'data-type': e.type,
    'data-date': eventDate(e), 'aria-label': `${eventWhat(e)}, ${eventPair(e)}, ${eventDate(e)}`,
  });
  g.append(svg('circle', { cx, cy, r: 8 }), svg('text', { x: cx, y: cy + 4, 'text-anchor': 'middle' }, icon));
  const tip = (evt) => showTip(evt, [`${eventWhat(e)} · ${eventPair(e)}`,
    [eventDate(e), e.source, e.curated ? 'curated' : e.doc].filter(Boolean).join(' · '),
    e.sentence || e.about || e.url || '']);
  g.addEventListener('pointerenter', tip);
  g.addEventListener('focus', tip);
  g.addEventListener('pointerleave', hideTip);
  g.addEventListener('blur', hideTip);
  const open = () => { hideTip(); openEvent(e.id); };
  g.addEventListener('click', open);
  g.addEventListener('keydown', (k) => { if (k.key === 'Enter' || k.key === ' ') { k.preventDefault(); open(); } });
  return g;
}

// The panel of one event: its facts, and its paragraph with the sentence
// marked and the trigger in bold (a curated row has only its URL).
async function openEvent(id) {
  const panel = $('#claim');
  panelReturn = document.activeElement;
  let e;
  try { e = await api('events/' + id); } catch (err) { return fail(err); }
  $('#claim-title').textContent = `${eventWhat(e)} · ${eventPair(e)}`;
  const facts = [
    ['Date', eventDate(e)],
    ['About', e.about],
    ['Context', (e.context || []).join(', ')],
    ['Source', e.source + (e.hedged ? ' (hedged)' : '')],
    ['Stated', e.stated],
    ['Document', e.doc],
    ['Note', e.note],
  ];
  showFacts(facts, e, 'A curated row of the relations record: no text stored; see its URL.');
  $('#claim-echoes').replaceChildren();
  delete panel.dataset.claim;
  panel.dataset.event = id;
  panel.hidden = false;
  $('#claim-title').focus();
}

// The events of the shown pair, both ways: all of them for the timeline,
// and those passing the panel's filters for its table. A request that would
// show what is shown (or on its way) already is not made: the "change" an
// input fires on blur, after its "input" has reloaded the table, would
// otherwise redraw the rows under the click that blurred it, and the click
// would be lost (a mousedown on one button, its mouseup on its replacement).
let eventsSeq = 0, eventsKey = '';
async function loadPairEvents({ pairChanged = false } = {}) {
  const s = state.series;
  const filters = eventFilters(), query = new URLSearchParams(filters).toString();
  const key = s ? `${s.supplier}|${s.recipient}|${query}|${knownBy()}` : '';
  if (!pairChanged && key === eventsKey) return;
  eventsKey = key;
  const seq = ++eventsSeq;
  if (!s) { state.pairEvents = []; return renderEvents([]); }
  const pairArgs = { actor: s.supplier, recipient: s.recipient, both_ways: 1, limit: 1000, known_by: knownBy() };
  try {
    const [all, shown] = await Promise.all([api('events', pairArgs), api('events', { ...pairArgs, ...filters })]);
    if (seq !== eventsSeq) return;
    state.pairEvents = all.events;
    drawTimeline();
    renderEvents(shown.events, shown.more);
    // what the table shows, for anyone waiting on it (the browser tests)
    $('#events').dataset.filters = query;
  } catch (err) {
    if (seq !== eventsSeq) return;
    eventsKey = ''; // a failed load is tried again on the next change
    fail(err);
  }
}

function eventFilters() {
  const f = {};
  for (const e of $('#event-filters').elements)
    if (e.name && e.value.trim() && e.checkValidity()) f[e.name] = e.value.trim();
  return f;
}

function renderEvents(events, more = false) {
  const s = state.series;
  $('#events-pair').textContent = s ? `${s.supplier} ⇄ ${s.recipient}` : '';
  $('#events tbody').replaceChildren(...events.map((e) => el('tr', { 'data-id': e.id, 'data-type': e.type },
    el('td', {}, eventDate(e)),
    el('td', {}, el('span', { class: 'event-icon ' + (EVENT_TYPES[e.type] || ['', 'coop'])[1], 'aria-hidden': 'true' }, (EVENT_TYPES[e.type] || ['•'])[0]), ' ', eventWhat(e)),
    el('td', {}, eventPair(e)),
    el('td', {}, e.text ? e.text : e.about || ''),
    el('td', {}, e.source || ''),
    el('td', {}, el('button', { type: 'button', class: 'link', onclick: () => openEvent(e.id), title: e.sentence || e.url || '' }, e.curated ? 'curated record' : e.doc)))));
  const by = knownBy();
  $('#events-count').textContent = `${events.length} events of the pair${more ? ' (the first 1000)' : ''}${by ? `, stated by ${by}` : ''}`;
}

function pointMark(p, cx, ylo, yhi, unit) {
  const n = p.claims.length;
  const ymid = (ylo + yhi) / 2;
  const g = svg('g', {
    class: 'mark', tabindex: 0, role: 'button', 'data-bound': p.bound, 'data-lead': p.lead ?? p.claims[0],
    'data-cluster': p.cluster ?? '', 'data-echoes': n,
    'aria-label': `${p.bound} ${p.value_text}, ${p.source}, ${p.date}${n > 1 ? `, ${n} claims` : ''}`,
  });
  const glyph = svg('g', { class: 'glyph' });
  if (ylo - yhi > 2) glyph.append(svg('rect', { x: cx - 2.5, y: yhi, width: 5, height: ylo - yhi, rx: 2 }));
  if (p.bound !== 'range' || ylo - yhi <= 2) glyph.append(svg('circle', { cx, cy: ymid, r: 4.5 }));
  if (p.bound === 'lower bound') glyph.append(svg('path', { class: 'caret', d: `M${cx - 5},${yhi - 4}L${cx},${yhi - 11}L${cx + 5},${yhi - 4}` }));
  if (p.bound === 'upper bound') glyph.append(svg('path', { class: 'caret', d: `M${cx - 5},${ylo + 4}L${cx},${ylo + 11}L${cx + 5},${ylo + 4}` }));
  g.append(svg('rect', { class: 'hit', x: cx - 9, y: yhi - 12, width: 18, height: ylo - yhi + 24 }), glyph);

  const lead = p.lead ?? p.claims[0];
  const tip = async (evt) => {
    const head = `${p.source} (${p.grade}) · ${p.bound} ${p.value_text}` + (p.unit !== unit ? ` · ${p.how}` : '');
    showTip(evt, [head, p.date + (n > 1 ? ` · ${n} claims (echoes)` : '')]);
    try {
      const c = await claim(lead);
      if ($('#tip').hidden) return;
      showTip(evt, [head, [c.outlet || c.title || c.doc, c.stated || c.date].filter(Boolean).join(' · ') + (n > 1 ? ` · ${n} claims` : ''),
        c.sentence || (c.url ? `curated: ${c.url}` : 'curated row')]);
    } catch (e) { /* the tooltip keeps what it has */ }
  };
  g.addEventListener('pointerenter', tip);
  g.addEventListener('focus', tip);
  g.addEventListener('pointerleave', hideTip);
  g.addEventListener('blur', hideTip);
  // the panel says how the point was plotted: its value in the series' unit
  // and, for a converted figure, the factor range used
  const plotted = `${p.bound} ${p.value_text}` + (p.unit !== unit ? ` (converted: ${p.how})` : '') + ` on ${p.date}`;
  const open = () => { hideTip(); openClaim(lead, p.claims, plotted); };
  g.addEventListener('click', open);
  g.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); open(); } });
  return g;
}

// ---- picking a series ----

const keyOf = (s) => [s.supplier, s.recipient, s.item, s.unit].join('/');

function fillPickers(want) {
  const all = state.meta.series;
  const opt = (v, label = v) => el('option', { value: v }, label);
  const sup = $('#pick-supplier'), rec = $('#pick-recipient'), item = $('#pick-item');
  const uniq = (a) => [...new Set(a)].sort();
  sup.replaceChildren(...uniq(all.map((s) => s.supplier)).map((v) => opt(v)));
  sup.value = want.supplier;
  if (!sup.value) sup.selectedIndex = 0;
  rec.replaceChildren(...uniq(all.filter((s) => s.supplier === sup.value).map((s) => s.recipient)).map((v) => opt(v)));
  rec.value = want.recipient;
  if (!rec.value) rec.selectedIndex = 0;
  const its = all.filter((s) => s.supplier === sup.value && s.recipient === rec.value);
  item.replaceChildren(...its.map((s) => opt(s.item + '|' + s.unit, `${s.item} (${s.unit}, ${s.clusters} clusters)`)));
  item.value = want.item + '|' + want.unit;
  if (!item.value) item.selectedIndex = Math.max(0, its.findIndex((s) => s.item === want.item));
}

function currentPick() {
  const [item, unit] = $('#pick-item').value.split('|');
  return { supplier: $('#pick-supplier').value, recipient: $('#pick-recipient').value, item, unit };
}

let seriesSeq = 0;
async function selectSeries(want) {
  fillPickers(want);
  const pick = currentPick(), seq = ++seriesSeq;
  // known by a date at which the series had no claim yet (the flows of
  // that date say so): a clear empty state, not a request that must fail
  const by = knownBy();
  if (by && state.flowsBy === by && !state.flows.some((f) => keyOf(f) === keyOf(pick))) {
    state.series = null;
    $('#series-headline').replaceChildren();
    $('#series-summary').textContent = `No claim that counts for ${pick.supplier} → ${pick.recipient}, ${pick.item} was stated by ${by}.`;
    drawTimeline();
    updatePermalink();
    loadPairEvents({ pairChanged: true });
    return;
  }
  $('#series-summary').textContent = 'Loading…';
  try {
    const s = await api('series', { ...pick, known_by: knownBy() });
    if (seq !== seriesSeq) return;
    state.series = s;
    const last = s.estimates[s.estimates.length - 1];
    // the headline (the server's words): the number by its date, the
    // intervals in words, and the independent sources behind it
    const h = s.headline, head = $('#series-headline');
    head.replaceChildren(...(h ? [el('strong', {}, h.number), el('br'), `${h.range}; ${h.backing}`] : []));
    $('#series-summary').textContent = `${s.supplier} → ${s.recipient}, ${s.item}, in ${s.unit}: ${s.points.length} clusters since ${s.start}` +
      (last ? `; ${last.date}: median ${last.median_text} (50 %: ${last.i50_text}; 90 %: ${last.i90_text})` +
        (last.extrapolated ? `, extrapolated after the last evidence (${s.last_evidence}) at the recent rate` : '') : '') +
      (s.start_why ? `; 0 until ${s.start}: ${s.start_why}` : '') +
      (s.known_by ? `; known by ${s.known_by}` : '');
    drawTimeline();
    updatePermalink();
    loadPairEvents({ pairChanged: true });
  } catch (e) {
    if (seq !== seriesSeq) return;
    state.series = null;
    $('#series-summary').textContent = '';
    $('#series-headline').replaceChildren();
    drawTimeline();
    loadPairEvents({ pairChanged: true });
    fail(e);
  }
}

// ---- flows: one chart a unit, like compared with like ----
//
// Each unit (rounds, containers, people, US dollars...) has its own chart:
// one bar a series, ranked by median, drawn to the same linear scale as the
// others of its unit only (never widths across units), with its 50 % and
// 90 % intervals, the unit in its heading, and every series shown. Units
// go by family: counts, people, money, weights and volumes, carriers, shares.

const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#17becf', '#7f7f7f', '#bcbd22'];
// one colour a supplier, the same in every chart
const supplierColor = (() => { const m = new Map(); return (s) => { if (!m.has(s)) m.set(s, PALETTE[m.size % PALETTE.length]); return m.get(s); }; })();
const FAMILY_ORDER = ['count', 'people', 'money', 'measure', 'carrier', 'share', 'other'];
const FAMILY_NAME = { count: 'munitions and weapons', people: 'people', money: 'money', measure: 'weights and volumes', carrier: 'carriers', share: 'shares', other: 'other units' };

function drawFlows() {
  const box = $('#flows');
  const rows = state.flows.filter((f) => !state.flowsItem || f.item === state.flowsItem);
  if (!rows.length) {
    const by = knownBy();
    box.replaceChildren(el('p', { class: 'empty' }, by ? `No series: no claim that counts for one was stated by ${by}.` : 'No series yet.'));
    return;
  }
  const groups = new Map();
  for (const f of rows) { if (!groups.has(f.unit)) groups.set(f.unit, []); groups.get(f.unit).push(f); }
  const order = [...groups.entries()].sort(([ua, a], [ub, b]) =>
    FAMILY_ORDER.indexOf(a[0].unit_family) - FAMILY_ORDER.indexOf(b[0].unit_family) || b.length - a.length || (ua < ub ? -1 : 1));
  const W = Math.max(280, box.clientWidth), rowH = 26, labelW = Math.min(210, Math.round(W * 0.42)), textW = 86;
  const x0 = labelW + 6, x1 = W - textW - 6;
  box.replaceChildren(...order.map(([unit, fs]) => {
    fs.sort((a, b) => b.median - a.median || keyOf(a).localeCompare(keyOf(b)));
    const top = Math.max(...fs.map((f) => f.q95 || f.median || 0), 1);
    const x = (v) => x0 + (x1 - x0) * Math.max(0, v) / top;
    const H = fs.length * rowH + 20;
    const name = fs[0].unit_name || unit;
    const root = svg('svg', { viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: 'list', 'aria-label': `Series in ${name}, by median` });
    fs.forEach((f, i) => {
      const y = i * rowH + 4, mid = y + rowH / 2 - 2;
      const label = `${f.supplier} → ${f.recipient}, ${f.item}: median ${f.median_text} (50 %: ${f.i50_text}; 90 %: ${f.i90_text}) at ${f.date}${f.extrapolated ? ', extrapolated' : ''}, ${f.clusters} clusters`;
      const g = svg('g', { class: 'flow-row', role: 'listitem' });
      const bar = svg('g', {
        class: 'flow', 'data-series': keyOf(f), tabindex: 0, role: 'button', 'aria-label': label,
        onclick: () => pickFlow(f), onkeydown: (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); pickFlow(f); } },
      }, svg('title', {}, label),
      svg('rect', { class: 'hit', x: 0, y, width: W, height: rowH - 2 }),
      svg('text', { x: labelW, y: mid + 4, 'text-anchor': 'end', class: 'flow-name' }, `${f.supplier} → ${f.recipient} ${f.item}`),
      svg('line', { class: 'i90', x1: x(f.q05), x2: x(f.q95), y1: mid, y2: mid }),
      svg('rect', { class: 'i50', x: x(f.q25), y: mid - 5, width: Math.max(1, x(f.q75) - x(f.q25)), height: 10 }),
      svg('rect', { class: 'bar' + (f.extrapolated ? ' extrapolated' : ''), x: x0, y: mid - 2, width: Math.max(1, x(f.median) - x0), height: 4, fill: supplierColor(f.supplier) }),
      svg('circle', { class: 'med', cx: x(f.median), cy: mid, r: 3.5, fill: supplierColor(f.supplier) }),
      svg('text', { x: W - 4, y: mid + 4, 'text-anchor': 'end', class: 'flow-value' }, f.median_text));
      g.append(bar);
      root.append(g);
    });
    root.append(svg('line', { class: 'axis', x1: x0, x2: x0, y1: 0, y2: H - 16 }),
      svg('text', { x: x0, y: H - 4, class: 'tick' }, '0'),
      svg('text', { x: x1, y: H - 4, 'text-anchor': 'end', class: 'tick' }, fmt(top)));
    return el('figure', { class: 'flow-group', 'data-unit': unit },
      el('figcaption', {}, el('strong', {}, name[0].toUpperCase() + name.slice(1)), ` (${FAMILY_NAME[fs[0].unit_family] || fs[0].unit_family}): `,
        `${fs.length} series, each at its last evidence or the known-by date; bars: `,
        el('a', { class: 'term', href: '/method#term-estimate' }, 'median'), ', box: 50 %, line: 90 %'),
      root);
  }));
}

function pickFlow(f) {
  selectSeries(f);
  $('#series-view').scrollIntoView({ behavior: 'smooth', block: 'start' });
}

// ---- partners: a state's partners ranked, with intervals and rank odds ----

const partners = { rows: [], open: new Set(), seq: 0 };
const ORD = ['1st', '2nd', '3rd'];
const ordinal = (k) => ORD[k] || `${k + 1}th`;

async function loadPartners() {
  const seq = ++partners.seq;
  const params = { state: $('#partners-state').value, direction: $('#partners-direction').value, by: $('#partners-by').value, known_by: knownBy() };
  if (!params.state) return;
  try {
    const rows = await api('rank', params);
    if (seq !== partners.seq) return;
    partners.rows = rows;
    drawPartners();
  } catch (e) {
    if (seq !== partners.seq) return;
    partners.rows = [];
    drawPartners();
    $('#partners-summary').textContent = e.message;
  }
}

function partText(p) {
  if (!p.counted) return `${p.item} in ${p.unit}: not counted, ${p.lacks}`;
  const price = p.price_low !== undefined && p.unit !== 'USD' && p.unit !== 'percent' && (p.price_low !== 1 || p.price_high !== 1)
    ? ` × ${fmt(p.price_low)}–${fmt(p.price_high)} = ${p.value.median_text} (90 %: ${p.value.i90_text})` : '';
  return `${p.item}: ${p.quantity.median_text} (90 %: ${p.quantity.i90_text}) at ${p.at}${price}`;
}

function drawPartners() {
  const box = $('#partners');
  const ranked = partners.rows.filter((r) => r.ranked), unranked = partners.rows.filter((r) => !r.ranked);
  const first = partners.rows[0];
  $('#partners-summary').textContent = !first ? 'No partner.' :
    `${first.state}: ${ranked.length} partner${ranked.length === 1 ? '' : 's'} ranked by ${first.by}` +
    `${first.by === 'value' ? ` in ${first.price_year} US dollars` : ''} on ${first.date}; ${unranked.length} not ranked.`;
  const W = Math.max(280, box.clientWidth), labelW = Math.min(130, W * 0.3), oddsW = Math.min(150, W * 0.3);
  const x0 = labelW + 6, x1 = W - oddsW - 6, rowH = 30;
  const hi = Math.max(1e-9, ...ranked.map((r) => r.total.q95));
  const x = (v) => x0 + (x1 - x0) * Math.max(0, v) / hi;
  const list = el('ol', { class: 'partners-list' });
  for (const r of ranked) {
    const k = r.rank - 1;
    const label = `${r.name}: rank ${r.rank} with probability ${r.p_rank[k].toFixed(2)}; median ${r.total.median_text}, 90 %: ${r.total.i90_text}`;
    const bar = svg('svg', { viewBox: `0 0 ${W} ${rowH}`, width: W, height: rowH, role: 'img', 'aria-label': label },
      svg('text', { x: labelW, y: rowH / 2 + 4, 'text-anchor': 'end' }, `${r.rank}. ${r.name}`),
      svg('rect', { class: 'band90', x: x(r.total.q05), y: 6, width: Math.max(1, x(r.total.q95) - x(r.total.q05)), height: rowH - 12 }),
      svg('rect', { class: 'band50', x: x(r.total.q25), y: 9, width: Math.max(1, x(r.total.q75) - x(r.total.q25)), height: rowH - 18 }),
      svg('line', { class: 'median', x1: x(r.total.median), x2: x(r.total.median), y1: 4, y2: rowH - 4 }),
      svg('text', { class: 'odds', x: x1 + 6, y: rowH / 2 + 4 }, r.p_rank.slice(0, 3).map((p, i) => `${ordinal(i)} ${p.toFixed(2)}`).join(' ')));
    const open = partners.open.has(r.partner);
    const parts = el('ul', { class: 'parts', hidden: !open }, ...r.parts.map((p) => el('li', { class: p.counted ? 'part' : 'part lacks' }, partText(p))));
    const toggle = () => {
      if (partners.open.has(r.partner)) partners.open.delete(r.partner); else partners.open.add(r.partner);
      parts.hidden = !partners.open.has(r.partner);
      row.setAttribute('aria-expanded', String(!parts.hidden));
    };
    const row = el('div', { class: 'partner', 'data-partner': r.partner, tabindex: 0, role: 'button', 'aria-expanded': String(open), title: label,
      onclick: toggle, onkeydown: (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); toggle(); } } }, bar);
    list.append(el('li', { class: 'partner-row' }, row, parts));
  }
  box.replaceChildren(list);
  $('#partners-unranked').replaceChildren(...unranked.map((r) => el('li', { class: 'unranked', 'data-partner': r.partner },
    `${r.name}: not ranked, ${r.lacks}`)));
}

// ---- the claims table ----

const table = { rows: [], offset: 0, more: false, sort: { key: 'date', dir: 1 }, seq: 0, key: null };
const PAGE = 100;

function filters() {
  const f = {};
  for (const e of $('#filters').elements) {
    if (!e.name) continue;
    const v = ['supplier', 'recipient'].includes(e.name) ? e.value.trim().toUpperCase() : e.value.trim();
    if (v && e.checkValidity()) f[e.name] = v;
  }
  if (knownBy()) f.known_by = knownBy();
  return f;
}

// A change of the filters reloads the table, unless it shows (or is about to
// show) those filters already: see loadPairEvents.
async function loadClaims(append = false) {
  const f = filters(), key = new URLSearchParams(f).toString();
  if (!append && key === table.key) return;
  table.key = key;
  const seq = ++table.seq;
  const offset = append ? table.offset : 0;
  try {
    const r = await api('claims', { ...f, offset, limit: PAGE });
    if (seq !== table.seq) return;
    table.rows = append ? table.rows.concat(r.claims) : r.claims;
    table.offset = offset + r.claims.length;
    table.more = r.more;
    status('');
    renderClaims();
    updatePermalink();
  } catch (e) {
    if (seq !== table.seq) return;
    table.key = null; // tried again on the next change
    fail(e);
  }
}

const sortKey = {
  date: claimDate, pair, item: items, kind: (c) => c.kind, source: (c) => (c.source || '').toLowerCase(),
  // figures by unit first (rounds apart from dollars), then by size
  value: (c) => [c.unit || '', c.low ?? c.high ?? 0], doc: (c) => (c.title || c.outlet || c.doc || '').toLowerCase(),
  grade: (c) => c.grade || '?',
};

// A source's grade as a link to what it means (/method), its meaning from
// /api/meta in its title.
function gradeBadge(g, long = true) {
  if (!g) return '';
  const meaning = (state.meta?.grades || []).find((x) => x.grade === g)?.meaning;
  return el('a', { class: `grade grade-${g}`, href: `/method#grade-${g}`, title: meaning ? `grade ${g}: ${meaning}` : `grade ${g}` },
    long ? `grade ${g}` : g);
}

// A document by title and outlet; one without a title (a curated record's
// row) by its outlet and date, never by a fragment of its URL.
const docLabel = (c) => (c.title ? [c.title, c.outlet] : c.outlet ? [c.outlet, c.date] : [c.doc]).filter(Boolean).join(' · ');

// Sort keys compared: arrays element by element, else by < and >.
function compareKeys(x, y) {
  if (Array.isArray(x)) {
    for (let i = 0; i < x.length; i++) { const c = compareKeys(x[i], y[i]); if (c) return c; }
    return 0;
  }
  return x < y ? -1 : x > y ? 1 : 0;
}

// A table cell with its column's name (the card layout under 600 px shows
// it), and a blank explained: a dash whose title says why it is empty.
function cell(label, value, why, attrs = {}) {
  const empty = value === '' || value === null || value === undefined;
  return el('td', { 'data-label': label, ...attrs },
    empty ? el('span', { class: 'blank', title: why }, '—', el('span', { class: 'why' }, ` ${why}`)) : value);
}

function renderClaims() {
  const { key, dir } = table.sort;
  const k = sortKey[key];
  const rows = table.rows.slice().sort((a, b) => (compareKeys(k(a), k(b)) || a.id - b.id) * dir);
  for (const th of $('#claims thead').querySelectorAll('th'))
    if (th.dataset.key === key) th.setAttribute('aria-sort', dir > 0 ? 'ascending' : 'descending'); else th.removeAttribute('aria-sort');
  $('#claims tbody').replaceChildren(...rows.map((c) => el('tr', { 'data-id': c.id },
    cell('Date', claimDate(c), 'undated: neither the claim nor its document says when'),
    cell('Supplier → recipient', pair(c), ''),
    cell('Item', items(c), 'no item named: a figure for the supply as a whole'),
    cell('Kind', c.kind, ''),
    cell('Figure', figure(c), '', { class: 'num' }),
    cell('Source', c.source, 'no source named: the document states it on its own authority'),
    cell('Grade', gradeBadge(c.grade, false), 'not graded'),
    cell('Document', el('button', { type: 'button', class: 'link', onclick: () => openClaim(c.id), title: c.sentence || c.url || '' }, docLabel(c)), ''))));
  const by = knownBy();
  $('#claims-count').textContent = !rows.length && by ? `No claim passing the filters was stated by ${by}.`
    : `${rows.length} claims shown${table.more ? ' (more below)' : ''}${by ? `, stated by ${by}` : ''}`;
  $('#more').hidden = !table.more;
}

// The CSV's columns are the server's claim fields, in its CSV order (/api/meta).
const csvColumns = () => (state.meta?.fields || []).map((f) => f.key);
// One CSV field. A number stays a number (-3 is no formula). Text that a
// spreadsheet would evaluate, starting with = + - @ tab or CR (OWASP's rule),
// is quoted with an apostrophe first, as the command line's CSV does
// (tally_present_csv_cell): a source or title anyone may have written.
const csvCell = (v) => {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  const s = Array.isArray(v) ? v.join(';') : String(v);
  if (/^[=+\-@\t\r]/.test(s)) return `"'${s.replace(/"/g, '""')}"`;
  return /[",\n\r]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
};

// Every claim that passes the filters (not only the rows loaded), as CSV.
async function downloadCsv() {
  const btn = $('#csv');
  btn.disabled = true;
  try {
    const all = [];
    for (let offset = 0; ; offset += 1000) {
      const r = await api('claims', { ...filters(), offset, limit: 1000 });
      all.push(...r.claims);
      if (!r.more || !r.claims.length) break;
    }
    const cols = csvColumns();
    const text = [cols.join(','), ...all.map((c) => cols.map((k) => csvCell(c[k])).join(','))].join('\r\n') + '\r\n';
    save(new Blob([text], { type: 'text/csv' }), 'tally-claims.csv');
  } catch (e) { fail(e); } finally { btn.disabled = false; }
}

// Hands `blob` to the browser as a download named `name`.
function save(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = el('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

// ---- exports, permalink, citation ----

const seriesName = (s) => `tally-${s.supplier}-${s.recipient}-${s.item}-${s.unit}`;

// The shown series' monthly estimates as CSV (the columns of tally estimate
// --format csv), or the whole /api/series answer as JSON.
function exportSeries(kind) {
  const s = state.series;
  if (!s) return;
  if (kind === 'json')
    return save(new Blob([JSON.stringify(s, null, 1) + '\n'], { type: 'application/json' }), seriesName(s) + '.json');
  const rows = s.estimates.map((q) => [q.date, q.q05, q.q25, q.median, q.q75, q.q95, q.extrapolated].join(','));
  save(new Blob(['date,q05,q25,median,q75,q95,extrapolated\r\n' + rows.join('\r\n') + '\r\n'], { type: 'text/csv' }), seriesName(s) + '.csv');
}

// The timeline as a standalone SVG: a copy with the page's rules that apply
// to it in a <style> of its own.
function chartSvg() {
  const svgEl = $('#timeline svg');
  if (!svgEl) return null;
  const copy = svgEl.cloneNode(true);
  copy.setAttribute('xmlns', NS);
  const rules = [];
  for (const sheet of document.styleSheets)
    for (const rule of sheet.cssRules)
      if (rule.selectorText && svgEl.querySelector(rule.selectorText.split(',').map((x) => x.trim().replace(/^#timeline\s*/, '') || '*').join(',')))
        rules.push(rule.cssText.replace(/#timeline\s*/g, ''));
  copy.prepend(svg('style', {}, 'text{font:11px system-ui,sans-serif}' + rules.join('')));
  return new XMLSerializer().serializeToString(copy);
}

function exportChart(kind) {
  const text = chartSvg(), s = state.series;
  if (!text || !s) return;
  const blob = new Blob([text], { type: 'image/svg+xml' });
  if (kind === 'svg') return save(blob, seriesName(s) + '.svg');
  // PNG: the SVG drawn on a canvas at twice its size
  const box = $('#timeline svg').viewBox.baseVal, img = new Image(), url = URL.createObjectURL(blob);
  img.onload = () => {
    const c = el('canvas', { width: box.width * 2, height: box.height * 2 });
    const g = c.getContext('2d');
    g.fillStyle = '#fff';
    g.fillRect(0, 0, c.width, c.height);
    g.drawImage(img, 0, 0, c.width, c.height);
    URL.revokeObjectURL(url);
    c.toBlob((png) => save(png, seriesName(s) + '.png'), 'image/png');
  };
  img.onerror = () => { URL.revokeObjectURL(url); fail(new Error('the chart could not be drawn as PNG')); };
  img.src = url;
}

// The page's whole state in its address: the series, the date it is known
// by and the claims table's filters (#PRK/RUS/item/unit?known_by=...&f.kind=...).
function permalinkHash() {
  const q = new URLSearchParams();
  if (knownBy()) q.set('known_by', knownBy());
  for (const e of $('#filters').elements) if (e.name && e.value.trim()) q.set('f.' + e.name, e.value.trim());
  const pick = state.series ? keyOf(state.series) : keyOf(currentPick());
  return '#' + pick + (q.toString() ? '?' + q : '');
}

function updatePermalink() {
  const hash = permalinkHash();
  history.replaceState(null, '', hash);
  $('#permalink').href = hash;
  const m = state.meta;
  if (!m) return;
  $('#cite').textContent = `Cite: tally, ${m.claims} claims from ${m.documents} documents` +
    `${m.updated ? `, database updated ${m.updated.slice(0, 10)}` : ''}; ${location.href}` +
    (state.series?.headline ? `: ${state.series.headline.text}` : '');
}

// Reads the state permalinkHash wrote: the series, and sets the date and
// the filters it names.
function readPermalink() {
  const [path, query] = decodeURIComponent(location.hash.slice(1)).split('?');
  const q = new URLSearchParams(query || '');
  if (q.get('known_by')) $('#known').value = q.get('known_by');
  for (const [k, v] of q) {
    const field = k.startsWith('f.') ? $(`#filters [name="${CSS.escape(k.slice(2))}"]`) : null;
    if (field) field.value = v;
  }
  const [supplier, recipient, item, unit] = path.split('/');
  return supplier && recipient && item ? { supplier, recipient, item, unit } : null;
}

// ---- contradictions ----

async function loadContradictions() {
  const by = knownBy();
  const list = await api('contradictions', { known_by: by });
  if (by !== knownBy()) return; // the date changed meanwhile
  // (the claims' contradictions; tally check lists the events' too)
  // each in plain words (its title and sentences, from the server), then its
  // claims by source, grade and document (outlet, title linked to the page),
  // and the rule's own figures folded away
  const claimLine = (k, role) => el('li', {}, role,
    el('button', { type: 'button', class: 'link', onclick: () => openClaim(k.id) }, `${k.source_written || k.source}: ${k.figure}`),
    ' ', gradeBadge(k.grade), ' · ', k.outlet, ', ',
    k.url ? el('a', { href: k.url, rel: 'noopener noreferrer', target: '_blank' }, k.title || 'the article') : (k.title || k.doc),
    k.date ? `, ${k.date}` : '');
  $('#contradictions').replaceChildren(...(list.length ? list.map((c) => el('li', { class: 'contradiction' },
    el('h3', {}, c.title), el('p', {}, c.sentence),
    el('ul', {}, c.claims.map((k) => claimLine(k, '')),
      (c.made_from || []).map((k, i) => claimLine(k, i ? 'converted in: ' : 'counted in: '))),
    el('details', {}, el('summary', {}, `the rule: ${c.rule}`), el('p', {}, c.why)))) :
    [el('li', {}, by ? `None found among the claims stated by ${by}.` : 'None found.')]));
}

// ---- start ----

// The claims filters' lists: the model's items and kinds, and the units the
// stored claims use (currencies by their ISO 4217 code), from /api/meta.
function fillFilters(meta) {
  // (by selector: the form's elements.item is a method, not the field)
  const field = (name) => $(`#filters [name=${name}]`);
  const fill = (name, terms) => field(name).append(...terms.map((t) =>
    el('option', { value: t.slug, title: t.name }, t.slug)));
  fill('item', meta.items || []);
  fill('kind', meta.kinds || []);
  field('unit').append(...(meta.units || []).map((u) =>
    el('option', { value: u.slug, title: u.name || '' }, u.money && u.name ? `${u.slug} (${u.name})` : u.slug)));
}

function onWidth(box, draw) {
  let w = box.clientWidth;
  new ResizeObserver(() => {
    if (box.clientWidth === w) return;
    w = box.clientWidth;
    requestAnimationFrame(draw);
  }).observe(box);
}

async function start() {
  $('#claim-close').addEventListener('click', closeClaim);
  document.addEventListener('keydown', (e) => { if (e.key === 'Escape' && !$('#claim').hidden) closeClaim(); });
  for (const id of ['#pick-supplier', '#pick-recipient', '#pick-item'])
    $(id).addEventListener('change', () => selectSeries(currentPick()));
  $('#known').addEventListener('change', (e) => { if (e.target.checkValidity()) knownChanged(); });
  $('#known-form').addEventListener('submit', (e) => { e.preventDefault(); if ($('#known').checkValidity()) knownChanged(); });
  $('#pick-linear').addEventListener('change', (e) => { state.linear = e.target.checked; drawTimeline(); });
  $('#flows-item').addEventListener('change', (e) => { state.flowsItem = e.target.value; drawFlows(); });
  let timer;
  $('#filters').addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(() => loadClaims(), 250); });
  $('#filters').addEventListener('change', () => { clearTimeout(timer); loadClaims(); });
  $('#filters').addEventListener('reset', () => setTimeout(() => loadClaims(), 0));
  $('#filters').addEventListener('submit', (e) => { e.preventDefault(); loadClaims(); });
  $('#more').addEventListener('click', () => loadClaims(true));
  $('#csv').addEventListener('click', downloadCsv);
  $('#export-csv').addEventListener('click', () => exportSeries('csv'));
  $('#export-json').addEventListener('click', () => exportSeries('json'));
  $('#export-svg').addEventListener('click', () => exportChart('svg'));
  $('#export-png').addEventListener('click', () => exportChart('png'));
  $('#claims thead').addEventListener('click', (e) => {
    const th = e.target.closest('th');
    if (!th) return;
    const key = th.dataset.key;
    table.sort = { key, dir: table.sort.key === key ? -table.sort.dir : 1 };
    renderClaims();
  });
  const types = $('#event-filters [name=type]'), modes = $('#event-filters [name=mode]');
  types.append(...Object.keys(EVENT_TYPES).map((t) => el('option', { value: t }, `${EVENT_TYPES[t][0]} ${t}`)));
  modes.append(...EVENT_MODES.map((m) => el('option', { value: m }, m)));
  let etimer;
  $('#event-filters').addEventListener('input', () => { clearTimeout(etimer); etimer = setTimeout(() => loadPairEvents(), 250); });
  $('#event-filters').addEventListener('change', () => { clearTimeout(etimer); loadPairEvents(); });
  $('#event-filters').addEventListener('reset', () => setTimeout(() => loadPairEvents(), 0));
  $('#event-filters').addEventListener('submit', (e) => { e.preventDefault(); loadPairEvents(); });
  onWidth($('#timeline'), drawTimeline);
  onWidth($('#flows'), drawFlows);
  onWidth($('#partners'), drawPartners);
  for (const id of ['#partners-state', '#partners-direction', '#partners-by'])
    $(id).addEventListener('change', () => loadPartners());

  try {
    const meta = await api('meta');
    state.meta = meta;
    $('#meta').textContent = `${meta.claims} claims from ${meta.documents} documents and ${meta.sources} sources; ${meta.series.length} series`;
    fillFilters(meta);
    const states = [...new Set(meta.series.flatMap((s) => [s.supplier, s.recipient]))].sort();
    $('#dl-states').replaceChildren(...states.map((v) => el('option', { value: v })));
    const linked = readPermalink();
    markKnown();
    // the partners of the state that receives from the most others
    const senders = new Map();
    for (const s of meta.series) { if (!senders.has(s.recipient)) senders.set(s.recipient, new Set()); senders.get(s.recipient).add(s.supplier); }
    const recipients = [...senders.keys()].sort((a, b) => senders.get(b).size - senders.get(a).size || a.localeCompare(b));
    $('#partners-state').replaceChildren(...states.map((v) => el('option', { value: v, selected: v === recipients[0] }, v)));
    loadPartners();
    const best = meta.series.slice().sort((a, b) => b.clusters - a.clusters)[0];
    if (best) selectSeries(linked || best);
    else $('#series-summary').textContent = 'No series yet: import or ingest some claims.';
  } catch (e) { fail(e); }
  loadFlows().catch(fail);
  loadClaims();
  loadContradictions().catch(fail);
}

// The flows as known by the date (all of them when none).
async function loadFlows() {
  const by = knownBy();
  const flows = await api('flows', { known_by: by });
  if (by !== knownBy()) return; // the date changed meanwhile
  state.flows = flows;
  state.flowsBy = by;
  const items = [...new Set(flows.map((f) => f.item))].sort();
  const pick = $('#flows-item');
  if (!items.includes(state.flowsItem)) state.flowsItem = '';
  pick.replaceChildren(el('option', { value: '' }, 'all items'), ...items.map((v) => el('option', { value: v, selected: v === state.flowsItem }, v)));
  drawFlows();
}

// A new "known by": every panel again, each marked with the date (the
// series once the flows of that date say whether it had begun).
async function knownChanged() {
  markKnown();
  loadPartners();
  loadClaims();
  loadContradictions().catch(fail);
  try { await loadFlows(); } catch (e) { fail(e); }
  selectSeries(currentPick());
}

start();

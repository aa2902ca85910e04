// A stand-in for `tally serve` while the C server is being written: serves
// web/ as the server does (/, /assets/app.js, /assets/style.css) and the JSON
// API of API.md from fixtures.json (made by make-fixtures.mjs from the CLI).
//   node tests/browser/mock-server.mjs [PORT]     (default 8377; 0: any)
// Also exported: start(port) -> {url, close}, used by the tests when
// TALLY_URL is not set.
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
const web = path.join(here, '..', '..', 'web');
const fx = JSON.parse(readFileSync(path.join(here, 'fixtures.json'), 'utf8'));

const assets = {
  '/': ['index.html', 'text/html; charset=utf-8'],
  '/assets/app.js': ['app.js', 'text/javascript; charset=utf-8'],
  '/assets/style.css': ['style.css', 'text/css; charset=utf-8'],
};

const states = new Set(fx.claims.flatMap((c) => [c.supplier, c.recipient]).filter(Boolean));
const items = new Set(fx.claims.flatMap((c) => c.item));
const kinds = new Set(fx.meta.kinds.map((k) => k.slug));
const units = new Set(fx.meta.units.map((u) => u.slug));
const isDate = (d) => /^\d{4}(-\d{2}(-\d{2})?)?$/.test(d);
const claimDate = (c) => c.as_of || c.stated || '';
class Bad extends Error {}

function filterClaims(q) {
  for (const k of ['supplier', 'recipient']) if (q.has(k) && !states.has(q.get(k))) throw new Bad(`unknown state: ${q.get(k)}`);
  if (q.has('item') && !items.has(q.get('item'))) throw new Bad(`unknown item: ${q.get('item')}`);
  if (q.has('kind') && !kinds.has(q.get('kind'))) throw new Bad(`unknown kind: ${q.get('kind')}`);
  if (q.has('unit') && !units.has(q.get('unit'))) throw new Bad(`unknown unit: ${q.get('unit')}`);
  for (const k of ['since', 'until', 'known_by']) if (q.has(k) && !isDate(q.get(k))) throw new Bad(`bad date: ${q.get(k)}`);
  const src = (q.get('source') || '').toLowerCase();
  return fx.claims.filter((c) =>
    (!q.has('supplier') || c.supplier === q.get('supplier')) &&
    (!q.has('recipient') || c.recipient === q.get('recipient')) &&
    (!q.has('item') || c.item.includes(q.get('item'))) &&
    (!q.has('kind') || c.kind === q.get('kind')) &&
    (!q.has('unit') || c.unit === q.get('unit')) &&
    (!src || (c.source || '').toLowerCase().includes(src)) &&
    (!q.has('since') || claimDate(c) >= q.get('since')) &&
    (!q.has('until') || claimDate(c).slice(0, q.get('until').length) <= q.get('until')) &&
    (!q.has('doc') || c.doc === q.get('doc')) &&
    (!q.has('known_by') || (c.stated || '') <= q.get('known_by')));
}

const strip = ({ paragraph, sentence_in_paragraph, ...c }) => c;

function api(p, q) {
  let m;
  if (p === '/api/meta') return fx.meta;
  if (p === '/api/series') {
    for (const k of ['supplier', 'recipient']) if (!states.has(q.get(k))) throw new Bad(`unknown state: ${q.get(k)}`);
    if (!items.has(q.get('item'))) throw new Bad(`unknown item: ${q.get('item')}`);
    const key = [q.get('supplier'), q.get('recipient'), q.get('item')].join('|');
    const s = Object.entries(fx.series).find(([k, v]) => k.startsWith(key + '|') && (!q.has('unit') || v.unit === q.get('unit')));
    if (!s) throw new Bad(`no series ${key.replaceAll('|', ' ')}`);
    if (!q.has('known_by')) return s[1];
    // known_by, roughly: the points with a claim stated by then (the estimates stay as they are)
    const by = q.get('known_by'), stated = new Map(fx.claims.map((c) => [c.id, c.stated || '']));
    const points = s[1].points.filter((p) => p.claims.some((id) => stated.get(id).slice(0, by.length) <= by));
    return { ...s[1], known_by: by, points };
  }
  if (p === '/api/claims') {
    const all = filterClaims(q);
    const offset = Math.max(0, parseInt(q.get('offset') || '0', 10) || 0);
    const limit = Math.min(1000, Math.max(1, parseInt(q.get('limit') || '50', 10) || 50));
    return { offset, limit, more: offset + limit < all.length, claims: all.slice(offset, offset + limit).map(strip) };
  }
  if ((m = /^\/api\/claims\/(\d+)$/.exec(p))) {
    const c = fx.claims.find((c) => c.id === Number(m[1]));
    if (!c) return null;
    return c;
  }
  if (p === '/api/clusters') {
    const ids = new Set(filterClaims(q).map((c) => c.id));
    return fx.clusters.filter((c) => c.members.some((m) => ids.has(m.id)));
  }
  if (p === '/api/events') {
    const parties = new Set(fx.events.flatMap((e) => [e.actor, e.recipient]).filter(Boolean));
    for (const k of ['actor', 'recipient']) if (q.has(k) && !parties.has(q.get(k))) throw new Bad(`unknown party: ${q.get(k)}`);
    for (const k of ['since', 'until', 'known_by']) if (q.has(k) && !isDate(q.get(k))) throw new Bad(`bad date: ${q.get(k)}`);
    const both = q.has('both_ways'), a = q.get('actor'), r = q.get('recipient');
    const day = (e) => e.date || e.stated || '';
    const all = fx.events.filter((e) =>
      (both && a && r ? (e.actor === a && e.recipient === r) || (e.actor === r && e.recipient === a)
        : (!a || e.actor === a || (both && e.recipient === a)) && (!r || e.recipient === r || (both && e.actor === r))) &&
      (!q.has('type') || e.type === q.get('type')) && (!q.has('mode') || e.mode === q.get('mode')) &&
      (!q.has('since') || day(e) >= q.get('since')) &&
      (!q.has('until') || day(e).slice(0, q.get('until').length) <= q.get('until')) &&
      (!q.has('doc') || e.doc === q.get('doc')));
    const offset = Math.max(0, parseInt(q.get('offset') || '0', 10) || 0);
    const limit = Math.min(1000, Math.max(1, parseInt(q.get('limit') || '50', 10) || 50));
    return { offset, limit, more: offset + limit < all.length, events: all.slice(offset, offset + limit).map(strip) };
  }
  if ((m = /^\/api\/events\/(\d+)$/.exec(p))) return fx.events.find((e) => e.id === Number(m[1])) || null;
  if (p === '/api/sources') return fx.sources;
  if (p === '/api/flows') return fx.flows;
  if (p === '/api/contradictions') return fx.contradictions;
  if (p === '/api/rank') return fx.rank || []; // (no fixture yet: no partner)
  return null;
}

function handle(req, res) {
  const u = new URL(req.url, 'http://x');
  const send = (code, type, body) => {
    res.writeHead(code, {
      'Content-Type': type,
      'Content-Security-Policy': "default-src 'self'; img-src 'self' blob:",
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-store',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  };
  const json = (code, v) => send(code, 'application/json', JSON.stringify(v));
  if (req.method !== 'GET' && req.method !== 'HEAD') return json(405, { error: 'method not allowed' });
  // Browsers ask for /favicon.ico by themselves, and log a 404 as a console
  // error: the server answers 204 (no icon), and so must `tally serve`.
  if (u.pathname === '/favicon.ico') return send(204, 'image/x-icon', '');
  if (assets[u.pathname]) {
    const [file, type] = assets[u.pathname];
    return send(200, type, readFileSync(path.join(web, file)));
  }
  try {
    const v = u.pathname.startsWith('/api/') ? api(u.pathname, u.searchParams) : null;
    if (v === null) return json(404, { error: `not found: ${u.pathname}` });
    return json(200, v);
  } catch (e) {
    if (e instanceof Bad) return json(400, { error: e.message });
    throw e;
  }
}

export function start(port = 0) {
  const server = http.createServer(handle);
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => {
    resolve({ url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => server.close(r)) });
  }));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const s = await start(Number(process.argv[2] ?? 8377));
  console.log(`mock tally serve on ${s.url}`);
}

// Browser tests of the dashboard (issue 6): playwright-core drives Debian's
// chromium against a running `tally serve`.
//
//   npm ci --prefix web                 # playwright-core, pinned in web/package-lock.json
//   TALLY_URL=http://127.0.0.1:8377 node --test tests/browser/
//
// TALLY_URL is the server under test (started on a database made by
// `tally import` and `tally ingest examples`). Without it the tests start
// tests/browser/mock-server.mjs, which serves web/ and canned answers of the
// CLI. CHROMIUM overrides /usr/bin/chromium. Every expected count is read
// from the server's own API, so the tests hold for any test database that
// has at least one series, one claim with its sentence and one contradiction.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import { mkdirSync } from 'node:fs';

// Screenshots for a person to look at (make check leaves them):
// build/screenshots/ of the checkout, or TALLY_SCREENSHOTS.
const SHOTS = process.env.TALLY_SCREENSHOTS || 'build/screenshots';
mkdirSync(SHOTS, { recursive: true });

const require = createRequire(new URL('../../web/package.json', import.meta.url));
const { chromium } = require('playwright-core');

let base, mock, browser;

before(async () => {
  if (process.env.TALLY_URL) {
    base = process.env.TALLY_URL.replace(/\/$/, '');
  } else {
    mock = await (await import('./mock-server.mjs')).start(0);
    base = mock.url;
  }
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--headless'],
  });
});

after(async () => {
  await browser?.close();
  await mock?.close();
});

async function get(path) {
  const r = await fetch(base + path);
  assert.equal(r.status, 200, `${path}: HTTP ${r.status}`);
  return r.json();
}

// A page on the dashboard that records console errors, page errors, failed
// requests and every request to another origin; t.after checks them.
async function open(t, viewport = { width: 1366, height: 768 }, options = {}) {
  const context = await browser.newContext({ viewport, acceptDownloads: true, ...options });
  const page = await context.newPage();
  const origin = new URL(base).origin;
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (!['data:', 'blob:'].includes(u.protocol) && u.origin !== origin) problems.push(`request to another origin: ${r.url()}`);
  });
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
  page.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`); });
  t.after(async () => {
    await context.close();
  });
  await page.goto(base + '/');
  await page.locator('#timeline .mark').first().waitFor();
  await page.locator('#claims tbody tr').first().waitFor();
  await page.locator('#flows g.flow').first().waitFor({ state: 'attached' });
  await page.locator('#contradictions > li').first().waitFor();
  return { page, problems, clean: () => assert.deepEqual(problems, [], problems.join('\n')) };
}

// The series on show, as the pickers say.
async function shownSeries(page) {
  const [supplier, recipient] = await Promise.all([page.inputValue('#pick-supplier'), page.inputValue('#pick-recipient')]);
  const [item, unit] = (await page.inputValue('#pick-item')).split('|');
  return get(`/api/series?supplier=${supplier}&recipient=${recipient}&item=${item}&unit=${unit}`);
}

const rowIds = (page) => page.locator('#claims tbody tr').evaluateAll((rs) => rs.map((r) => Number(r.dataset.id)));
const column = (page, i) => page.locator(`#claims tbody tr td:nth-child(${i})`).allTextContents();

test('the page loads with no console error and no request to another origin', async (t) => {
  const { page, clean } = await open(t);
  const meta = await get('/api/meta');
  assert.match(await page.textContent('#meta'), new RegExp(`${meta.claims} claims`));
  // hover and open a point, so their requests are checked too
  await page.locator('#timeline .mark').first().hover();
  await page.locator('#tip').waitFor();
  await page.locator('#timeline .mark').first().click();
  await page.locator('#claim').waitFor();
  await page.keyboard.press('Escape');
  await page.locator('#claim').waitFor({ state: 'hidden' });
  clean();
});

test('the timeline has one mark per point of /api/series, for every series', async (t) => {
  const { page, clean } = await open(t);
  const meta = await get('/api/meta');
  for (const s of meta.series) {
    await page.selectOption('#pick-supplier', s.supplier);
    await page.selectOption('#pick-recipient', s.recipient);
    await page.selectOption('#pick-item', `${s.item}|${s.unit}`);
    await page.waitForFunction((txt) => document.querySelector('#series-summary').textContent.startsWith(txt),
      `${s.supplier} → ${s.recipient}, ${s.item}, in ${s.unit}`);
    const series = await shownSeries(page);
    assert.equal(series.item, s.item);
    // the headline block: the server's words, the number in bold
    const h = series.headline;
    if (h) {
      assert.equal(await page.locator('#series-headline strong').textContent(), h.number);
      assert.equal(await page.locator('#series-headline').textContent(), `${h.number}${h.range}; ${h.backing}`);
      assert.match(h.backing, /^from \d+ independent sources? in \d+ clusters?$/);
    }
    const marks = page.locator('#timeline .mark');
    assert.equal(await marks.count(), series.points.length, `${s.supplier} ${s.recipient} ${s.item}`);
    const echoes = await marks.evaluateAll((ms) => ms.map((m) => Number(m.dataset.echoes)));
    assert.deepEqual(echoes, series.points.map((p) => p.claims.length));
    const bounds = await marks.evaluateAll((ms) => ms.map((m) => m.dataset.bound));
    assert.deepEqual(bounds, series.points.map((p) => p.bound));
    // the echo counts ("×3") overlap neither each other nor the right edge,
    // and the first date tick has its year
    const geo = await page.evaluate(() => {
      const svgBox = document.querySelector('#timeline svg').getBoundingClientRect();
      const boxes = [...document.querySelectorAll('#timeline .echoes')].map((e) => e.getBoundingClientRect());
      const ticks = [...document.querySelectorAll('#timeline svg .axes text')].map((e) => e.textContent).filter((t) => /^[A-Z][a-z]{2}( \d{4})?$|^\d{4}$/.test(t));
      return { right: svgBox.right, boxes: boxes.map((b) => [b.left, b.top, b.right, b.bottom]), first: ticks[0] };
    });
    for (const [i, a] of geo.boxes.entries()) {
      assert.ok(a[2] <= geo.right + 0.5, `an echo count passes the right edge: ${a}`);
      for (const b of geo.boxes.slice(i + 1))
        assert.ok(a[2] <= b[0] || b[2] <= a[0] || a[3] <= b[1] || b[3] <= a[1], `echo counts overlap: ${a} ${b}`);
    }
    if (geo.first) assert.match(geo.first, /\d{4}$/, `the first tick ${geo.first} has no year`);
    // the estimate: two bands and a median line over the evidence's span, and
    // again, the median dashed, over the extrapolated dates after it
    const extra = series.estimates.filter((e) => e.extrapolated).length;
    const parts = (series.estimates.length > extra ? 1 : 0) + (extra ? 1 : 0);
    assert.equal(await page.locator('#timeline path.median').count(), parts);
    assert.equal(await page.locator('#timeline path.median.extrapolated').count(), extra ? 1 : 0);
    assert.equal(await page.locator('#timeline path.band90, #timeline path.band50').count(), 2 * parts);
    if (extra)
      assert.equal(await page.locator('#timeline path.median.extrapolated').evaluate((p) => getComputedStyle(p).strokeDasharray !== 'none'), true);
  }
  clean();
});

test('hovering a point shows its source, outlet, date and sentence', async (t) => {
  const { page, clean } = await open(t);
  const series = await shownSeries(page);
  const withText = [];
  for (const p of series.points) if ((await get(`/api/claims/${p.lead}`)).sentence) withText.push(p);
  const p = withText[0] || series.points[0];
  const c = await get(`/api/claims/${p.lead}`);
  await page.locator(`#timeline .mark[data-lead="${p.lead}"]`).first().hover();
  const tip = page.locator('#tip');
  await tip.waitFor();
  assert.match(await tip.textContent(), new RegExp(p.source.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  if (c.sentence) {
    await page.waitForFunction(() => document.querySelector('#tip q'));
    const norm = (s) => s.replace(/\s+/g, ' ').trim();
    assert.equal(norm(await tip.locator('q').textContent()), norm(c.sentence));
    assert.match(await tip.textContent(), new RegExp(c.stated || c.date));
  }
  clean();
});

test('clicking a point opens its claim with the sentence marked in the paragraph', async (t) => {
  const { page, clean } = await open(t);
  const meta = await get('/api/meta');
  let found = null;
  for (const s of meta.series) {
    const series = await get(`/api/series?supplier=${s.supplier}&recipient=${s.recipient}&item=${s.item}&unit=${s.unit}`);
    for (const p of series.points) {
      const c = await get(`/api/claims/${p.lead}`);
      if (c.paragraph) { found = { s, p, c }; break; }
    }
    if (found) break;
  }
  assert.ok(found, 'the test database has a point whose lead claim has its text');
  const { s, p, c } = found;
  await page.selectOption('#pick-supplier', s.supplier);
  await page.selectOption('#pick-recipient', s.recipient);
  await page.selectOption('#pick-item', `${s.item}|${s.unit}`);
  // each pick loads a series: click once the last answer is drawn, not
  // on a chart a late answer is about to replace
  await page.waitForLoadState('networkidle');
  await page.locator(`#timeline .mark[data-lead="${p.lead}"]`).first().click();
  const panel = page.locator('#claim');
  await panel.waitFor();
  assert.equal(await panel.getAttribute('data-claim'), String(c.id));
  const bytes = Buffer.from(c.paragraph, 'utf8');
  const sentence = bytes.subarray(...c.sentence_in_paragraph).toString('utf8');
  assert.equal(await panel.locator('mark').textContent(), sentence);
  assert.equal(await panel.locator('blockquote').textContent(), c.paragraph);
  if (c.text) assert.equal(await panel.locator('mark strong').textContent(), c.text);
  await page.click('#claim-close');
  await panel.waitFor({ state: 'hidden' });
  clean();
});

test('a point opens from the keyboard; "known by" keeps only the claims stated by then', async (t) => {
  const { page, clean } = await open(t);
  const series = await shownSeries(page);
  await page.locator('#timeline .mark').first().focus();
  await page.keyboard.press('Enter');
  await page.locator('#claim').waitFor();
  assert.equal(await page.getAttribute('#claim', 'data-claim'), String(series.points[0].lead ?? series.points[0].claims[0]));
  await page.keyboard.press('Escape');
  const dates = series.points.map((p) => p.date).sort();
  const by = dates[Math.floor(dates.length / 2)];
  const q = `supplier=${series.supplier}&recipient=${series.recipient}&item=${series.item}&unit=${series.unit}`;
  const earlier = await get(`/api/series?${q}&known_by=${by}`);
  await page.fill('#known', by);
  await page.press('#known', 'Tab');
  await page.waitForFunction((by) => document.querySelector('#series-summary').textContent.endsWith(`known by ${by}`), by);
  assert.equal(await page.locator('#timeline .mark').count(), earlier.points.length);
  clean();
});

test('"known by" applies to every panel, each marked with the date', async (t) => {
  const { page, clean } = await open(t);
  await shownSeries(page);
  const by = '2023-06-30';
  const [claims, flows, contra] = await Promise.all([get(`/api/claims?known_by=${by}&limit=100`),
    get(`/api/flows?known_by=${by}`), get(`/api/contradictions?known_by=${by}`)]);
  const allFlows = await get('/api/flows');
  assert.ok(flows.length < allFlows.length, 'an earlier date must leave some series out');
  await page.fill('#known', by);
  await page.press('#known', 'Tab');
  // the claims table: the claims stated by then, and says so
  await page.waitForFunction((want) => document.querySelector('#claims-count').textContent.endsWith(`stated by ${want}`), by);
  await page.waitForFunction((n) => document.querySelectorAll('#claims tbody tr').length === n, claims.claims.length);
  assert.deepEqual((await rowIds(page)).sort(), claims.claims.map((c) => c.id).sort());
  // the flows: those of the claims stated by then
  await page.waitForFunction((n) => document.querySelectorAll('#flows g.flow').length === n, flows.length);
  // the contradictions
  await page.waitForFunction((n) => n === 0 ? /stated by/.test(document.querySelector('#contradictions').textContent)
    : document.querySelectorAll('#contradictions > li').length === n, contra.length);
  // the series: as known then, or said to have no claim yet
  await page.waitForFunction((want) => {
    const t = document.querySelector('#series-summary').textContent;
    return t.endsWith(`known by ${want}`) || t.endsWith(`was stated by ${want}.`);
  }, by);
  // every panel's heading carries the marker
  const markers = await page.locator('.known-marker').evaluateAll((ms) => ms.map((m) => [m.hidden, m.textContent]));
  assert.ok(markers.length >= 6);
  for (const [hidden, text] of markers) assert.deepEqual([hidden, text], [false, `as known by ${by}`]);
  // cleared: everything again, no marker
  await page.fill('#known', '');
  await page.press('#known', 'Tab');
  await page.waitForFunction((n) => document.querySelectorAll('#flows g.flow').length === n, allFlows.length);
  assert.equal(await page.locator('.known-marker:not([hidden])').count(), 0);
  clean();
});

test('changing a filter changes the claims table', async (t) => {
  const { page, clean } = await open(t);
  const all = await get('/api/claims?limit=100');
  assert.equal(await page.locator('#claims tbody tr').count(), all.claims.length);
  assert.equal(await page.isVisible('#more'), all.more);
  const state = all.claims.find((c) => c.supplier)?.supplier;
  const want = await get(`/api/claims?supplier=${state}&limit=100`);
  assert.notEqual(want.claims.length, all.claims.length, 'the filter must leave some rows out');
  await page.fill('#filters [name=supplier]', state);
  await page.waitForFunction((n) => document.querySelectorAll('#claims tbody tr').length === n, want.claims.length);
  assert.deepEqual((await rowIds(page)).sort(), want.claims.map((c) => c.id).sort());
  for (const pair of await column(page, 2)) assert.ok(pair.startsWith(state + ' →'), pair);
  // a second filter narrows it; clearing brings every row back
  const kind = want.claims[0].kind;
  const narrower = await get(`/api/claims?supplier=${state}&kind=${kind}&limit=100`);
  await page.selectOption('#filters [name=kind]', kind);
  await page.waitForFunction((n) => document.querySelectorAll('#claims tbody tr').length === n, narrower.claims.length);
  for (const k of await column(page, 4)) assert.equal(k, kind);
  // and the item (a select of the CLAIMS.md items)
  const item = narrower.claims[0].item[0];
  const byItem = await get(`/api/claims?supplier=${state}&kind=${kind}&item=${item}&limit=100`);
  await page.selectOption('#filters [name=item]', item);
  await page.waitForFunction((ids) => [...document.querySelectorAll('#claims tbody tr')].map((r) => r.dataset.id).sort().join() === ids,
    byItem.claims.map((c) => String(c.id)).sort().join());
  await page.click('#filters button[type=reset]');
  await page.waitForFunction((n) => document.querySelectorAll('#claims tbody tr').length === n, all.claims.length);
  clean();
});

test('the unit filter lists the stored units, currencies by code, and narrows the table', async (t) => {
  const { page, clean } = await open(t);
  const meta = await get('/api/meta');
  const options = await page.locator('#filters [name=unit] option').evaluateAll((os) => os.map((o) => o.value));
  assert.deepEqual(options, ['', ...meta.units.map((u) => u.slug)]);
  for (const cur of ['EUR', 'GBP']) {
    assert.ok(options.includes(cur), `${cur}: a unit of the test database (tests/data/aid-briefing.txt)`);
    const want = await get(`/api/claims?unit=${cur}&limit=100`);
    assert.ok(want.claims.length > 0 && want.claims.every((c) => c.unit === cur));
    await page.selectOption('#filters [name=unit]', cur);
    await page.waitForFunction((ids) => [...document.querySelectorAll('#claims tbody tr')].map((r) => r.dataset.id).sort().join() === ids,
      want.claims.map((c) => String(c.id)).sort().join());
    // the figure for people (tally/number.h): a currency other than USD is written before the number
    for (const f of await column(page, 5)) assert.ok(f.startsWith(`${cur} `), f);
  }
  await page.click('#filters button[type=reset]');
  await page.waitForFunction(() => document.querySelectorAll('#claims tbody tr').length > 2);
  clean();
});

test('clicking a column header sorts the table, again reverses it', async (t) => {
  const { page, clean } = await open(t);
  const dates = await column(page, 1);
  assert.deepEqual(dates, dates.slice().sort(), 'by date at first');
  await page.click('#claims th[data-key=date] button');
  assert.deepEqual(await column(page, 1), dates.slice().sort().reverse());
  assert.equal(await page.getAttribute('#claims th[data-key=date]', 'aria-sort'), 'descending');
  await page.click('#claims th[data-key=source] button');
  const sources = (await column(page, 6)).map((s) => s.toLowerCase());
  assert.deepEqual(sources, sources.slice().sort());
  assert.notDeepEqual(await column(page, 1), dates.slice().sort().reverse(), 'the order changed');
  await page.click('#claims th[data-key=source] button');
  const back = (await column(page, 6)).map((s) => s.toLowerCase());
  assert.deepEqual(back, sources.slice().sort().reverse());
  clean();
});

test('the CSV download has a header and every claim passing the filters', async (t) => {
  const { page, clean } = await open(t);
  const count = async (q) => {
    let n = 0;
    for (let offset = 0; ; offset += 1000) {
      const r = await get(`/api/claims?${q}&offset=${offset}&limit=1000`);
      n += r.claims.length;
      if (!r.more) return n;
    }
  };
  const csv = async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#csv')]);
    assert.equal(download.suggestedFilename(), 'tally-claims.csv');
    return readFile(await download.path(), 'utf8');
  };
  // a record per line unless a quoted field holds a newline: count records properly
  const records = (text) => {
    let n = 0, quoted = false;
    for (let i = 0; i < text.length; i++) {
      if (text[i] === '"') quoted = !quoted;
      else if (text[i] === '\n' && !quoted) n++;
    }
    return n;
  };
  const text = await csv();
  assert.ok(text.startsWith('id,date,stated,supplier,recipient,kind,item,'), text.slice(0, 80));
  assert.equal(records(text) - 1, await count(''));
  const rus = await count('supplier=RUS');
  await page.fill('#filters [name=supplier]', 'RUS');
  await page.waitForFunction((n) => document.querySelectorAll('#claims tbody tr').length === Math.min(n, 100), rus);
  const filtered = await csv();
  assert.equal(records(filtered) - 1, rus);
  for (const line of filtered.split('\r\n').slice(1, 4)) if (line) assert.match(line, /^\d+,[^,]*,[^,]*,RUS,/);
  clean();
});

// RFC 4180 records of `text`: each a list of [value, quoted].
function parseCsv(text) {
  const records = [];
  let rec = [], val = '', quoted = false, inq = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inq) {
      if (ch === '"' && text[i + 1] === '"') { val += '"'; i++; } else if (ch === '"') inq = false; else val += ch;
    } else if (ch === '"') { inq = quoted = true; } else if (ch === ',') { rec.push([val, quoted]); val = ''; quoted = false; } else if (ch === '\r' && text[i + 1] === '\n') {
      rec.push([val, quoted]); records.push(rec); rec = []; val = ''; quoted = false; i++;
    } else val += ch;
  }
  return records;
}

test('the CSV download neutralises cells a spreadsheet would run as formulas', async (t) => {
  const { page, clean } = await open(t);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#csv')]);
  const records = parseCsv(await readFile(await download.path(), 'utf8'));
  const head = records[0].map(([v]) => v);
  // no cell starts as a formula; one that starts with '-' is a number
  for (const rec of records.slice(1))
    rec.forEach(([v, quoted], i) => {
      assert.doesNotMatch(v, /^[=+@\t\r]/, `${head[i]}: ${v}`);
      if (v.startsWith('-')) assert.ok(!quoted && /^-\d+(\.\d+)?(e[+-]?\d+)?$/.test(v), `${head[i]}: ${v}`);
    });
  // tests/browser/run.sh imports tests/browser/formulas.csv into the test database
  if (process.env.TALLY_URL) {
    const row = records.find((rec) => rec[head.indexOf('url')][0] === 'https://example.org/csv-formula-test');
    assert.ok(row, 'the formula row is in the download');
    assert.match(row[head.indexOf('source')][0], /^'=HYPERLINK/);
    assert.equal(row[head.indexOf('note')][0], "'@SUM(1+1)");
    assert.equal(row[head.indexOf('low')][0], '1000');
  }
  clean();
});

for (const viewport of [{ width: 1366, height: 768 }, { width: 390, height: 844 }]) test(`the flows view at ${viewport.width} px: one chart a unit, every series, ranked, each picking its series`, async (t) => {
  const { page, clean } = await open(t, viewport);
  const flows = await get('/api/flows');
  // every series is shown, none hidden in a scroll box
  assert.equal(await page.locator('#flows g.flow').count(), flows.length);
  for (const b of await page.locator('#flows g.flow').all()) assert.ok(await b.isVisible());
  const keys = await page.locator('#flows g.flow').evaluateAll((ps) => ps.map((p) => p.dataset.series).sort());
  assert.deepEqual(keys, flows.map((f) => [f.supplier, f.recipient, f.item, f.unit].join('/')).sort());
  // one chart a unit, its caption naming the unit; within it only that unit,
  // ranked by median
  const units = [...new Set(flows.map((f) => f.unit))];
  assert.equal(await page.locator('#flows figure.flow-group').count(), units.length);
  for (const unit of units) {
    const fig = page.locator(`#flows figure.flow-group[data-unit="${unit}"]`);
    const want = flows.filter((f) => f.unit === unit);
    const caption = await fig.locator('figcaption').textContent();
    assert.ok(caption.toLowerCase().startsWith(want[0].unit_name.toLowerCase()), `${unit}: ${caption}`);
    const shown = await fig.locator('g.flow').evaluateAll((ps) => ps.map((p) => p.dataset.series));
    assert.ok(shown.every((k) => k.endsWith(`/${unit}`)), `${unit}: ${shown}`);
    const medians = shown.map((k) => flows.find((f) => [f.supplier, f.recipient, f.item, f.unit].join('/') === k).median);
    assert.deepEqual(medians, medians.slice().sort((a, b) => b - a), `${unit}: ranked by median`);
    // each bar labelled with its median in words, the unit's name in the caption
    const values = await fig.locator('.flow-value').allTextContents();
    assert.deepEqual(values.sort(), want.map((f) => f.median_text).sort());
  }
  // one item only
  const item = flows[0].item;
  await page.selectOption('#flows-item', item);
  assert.equal(await page.locator('#flows g.flow').count(), flows.filter((f) => f.item === item).length);
  // a bar picks its series in the timeline, by mouse and by keyboard
  const f = flows[flows.length - 1];
  await page.selectOption('#flows-item', '');
  await page.locator(`#flows g.flow[data-series="${[f.supplier, f.recipient, f.item, f.unit].join('/')}"]`).click();
  await page.waitForFunction((txt) => document.querySelector('#series-summary').textContent.startsWith(txt),
    `${f.supplier} → ${f.recipient}, ${f.item}, in ${f.unit}`);
  const g = flows[0];
  await page.locator(`#flows g.flow[data-series="${[g.supplier, g.recipient, g.item, g.unit].join('/')}"]`).focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction((txt) => document.querySelector('#series-summary').textContent.startsWith(txt),
    `${g.supplier} → ${g.recipient}, ${g.item}, in ${g.unit}`);
  clean();
});

test('the partners view ranks /api/rank with its intervals and odds, opens parts, follows known by', async (t) => {
  const { page, clean } = await open(t);
  const state = await page.inputValue('#partners-state');
  const rank = await get(`/api/rank?state=${state}&direction=to&by=value`);
  const ranked = rank.filter((r) => r.ranked), unranked = rank.filter((r) => !r.ranked);
  if (!process.env.TALLY_URL && rank.length === 0) {
    t.skip('the mock server has no /api/rank fixture');
    return;
  }
  assert.ok(ranked.length > 0, `no partner of ${state} ranked`);
  await page.locator('#partners .partner').first().waitFor();
  const shown = await page.locator('#partners .partner').evaluateAll((rs) => rs.map((r) => [r.dataset.partner, r.title]));
  assert.deepEqual(shown.map(([p]) => p), ranked.map((r) => r.partner));
  ranked.forEach((r, k) => {
    assert.ok(shown[k][1].includes(`probability ${r.p_rank[k].toFixed(2)}`), shown[k][1]);
    assert.ok(Math.abs(r.p_rank.reduce((a, b) => a + b, 0) - 1) < 1e-3, `${r.partner}: odds sum to 1`);
  });
  // one 90 % and one 50 % band and a median a partner
  assert.equal(await page.locator('#partners .partner rect.band90').count(), ranked.length);
  assert.equal(await page.locator('#partners .partner line.median').count(), ranked.length);
  // the partners not ranked, each with why
  const why = await page.locator('#partners-unranked li').allTextContents();
  assert.deepEqual(why.map((w) => w.split(':')[0]), unranked.map((r) => r.name));
  unranked.forEach((r, i) => assert.ok(why[i].includes(r.lacks), why[i]));
  // a click opens a partner's parts, one line a part; again closes them
  const first = page.locator('#partners .partner').first();
  await first.click();
  const parts = page.locator('#partners .partner-row').first().locator('.parts li');
  await parts.first().waitFor();
  assert.equal(await parts.count(), ranked[0].parts.length);
  assert.equal(await first.getAttribute('aria-expanded'), 'true');
  await first.click();
  assert.equal(await first.getAttribute('aria-expanded'), 'false');
  // known by: the ranking as it could have been made then
  const known = '2023-12-31';
  const then = (await get(`/api/rank?state=${state}&direction=to&by=value&known_by=${known}`)).filter((r) => r.ranked);
  await page.fill('#known', known);
  await page.locator('#known').dispatchEvent('change');
  await page.waitForFunction((want) => [...document.querySelectorAll('#partners .partner')].map((r) => r.dataset.partner).join() === want,
    then.map((r) => r.partner).join());
  // by people: the troops
  await page.fill('#known', '');
  await page.locator('#known').dispatchEvent('change');
  await page.selectOption('#partners-by', 'people');
  const people = (await get(`/api/rank?state=${state}&direction=to&by=people`)).filter((r) => r.ranked);
  await page.waitForFunction((want) => [...document.querySelectorAll('#partners .partner')].map((r) => r.dataset.partner).join() === want,
    people.map((r) => r.partner).join());
  clean();
});

for (const viewport of [{ width: 1366, height: 768 }, { width: 390, height: 844 }]) test(`the contradictions panel at ${viewport.width} px says each in words, with sources, grades and documents, and opens their claims`, async (t) => {
  const { page, clean } = await open(t, viewport);
  const list = await get('/api/contradictions');
  assert.ok(list.length > 0, 'the test database has contradictions');
  const items = page.locator('#contradictions > li');
  assert.equal(await items.count(), list.length);
  for (let i = 0; i < list.length; i++) {
    const c = list[i], li = items.nth(i);
    // the title and the sentence as the server words them; the rule's code
    // word only in the folded details
    assert.equal(await li.locator('h3').textContent(), c.title);
    assert.equal(await li.locator('p').first().textContent(), c.sentence);
    assert.ok(/^[A-Z][a-z]* [a-z]/.test(c.title) && !c.title.includes('-bound') && !c.title.includes('-range'),
      `${c.title}: words, not the rule's code word`);
    assert.ok((await li.locator('summary').textContent()).includes(c.rule));
    // each claim: a button opening it, its grade linked to its meaning, its
    // document by outlet and by title (linked to the page when it has a URL)
    const claims = c.claims.concat(c.made_from || []);
    assert.equal(await li.locator('li button').count(), claims.length);
    const lines = await li.locator('ul > li').allTextContents();
    claims.forEach((k, j) => {
      assert.ok(lines[j].includes(`grade ${k.grade}`) && lines[j].includes(k.outlet) && lines[j].includes(k.title || (k.url ? 'the article' : k.doc)), lines[j]);
    });
    assert.equal(await li.locator('a.grade').count(), claims.length);
    for (const href of await li.locator('a.grade').evaluateAll((as) => as.map((a) => a.getAttribute('href'))))
      assert.match(href, /^\/method#grade-[A-F]$/);
    assert.equal(await li.locator('ul > li a[target=_blank]').count(), claims.filter((k) => k.url).length);
  }
  // a bound's conflict says which claim the estimate follows, in words
  const bound = list.find((c) => c.follows !== null);
  assert.ok(bound && /The estimate (keeps|follows)/.test(bound.sentence), 'a conflict with a bound says what the estimate follows');
  await items.first().locator('li button').first().click();
  await page.locator('#claim').waitFor();
  assert.equal(await page.getAttribute('#claim', 'data-claim'), String(list[0].claims[0].id));
  clean();
});

test('claims: a grade column, linked to what the grade means; the panel shows the grade', async (t) => {
  const { page, clean } = await open(t);
  const heads = await page.locator('#claims thead th').allTextContents();
  const gi = heads.findIndex((h) => h.startsWith('Grade'));
  assert.ok(gi >= 0, heads.join('|'));
  const r = await get('/api/claims?limit=50');
  await page.waitForFunction(() => document.querySelectorAll('#claims tbody tr').length > 0);
  const rows = await page.locator('#claims tbody tr').evaluateAll((trs, i) => trs.map((tr) =>
    [Number(tr.dataset.id), tr.children[i].textContent.trim(), tr.children[i].querySelector('a')?.getAttribute('href'),
      tr.children[i].querySelector('a')?.title]), gi);
  for (const [id, text, href, title] of rows) {
    const c = r.claims.find((x) => x.id === id);
    if (!c) continue;
    assert.equal(text, c.grade, `claim ${id}`);
    assert.equal(href, `/method#grade-${c.grade}`);
    assert.match(title, new RegExp(`^grade ${c.grade}: [a-z]`));
  }
  // sorting by grade
  await page.click('#claims th[data-key="grade"] button');
  const grades = (await column(page, gi + 1)).map((g) => g.trim());
  assert.deepEqual(grades, grades.slice().sort());
  // the panel of a claim names its grade
  await page.locator('#claims tbody tr td:last-child button').first().click();
  await page.locator('#claim').waitFor();
  const facts = await page.locator('#claim-facts').textContent();
  assert.match(facts, /Grade\s*grade [A-F]/);
  // on a phone each card has its grade line
  const phone = await open(t, { width: 390, height: 844 });
  const line = await phone.page.locator('#claims tbody tr').first().locator('td[data-label="Grade"]').evaluate((td) =>
    getComputedStyle(td, '::before').content + td.textContent);
  assert.match(line, /^"Grade: "[A-F]$/);
  phone.clean();
  clean();
});

test('the terms and method page: served, every term the dashboard links to, the grades and factors in force', async (t) => {
  const { page, clean } = await open(t);
  // every link to /method#ID on the dashboard lands on an element of that id
  const hrefs = [...new Set(await page.locator('a[href^="/method"]').evaluateAll((as) => as.map((a) => a.getAttribute('href'))))];
  assert.ok(hrefs.length >= 10, hrefs.join(' '));
  const meta = await get('/api/meta');
  const m = await page.context().newPage();
  await m.goto(base + '/method');
  for (const href of hrefs) {
    const id = href.split('#')[1];
    if (id) assert.equal(await m.locator(`[id="${id}"]`).count(), 1, `${href} has no target`);
  }
  // the grades of /api/meta with their meanings, and which sources get them
  for (const g of meta.grades)
    assert.ok((await m.locator(`#grade-${g.grade}`).textContent()).includes(g.meaning), g.grade);
  assert.ok(await m.locator('table.grade-rules tbody tr').count() > 3);
  // the conversion factors, each with its source
  assert.ok(await m.locator('table.factors tbody tr').count() > 3);
  assert.ok((await m.locator('#how').count()) === 1, 'how an estimate is made');
  // no horizontal overflow, on a phone too
  await m.setViewportSize({ width: 390, height: 844 });
  assert.ok(await m.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1));
  await m.screenshot({ path: `${SHOTS}/method-390x844.png`, fullPage: false });
  await m.close();
  // the header links to it
  assert.equal(await page.locator('header a[href="/method"]').count(), 1);
  clean();
});

// ---- events (/api/events): the timeline's marks and the relations panel ----

// Shows series `s` and waits for it.
async function showSeries(page, s) {
  await page.selectOption('#pick-supplier', s.supplier);
  await page.selectOption('#pick-recipient', s.recipient);
  await page.selectOption('#pick-item', `${s.item}|${s.unit}`);
  await page.waitForFunction((txt) => document.querySelector('#series-summary').textContent.startsWith(txt),
    `${s.supplier} → ${s.recipient}, ${s.item}, in ${s.unit}`);
}

// A partial date as its first day, YYYY-MM-DD: string order is date order.
const firstDay = (d) => (d + '-01-01').slice(0, 10);
const eventDay = (e) => firstDay(e.date || e.stated || '');

// The first series whose pair has events dated within the series' span (its
// start, estimates and points: the timeline's), the pair's events (both
// ways) and the ids of those within the span.
async function seriesWithEvents() {
  const meta = await get('/api/meta');
  for (const s of meta.series) {
    const r = await get(`/api/events?actor=${s.supplier}&recipient=${s.recipient}&both_ways=1&limit=1000`);
    if (!r.events.length) continue;
    const series = await get(`/api/series?supplier=${s.supplier}&recipient=${s.recipient}&item=${s.item}&unit=${s.unit}`);
    const days = [series.start, ...series.estimates.map((e) => e.date), ...series.points.map((p) => p.date)].filter(Boolean).map(firstDay);
    const lo = days.reduce((a, b) => (a < b ? a : b)), hi = days.reduce((a, b) => (a > b ? a : b));
    const inSpan = r.events.filter((e) => eventDay(e) >= lo && eventDay(e) <= hi).map((e) => e.id).sort((a, b) => a - b);
    if (inSpan.length) return { s, events: r.events, inSpan };
  }
  assert.fail('no series with events of its pair in its span (the bundled relations give PRK ⇄ RUS some)');
}

test('the timeline marks the events of the pair that fall within its span', async (t) => {
  const { page, clean } = await open(t);
  const { s, events, inSpan: want } = await seriesWithEvents();
  await showSeries(page, s);
  await page.waitForFunction((n) => document.querySelectorAll('#timeline .event-mark').length === n, want.length);
  const got = await page.locator('#timeline .event-mark').evaluateAll((ms) => ms.map((m) => Number(m.dataset.id)));
  assert.deepEqual(got.sort((a, b) => a - b), want);
  const types = await page.locator('#timeline .event-mark').evaluateAll((ms) => ms.map((m) => [Number(m.dataset.id), m.dataset.type]));
  for (const [id, type] of types) assert.equal(type, events.find((e) => e.id === id).type);
  clean();
});

test('hovering an event mark shows its sentence, clicking it opens its paragraph', async (t) => {
  const { page, clean } = await open(t);
  const { s, events } = await seriesWithEvents();
  await showSeries(page, s);
  await page.locator('#timeline .event-mark').first().waitFor();
  const shown = await page.locator('#timeline .event-mark').evaluateAll((ms) => ms.map((m) => Number(m.dataset.id)));
  // one read from a document if the timeline shows any, else a curated one
  const e = events.find((x) => shown.includes(x.id) && x.sentence) || events.find((x) => shown.includes(x.id));
  const mark = page.locator(`#timeline .event-mark[data-id="${e.id}"]`).first();
  await mark.hover();
  await page.locator('#tip').waitFor();
  const tip = await page.textContent('#tip');
  assert.ok(tip.includes(e.type), tip);
  assert.ok(tip.includes(e.sentence || e.about || e.url), tip);
  await mark.click();
  await page.locator('#claim').waitFor();
  assert.equal(await page.getAttribute('#claim', 'data-event'), String(e.id));
  assert.ok((await page.textContent('#claim-title')).includes(e.type));
  const one = await get(`/api/events/${e.id}`);
  const quote = await page.textContent('#claim-text');
  if (one.paragraph) {
    assert.equal(quote, one.paragraph);
    assert.equal(await page.textContent('#claim-text mark'), one.sentence);
  } else {
    assert.match(quote, /curated/);
    assert.equal(await page.getAttribute('#claim-facts a', 'href'), one.url);
  }
  await page.keyboard.press('Escape');
  await page.locator('#claim').waitFor({ state: 'hidden' });
  clean();
});

test('the relations panel lists the pair\'s events and filters them by type and date', async (t) => {
  const { page, clean } = await open(t);
  const { s, events } = await seriesWithEvents();
  await showSeries(page, s);
  const rows = page.locator('#events tbody tr');
  await page.waitForFunction((n) => document.querySelectorAll('#events tbody tr').length === n, Math.min(1000, events.length));
  assert.ok((await page.textContent('#events-pair')).includes(s.supplier));
  const type = events[0].type;
  await page.selectOption('#event-filters [name=type]', type);
  const want = events.filter((e) => e.type === type).length;
  const shows = (filters) => page.waitForFunction((f) => document.querySelector('#events').dataset.filters === f, filters);
  await shows(`type=${type}`);
  assert.equal(await rows.count(), want);
  assert.deepEqual([...new Set(await rows.evaluateAll((rs) => rs.map((r) => r.dataset.type)))], [type]);
  const since = eventDay(events[events.length - 1]).slice(0, 4);
  await page.fill('#event-filters [name=since]', since);
  const later = events.filter((e) => e.type === type && eventDay(e) >= since).length;
  await shows(`type=${type}&since=${since}`);
  assert.equal(await rows.count(), later);
  assert.equal(await page.textContent('#events-count'), `${later} events of the pair`);
  if (later) {
    // the click blurs the date input, which fires its "change": the table,
    // already showing these filters, must not reload under the click (a
    // reload between mousedown and mouseup lost the click)
    const reloads = [];
    const onRequest = (r) => { if (new URL(r.url()).pathname === '/api/events') reloads.push(r.url()); };
    page.on('request', onRequest);
    await rows.first().locator('button').click();
    await page.locator('#claim').waitFor();
    page.off('request', onRequest);
    assert.deepEqual(reloads, []);
    assert.equal(await page.getAttribute('#claim', 'data-event'), await rows.first().getAttribute('data-id'));
  }
  await page.click('#event-filters button[type=reset]');
  await shows('');
  assert.equal(await rows.count(), Math.min(1000, events.length));
  clean();
});

// A raw number: more than 4 digits with no comma, point or scale joining them.
const RAW = /(^|[^0-9.,])[0-9]{5,}([^0-9,.]|$)/;

test('the numbers are written for people: no raw number in the summary, chart, figures, flows, partners, documents and contradictions', async (t) => {
  const { page, clean } = await open(t);
  await page.locator('#partners svg').first().waitFor({ state: 'attached' });
  const texts = await page.evaluate(() => [
    ...['#series-summary', '#flows', '#partners'].map((q) => document.querySelector(q).textContent),
    // the contradictions in words (their rules' own figures folded away)
    ...[...document.querySelectorAll('#contradictions h3, #contradictions > li > p, #contradictions ul li')].map((e) => e.textContent),
    // documents by title or outlet and date, never by a number of their URL
    ...[...document.querySelectorAll('#claims tbody td.num, #claims tbody td[data-label="Document"]')].map((e) => e.textContent),
    ...[...document.querySelectorAll('#timeline svg text')].map((e) => e.textContent),
    ...[...document.querySelectorAll('#timeline .mark')].map((e) => e.getAttribute('aria-label')),
  ]);
  const raw = texts.filter((x) => RAW.test(x));
  assert.deepEqual(raw, []);
  // the figures are the API's texts
  const claims = await get('/api/claims?limit=5');
  const shown = await page.locator('#claims tbody td.num').allTextContents();
  for (const c of claims.claims) assert.ok(c.figure_text && !RAW.test(c.figure_text), c.figure_text);
  assert.ok(shown.length > 0 && shown.every((x) => x.length > 0));
  clean();
});

for (const viewport of [{ width: 1366, height: 768 }, { width: 390, height: 844 }]) {
  test(`no horizontal overflow at ${viewport.width}x${viewport.height}`, async (t) => {
    const { page, clean } = await open(t, viewport);
    const m = await page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      client: document.documentElement.clientWidth,
      wide: [...document.querySelectorAll('header, main > section, section > *, .chart svg')]
        .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
        .map((e) => e.id || e.className || e.tagName),
    }));
    assert.ok(m.scroll <= m.client, `page ${m.scroll} px wide in a ${m.client} px window`);
    assert.deepEqual(m.wide, []);
    // the timeline fits and its marks are on screen
    const box = await page.locator('#timeline svg').boundingBox();
    assert.ok(box.width <= viewport.width && box.width > 200, `timeline ${box.width} px`);
    // the claim panel fits too
    await page.locator('#claims tbody tr button').first().click();
    await page.locator('#claim').waitFor();
    const panel = await page.locator('#claim').boundingBox();
    assert.ok(panel.x >= 0 && panel.x + panel.width <= viewport.width + 0.5, JSON.stringify(panel));
    await page.keyboard.press('Escape');
    await page.screenshot({ path: `${SHOTS}/dashboard-${viewport.width}x${viewport.height}.png`, fullPage: true });
    clean();
  });
}

// Accessibility: axe-core (pinned in web/package-lock.json, injected into the
// page, the page's Content-Security-Policy bypassed for it alone) finds no
// serious or critical violation of WCAG 2 A and AA, with the claim panel
// closed and open.
test('no serious or critical accessibility finding (axe-core)', async (t) => {
  const { page, clean } = await open(t, { width: 1366, height: 768 }, { bypassCSP: true });
  await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
  const findings = () => page.evaluate(async () => {
    const r = await globalThis.axe.run(document, { runOnly: ['wcag2a', 'wcag2aa'] });
    return r.violations.filter((v) => ['serious', 'critical'].includes(v.impact))
      .map((v) => `${v.id} (${v.impact}): ${v.nodes.length}, e.g. ${v.nodes[0].target.join(' ')}`);
  });
  assert.deepEqual(await findings(), []);
  await page.locator('#timeline .mark').first().click();
  await page.locator('#claim').waitFor();
  assert.deepEqual(await findings(), []);
  clean();
});

// Exports: the shown series as CSV and JSON (the API's numbers), the chart
// as SVG and PNG; the permalink restores the series, the date and the
// filters; the citation names the database's last update.
test('exports, permalink and citation', async (t) => {
  const { page, clean } = await open(t);
  const series = await shownSeries(page);
  const download = async (button) => {
    const [d] = await Promise.all([page.waitForEvent('download'), page.click(button)]);
    const chunks = [];
    for await (const c of await d.createReadStream()) chunks.push(c);
    return { name: d.suggestedFilename(), body: Buffer.concat(chunks) };
  };
  const csv = await download('#export-csv');
  const lines = csv.body.toString().trim().split('\r\n');
  assert.equal(lines[0], 'date,q05,q25,median,q75,q95,extrapolated');
  assert.equal(lines.length - 1, series.estimates.length);
  assert.equal(Number(lines[1].split(',')[3]), series.estimates[0].median);
  const json = JSON.parse((await download('#export-json')).body.toString());
  assert.deepEqual(json.estimates, series.estimates);
  const svgFile = await download('#export-svg');
  assert.match(svgFile.name, /\.svg$/);
  assert.match(svgFile.body.toString(), /^<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"[\s\S]*<style>[\s\S]*<\/svg>$/);
  const png = await download('#export-png');
  assert.deepEqual([...png.body.subarray(1, 4)].map((c) => String.fromCharCode(c)).join(''), 'PNG');
  // the citation: counts and the last update
  const meta = await get('/api/meta');
  assert.match(meta.updated, /^\d{4}-\d{2}-\d{2}/);
  assert.ok((await page.textContent('#cite')).includes(`database updated ${meta.updated.slice(0, 10)}`));
  // the permalink: a date and a filter, then a fresh page at that address
  await page.fill('#known', '2024-06-30');
  await page.press('#known', 'Tab');
  await page.fill('#filters [name=source]', 'Shin');
  await page.waitForFunction(() => /known_by=2024-06-30.*f\.source=Shin/.test(document.querySelector('#permalink').getAttribute('href')));
  const href = await page.getAttribute('#permalink', 'href');
  const other = await (await page.context()).newPage();
  await other.goto(base + '/' + href);
  await other.locator('#claims tbody tr').first().waitFor();
  assert.equal(await other.inputValue('#known'), '2024-06-30');
  assert.equal(await other.inputValue('#filters [name=source]'), 'Shin');
  await other.waitForFunction((want) => document.querySelector('#claims-count').textContent.endsWith(`stated by ${want}`), '2024-06-30');
  assert.equal(await other.isVisible('.known-marker'), true);
  await other.close();
  clean();
});

// The claims table: figures sort by unit, then size; a blank says why it is
// blank; under 600 px each claim is a card whose lines name their column.
test('claims: unit-aware sorting, explained blanks, cards on a phone', async (t) => {
  const { page, clean } = await open(t);
  await page.click('#claims th[data-key=value] button');
  const ids = await rowIds(page);
  const { claims } = await get('/api/claims?limit=100');
  const byId = new Map(claims.map((c) => [c.id, c]));
  const keys = ids.map((id) => byId.get(id)).map((c) => [c.unit || '', c.low ?? c.high ?? 0]);
  for (let i = 1; i < keys.length; i++) {
    const [u0, v0] = keys[i - 1], [u1, v1] = keys[i];
    assert.ok(u0 < u1 || (u0 === u1 && v0 <= v1), `row ${i}: ${u0} ${v0} before ${u1} ${v1}`);
  }
  const blanks = await page.locator('#claims .blank').evaluateAll((bs) => bs.map((b) => b.title));
  for (const why of blanks) assert.ok(why.length > 10, `a blank without its reason: '${why}'`);
  clean();
  const phone = await open(t, { width: 390, height: 844 });
  const card = await phone.page.locator('#claims tbody tr').first().evaluate((tr) => ({
    display: getComputedStyle(tr).display,
    label: getComputedStyle(tr.querySelector('td'), '::before').content,
  }));
  assert.deepEqual(card, { display: 'block', label: '"Date: "' });
  phone.clean();
});

// Browser tests of the HTML report (issue 16): `tally report`'s page at a
// desktop's and a phone's width in Debian's chromium, through playwright-core.
//
//   TALLY_REPORT=/tmp/report.html node --test tests/browser/report.test.mjs
//
// tests/browser/run.sh writes the report of its test database and sets
// TALLY_REPORT; without it these tests are skipped.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { mkdirSync } from 'node:fs';

// Screenshots for a person to look at (make check leaves them):
// build/screenshots/ of the checkout, or TALLY_SCREENSHOTS.
const SHOTS = process.env.TALLY_SCREENSHOTS || 'build/screenshots';
mkdirSync(SHOTS, { recursive: true });

const require = createRequire(new URL('../../web/package.json', import.meta.url));
const { chromium } = require('playwright-core');
const file = process.env.TALLY_REPORT;

let browser;
before(async () => {
  if (!file) return;
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--headless'],
  });
});
after(async () => { await browser?.close(); });

async function open(t, viewport) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  t.after(() => context.close());
  await page.goto(pathToFileURL(file).href);
  return { page, problems };
}

for (const viewport of [{ width: 1366, height: 768 }, { width: 390, height: 844 }]) {
  test(`the report: no horizontal overflow at ${viewport.width}x${viewport.height}`, { skip: !file && 'TALLY_REPORT is not set' }, async (t) => {
    const { page, problems } = await open(t, viewport);
    const m = await page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      client: document.documentElement.clientWidth,
      wide: [...document.querySelectorAll('section, section > *, svg.chart, .pair > *')]
        .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
        .map((e) => e.id || e.className?.baseVal || e.className || e.tagName),
    }));
    assert.ok(m.scroll <= m.client, `page ${m.scroll} px wide in a ${m.client} px window`);
    assert.deepEqual(m.wide, []);
    assert.deepEqual(problems, []);
    // the first screen (the whole page is long)
    await page.screenshot({ path: `${SHOTS}/report-${viewport.width}x${viewport.height}.png` });
  });
}

test('the report: each series has its month-by-month table beside its chart', { skip: !file && 'TALLY_REPORT is not set' }, async (t) => {
  const { page } = await open(t, { width: 1366, height: 768 });
  const sections = await page.locator('section.series:has(svg.chart)').evaluateAll((ss) => ss.map((s) => {
    const chart = s.querySelector('svg.chart').getBoundingClientRect();
    const table = s.querySelector('table.months');
    if (!table) return { id: s.id, table: false };
    const box = table.getBoundingClientRect();
    return {
      id: s.id, table: true, rows: table.querySelectorAll('tbody tr').length,
      beside: box.left >= chart.right - 1 && box.top < chart.bottom,
      headline: s.querySelector('p.estimate strong.median') !== null,
    };
  }));
  assert.ok(sections.length > 0, 'no series with a chart');
  for (const s of sections) {
    assert.ok(s.table, `${s.id}: no month-by-month table`);
    assert.ok(s.rows > 0, `${s.id}: an empty month-by-month table`);
    assert.ok(s.beside, `${s.id}: the table is not beside the chart at 1366 px`);
    assert.ok(s.headline, `${s.id}: no headline`);
  }
});

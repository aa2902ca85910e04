// Builds tests/browser/fixtures.json, the canned answers of mock-server.mjs,
// from the real CLI, so the mock follows /work/baseline/API.md with real data.
//   node tests/browser/make-fixtures.mjs [TALLY_BINARY] [DB]
// The database is made fresh: `tally import`, `tally ingest examples` and the
// test briefing tests/data/aid-briefing.txt (euros and pounds).
// Needs the sqlite3 shell for the counts and for the document paragraphs.
import { execFileSync, spawn } from 'node:child_process';
import { writeFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
const tally = path.resolve(process.argv[2] || 'tally');
const db = process.argv[3] || '/tmp/tally-browser-fixtures.db';
const examples = path.join(path.dirname(tally), 'examples');

const run = (...args) => execFileSync(tally, [...args, '--db', db], { encoding: 'utf8', maxBuffer: 1 << 28 });
const jsonl = (text) => text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
const sql = (q) => JSON.parse(execFileSync('sqlite3', ['-json', db, q], { encoding: 'utf8' }) || '[]');

rmSync(db, { force: true });
execFileSync(tally, ['import', '--db', db]);
execFileSync(tally, ['ingest', '--db', db, examples], { stdio: 'ignore' });
execFileSync(tally, ['ingest', '--db', db, path.join(here, '..', 'data', 'aid-briefing.txt')], { stdio: 'ignore' });

const claims = jsonl(run('claims', '--format', 'jsonl'));
const clusters = jsonl(run('clusters', '--format', 'jsonl'));
const contradictions = jsonl(run('check', '--format', 'jsonl'));
const sources = jsonl(run('sources', '--format', 'jsonl'));
const flows = jsonl(run('estimate', '--all', '--format', 'json'));
const events = jsonl(run('events'));

// The cluster of each claim, for the "lead" and "cluster" the server adds to points.
const clusterOf = new Map();
for (const c of clusters) for (const m of c.members) clusterOf.set(m.id, c);

const series = {};
for (const f of flows) {
  const s = JSON.parse(run('estimate', f.supplier, f.recipient, f.item, '--unit', f.unit, '--format', 'json'));
  for (const p of s.points) {
    const c = clusterOf.get(p.claims[0]);
    p.lead = c ? c.lead : p.claims[0];
    p.cluster = c ? c.cluster : null;
  }
  series[[f.supplier, f.recipient, f.item, f.unit].join('|')] = s;
}

// "paragraph": the body between the blank lines around the sentence;
// "sentence_in_paragraph": the sentence's byte offsets within it; of claims
// and of events.
const blank = /\n[ \t]*\n/g;
for (const [table, rows] of [['claims', claims], ['events', events]]) {
const spans = new Map(sql(`select c.id, c.sentence_start s, c.sentence_end e, d.body
  from ${table} c join documents d on d.id = c.doc_id where c.sentence_start is not null`).map((r) => [r.id, r]));
for (const c of rows) {
  const r = spans.get(c.id);
  if (!r) { c.paragraph = null; c.sentence_in_paragraph = null; continue; }
  const body = Buffer.from(r.body, 'utf8');
  const text = body.toString('latin1'); // one char a byte: offsets stay bytes
  let start = 0, end = text.length, m;
  blank.lastIndex = 0;
  while ((m = blank.exec(text))) {
    if (m.index + m[0].length <= r.s) start = m.index + m[0].length;
    else if (m.index >= r.e) { end = m.index; break; }
  }
  c.paragraph = body.subarray(start, end).toString('utf8');
  c.sentence_in_paragraph = [r.s - start, r.e - start];
}
}

// /api/meta as the server answers it (counts, series, and the model's
// fields and vocabularies), from `tally serve` on the same database.
async function serverMeta() {
  const srv = spawn(tally, ['serve', '--db', db, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const url = await new Promise((resolve, reject) => {
      let out = '';
      srv.stdout.on('data', (d) => { out += d; const m = /http:\/\/\S+\//.exec(out); if (m) resolve(m[0]); });
      srv.on('exit', () => reject(new Error('tally serve did not start')));
    });
    return await (await fetch(url + 'api/meta')).json();
  } finally {
    srv.kill('SIGTERM');
  }
}
const meta = await serverMeta();

writeFileSync(path.join(here, 'fixtures.json'),
  JSON.stringify({ meta, series, flows, claims, clusters, sources, contradictions, events }) + '\n');
console.log(`fixtures.json: ${claims.length} claims, ${flows.length} series, ${contradictions.length} contradictions, ${events.length} events`);

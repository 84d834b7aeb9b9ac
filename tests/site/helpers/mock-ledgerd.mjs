// A stand-in for ledgerd used to develop the public site and to run the browser
// tests while the C++ server is not built. It serves public-site/ and the JSON API
// of docs/api.md from an in-memory reference log with real Merkle proofs and
// Ed25519-signed checkpoints (with two witness cosignatures). Its derived views
// are simplified; the real figures come from ledgerd.
//
//   node tests/site/helpers/mock-ledgerd.mjs [--port 8088]
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { fileURLToPath } from 'node:url';
import * as R from './reflog.mjs';

const siteRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../public-site');
export const MOCK_RECORDER_TOKEN = 'mock-recorder-token';

const MIME = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png',
  '.txt': 'text/plain; charset=utf-8', '.ico': 'image/x-icon', '.webmanifest': 'application/manifest+json',
};

function dateOf(e) {
  const b = e.body;
  return b.received_at || b.award_date || b.paid_at || b.spent_at || (b.period && /^\d{4}-\d{2}$/.test(b.period) ? b.period + '-01' : null) || e.time.slice(0, 10);
}

export class MockLedger {
  constructor() {
    this.log = new R.RefLog('demo.charity-ledger.example/log', 2);
    this.secrets = new Map();
    this.cpTime = new Map();
    this.demo();
  }

  append(type, body, by = 'recorder-1', time) {
    const r = this.log.append(type, body, by, time || new Date().toISOString().replace(/\.\d+Z$/, 'Z'));
    return r;
  }

  donate(fund, amount, received_at, extra = {}) {
    const secret = crypto.randomBytes(16);
    const body = { amount, channel: extra.channel || 'bank', donor: { commitment: R.commitment(secret) }, fund, received_at };
    if (extra.public_name) body.donor.public_name = extra.public_name;
    if (extra.campaign) body.campaign = extra.campaign;
    const r = this.append('donation', body);
    this.secrets.set(r.seq, secret);
    return { ...r, receipt: `${r.seq}-${secret.toString('hex')}` };
  }

  demo() {
    const t = (d) => `${d}T02:00:00Z`;
    this.append('fund.open', { id: 'poor-students', kind: 'charity', name: { en: 'Scholarships for students in need', zh: '贫困学生助学基金' }, purpose: 'Tuition and living grants' }, 'admin', t('2026-01-02'));
    this.append('fund.open', { id: 'disaster-relief', kind: 'charity', name: { en: 'Disaster relief', zh: '灾害救助基金' }, purpose: 'Emergency relief' }, 'admin', t('2026-01-02'));
    this.append('fund.open', { id: 'lottery-elderly', kind: 'lottery', name: { en: 'Welfare lottery: elderly care', zh: '福利彩票养老公益金' }, purpose: 'Elderly care homes' }, 'admin', t('2026-01-02'));
    const amounts = [50000, 120000, 8800, 1000000, 26666, 300000, 45000, 99999, 500000, 12345];
    amounts.forEach((a, i) => this.donate(i % 3 === 2 ? 'disaster-relief' : 'poor-students', a, `2026-0${1 + (i % 6)}-1${i % 10}`, i === 3 ? { public_name: '张三' } : {}));
    for (const [period, sales] of [['2026-01', 80000000], ['2026-02', 65000000], ['2026-03', 91000000]]) {
      this.append('lottery.allocation', { amount: Math.floor((sales * 2800) / 10000), fund: 'lottery-elderly', period, rate_bp: 2800, sales });
    }
    this.append('grant', { amount: 800000, award_date: '2026-03-01', fund: 'poor-students', id: 'g-2026-001', recipient: { id: 'org-hope', name: '希望小学' }, title: '2026 spring scholarships' });
    this.append('grant', { amount: 30000000, award_date: '2026-03-15', fund: 'lottery-elderly', id: 'g-2026-002', recipient: { id: 'org-care', name: '阳光养老院' }, title: 'Care home renovation' });
    this.append('disbursement', { amount: 500000, grant: 'g-2026-001', paid_at: '2026-03-05', payment_ref: 'BANK-0001' });
    this.append('disbursement', { amount: 20000000, grant: 'g-2026-002', paid_at: '2026-03-20', payment_ref: 'BANK-0002' });
    this.append('expense', { amount: 320000, category: 'tuition', description: '40 students, spring term', evidence_sha256: crypto.createHash('sha256').update('invoice-1').digest('hex'), grant: 'g-2026-001', spent_at: '2026-03-10' }, 'org-hope');
    this.append('expense', { amount: 15000000, category: 'construction', description: 'Accessible bathrooms', evidence_sha256: crypto.createHash('sha256').update('invoice-2').digest('hex'), grant: 'g-2026-002', spent_at: '2026-04-01' }, 'org-care');
    this.append('admin_cost', { amount: 20000, category: 'audit', fund: 'poor-students', period: '2026-03' });
    const d = this.donate('disaster-relief', 777, '2026-04-02');
    this.append('correction', { reason: 'Duplicate bank record', target: d.seq });
  }

  entry(seq) {
    const bytes = this.log.entries[seq];
    return { seq, leaf_hash: R.b64(this.log.leaves[seq]), entry: JSON.parse(bytes.toString()), raw: R.b64(bytes) };
  }

  entries() {
    return this.log.entries.map((_, i) => this.entry(i).entry);
  }

  checkpointNote() {
    const size = this.log.entries.length;
    if (!this.cpTime.has(size)) this.cpTime.set(size, new Date().toISOString().replace(/\.\d+Z$/, 'Z'));
    return this.log.checkpoint(size, Math.floor(Date.now() / 1000));
  }

  state(filter = () => true) {
    const es = this.entries();
    const corrected = new Set(es.filter((e) => e.type === 'correction').map((e) => e.body.target));
    const funds = new Map();
    const grants = new Map();
    const counts = () => ({ donations: 0, grants: 0, disbursements: 0, expenses: 0 });
    for (const e of es) {
      if (e.type === 'fund.open') funds.set(e.body.id, { id: e.body.id, name: e.body.name, purpose: e.body.purpose, kind: e.body.kind, income: 0, committed: 0, disbursed: 0, used: 0, admin_cost: 0, counts: counts() });
    }
    for (const e of es) {
      if (corrected.has(e.seq) || !filter(e)) continue;
      const b = e.body;
      if (e.type === 'donation' || e.type === 'lottery.allocation') {
        const f = funds.get(b.fund);
        f.income += b.amount;
        if (e.type === 'donation') f.counts.donations++;
      } else if (e.type === 'grant') {
        const f = funds.get(b.fund);
        f.committed += b.amount;
        f.counts.grants++;
        grants.set(b.id, { id: b.id, fund: b.fund, title: b.title, recipient: b.recipient, amount: b.amount, paid: 0, used: 0, award_date: b.award_date, programme: b.programme || null, seq: e.seq, disbursements: [], expenses: [] });
      } else if (e.type === 'disbursement') {
        const g = grants.get(b.grant);
        g.paid += b.amount;
        g.disbursements.push({ seq: e.seq, amount: b.amount, paid_at: b.paid_at, payment_ref: b.payment_ref, corrected: false });
        funds.get(g.fund).disbursed += b.amount;
        funds.get(g.fund).counts.disbursements++;
      } else if (e.type === 'expense') {
        const g = grants.get(b.grant);
        g.used += b.amount;
        g.expenses.push({ seq: e.seq, amount: b.amount, category: b.category, description: b.description, evidence_sha256: b.evidence_sha256, spent_at: b.spent_at, corrected: false });
        funds.get(g.fund).used += b.amount;
        funds.get(g.fund).counts.expenses++;
      } else if (e.type === 'admin_cost') {
        funds.get(b.fund).admin_cost += b.amount;
      }
    }
    for (const f of funds.values()) {
      f.balance = f.income - f.disbursed - f.admin_cost;
      f.uncommitted = f.income - f.committed - f.admin_cost;
    }
    return { es, funds, grants, corrected };
  }

  summary(g) {
    const { id, fund, title, recipient, amount, paid, used, award_date } = g;
    return { id, fund, title, recipient, amount, paid, used, award_date };
  }

  trace(seq) {
    // As ledgerd does: the fund's inflows and outflows laid end to end in log
    // order (first in, first out); the donation's share of each outflow is the
    // overlap of the two ranges, and of a grant's paid and used amounts likewise.
    const { es, corrected, grants } = this.state();
    const d = es[seq];
    if (!d || d.type !== 'donation') return null;
    const fund = d.body.fund;
    let a = 0;
    let pos = 0;
    for (const e of es) {
      if ((e.type === 'donation' || e.type === 'lottery.allocation') && e.body.fund === fund && !corrected.has(e.seq)) {
        if (e.seq === seq) a = pos;
        pos += e.body.amount;
      }
    }
    const b = a + d.body.amount;
    const overlap = (x0, x1, y0, y1) => Math.max(0, Math.min(x1, y1) - Math.max(x0, y0));
    const flows = [];
    let os = 0;
    for (const e of es) {
      const isGrant = e.type === 'grant' && e.body.fund === fund;
      const isAdmin = e.type === 'admin_cost' && e.body.fund === fund;
      if (!(isGrant || isAdmin) || corrected.has(e.seq)) continue;
      const oe = os + e.body.amount;
      const part = corrected.has(seq) ? 0 : overlap(a, b, os, oe);
      if (part > 0) {
        const ps = Math.max(a, os);
        const pe = Math.min(b, oe);
        if (isGrant) {
          const g = grants.get(e.body.id);
          flows.push({ seq: e.seq, amount: part, kind: 'grant', ref: e.body.id, title: g.title, grant_paid: overlap(ps, pe, os, os + g.paid), grant_used: overlap(ps, pe, os, os + g.used) });
        } else {
          flows.push({ seq: e.seq, amount: part, kind: 'admin_cost', ref: `${e.body.category} ${e.body.period}`, grant_paid: null, grant_used: null });
        }
      }
      os = oe;
    }
    const traced = flows.reduce((x, f) => x + f.amount, 0);
    return { seq, type: 'donation', fund, amount: d.body.amount, corrected: corrected.has(seq), flows, unspent: d.body.amount - traced };
  }

  report(from, to, fundId) {
    const inRange = (e) => { const d = dateOf(e); return d >= from && d <= to; };
    const before = (e) => dateOf(e) < from;
    const cur = this.state(inRange);
    const open = this.state(before);
    const fields = ['opening', 'income', 'granted', 'disbursed', 'used', 'admin_cost', 'closing'];
    const totals = Object.fromEntries(fields.map((f) => [f, 0]));
    totals.counts = { donations: 0, grants: 0, disbursements: 0, expenses: 0 };
    const funds = [];
    for (const f of cur.funds.values()) {
      if (fundId && f.id !== fundId) continue;
      const o = open.funds.get(f.id);
      const row = { id: f.id, name: f.name, opening: o.balance, income: f.income, granted: f.committed, disbursed: f.disbursed, used: f.used, admin_cost: f.admin_cost, closing: o.balance + f.balance, counts: f.counts };
      for (const k of fields) totals[k] += row[k];
      for (const k of Object.keys(totals.counts)) totals.counts[k] += f.counts[k];
      funds.push(row);
    }
    const size = this.log.entries.length;
    return { from, to, tree_size: size, root: R.b64(this.log.root()), funds, totals };
  }

  flows() {
    const { funds, grants } = this.state();
    const nodes = [{ id: 'src:donations', name: { zh: '社会捐赠', en: 'Donations' }, kind: 'source' }, { id: 'src:lottery', name: { zh: '福彩公益金', en: 'Welfare lottery' }, kind: 'source' }];
    const links = [];
    const es = this.state().es;
    const corrected = this.state().corrected;
    for (const f of funds.values()) {
      nodes.push({ id: 'fund:' + f.id, name: f.name, kind: 'fund' });
      const don = es.filter((e) => e.type === 'donation' && e.body.fund === f.id && !corrected.has(e.seq)).reduce((a, e) => a + e.body.amount, 0);
      const lot = es.filter((e) => e.type === 'lottery.allocation' && e.body.fund === f.id).reduce((a, e) => a + e.body.amount, 0);
      if (don) links.push({ source: 'src:donations', target: 'fund:' + f.id, value: don });
      if (lot) links.push({ source: 'src:lottery', target: 'fund:' + f.id, value: lot });
      if (f.admin_cost) links.push({ source: 'fund:' + f.id, target: 'admin', value: f.admin_cost });
    }
    nodes.push({ id: 'admin', name: { zh: '管理费用', en: 'Admin costs' }, kind: 'admin_cost' });
    nodes.push({ id: 'used', name: { zh: '已使用', en: 'Used' }, kind: 'used' });
    for (const g of grants.values()) {
      nodes.push({ id: 'grant:' + g.id, name: { zh: g.title, en: g.title }, kind: 'grant' });
      links.push({ source: 'fund:' + g.fund, target: 'grant:' + g.id, value: g.amount });
      if (g.used) links.push({ source: 'grant:' + g.id, target: 'used', value: g.used });
    }
    return { nodes, links };
  }

  lottery() {
    const { es, grants } = this.state();
    const periods = es.filter((e) => e.type === 'lottery.allocation').map((e) => ({ period: e.body.period, sales: e.body.sales, allocated: e.body.amount, granted: 0, used: 0 }));
    const lotteryFunds = new Set(es.filter((e) => e.type === 'fund.open' && e.body.kind === 'lottery').map((e) => e.body.id));
    for (const g of grants.values()) {
      if (!lotteryFunds.has(g.fund)) continue;
      const p = periods.find((x) => g.award_date.startsWith(x.period)) || periods[periods.length - 1];
      p.granted += g.amount;
      p.used += g.used;
    }
    const totals = { sales: 0, allocated: 0, granted: 0, used: 0 };
    for (const p of periods) for (const k of Object.keys(totals)) totals[k] += p[k];
    return { periods, totals };
  }

  compliance(year) {
    const y = String(year);
    const prev = this.report(`${+y - 1}-01-01`, `${+y - 1}-12-31`).totals;
    const cur = this.report(`${y}-01-01`, `${y}-12-31`).totals;
    const ratio = (a, b) => (b === 0 ? '0.0000' : (Math.floor((a * 10000) / b) / 10000).toFixed(4));
    const spending = cur.used + cur.disbursed;
    return {
      year: +y, previous_year_income: prev.income, charitable_spending: spending, spending_ratio: ratio(spending, prev.income), admin_cost: cur.admin_cost,
      admin_ratio: ratio(cur.admin_cost, spending), spending_ok: prev.income === 0 || spending * 10 >= prev.income * 7, admin_ok: cur.admin_cost * 10 <= spending,
      deadlines: [
        { what: `annual report ${y}`, due: `${+y + 1}-05-31`, met_on: null, missed: false },
        { what: `quarterly update g-2026-001 ${y}Q1`, due: `${y}-04-30`, met_on: `${y}-04-20`, missed: false },
        { what: 'results g-2026-002', due: `${y}-06-30`, met_on: null, missed: true },
      ],
    };
  }
}

function send(res, status, body, type = 'application/json') {
  const data = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': type, 'Access-Control-Allow-Origin': '*', 'Cache-Control': 'no-cache' });
  res.end(data);
}
const problem = (res, status, detail) => send(res, status, { type: 'about:blank', title: http.STATUS_CODES[status], status, detail }, 'application/problem+json');

export function createServer(ledger = new MockLedger()) {
  return http.createServer(async (req, res) => {
    const url = new URL(req.url, 'http://x');
    const p = url.pathname;
    const q = url.searchParams;
    const L = ledger;
    const size = L.log.entries.length;
    let m;
    try {
      if (req.method === 'POST' && p === '/api/v1/entries') {
        if (req.headers.authorization !== 'Bearer ' + MOCK_RECORDER_TOKEN) return problem(res, 401, 'bad token');
        let body = '';
        for await (const c of req) body += c;
        const j = JSON.parse(body);
        if (j.type !== 'donation') return problem(res, 422, 'mock accepts donations only');
        const b = j.body;
        const r = L.donate(b.fund, b.amount, b.received_at, { channel: b.channel });
        return send(res, 201, { seq: r.seq, leaf_hash: r.leaf_hash, entry: r.entry, receipt: r.receipt });
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') return problem(res, 405, 'method not allowed');
      if (p === '/healthz') return send(res, 200, { status: 'ok', tree_size: size });
      if (p === '/checkpoint') return send(res, 200, L.checkpointNote(), 'text/plain; charset=utf-8');
      if (p === '/api/v1/log') return send(res, 200, { origin: L.log.origin, vkey: L.log.signer.vkey, tree_size: size });
      if (p === '/api/v1/checkpoints/latest') {
        const note = L.checkpointNote();
        return send(res, 200, { size, root: R.b64(L.log.root()), time: L.cpTime.get(size), note, witnesses: L.log.witnesses.map((w) => ({ name: w.name, key_id: Buffer.from(w.id).toString('hex') })) });
      }
      if ((m = /^\/api\/v1\/entries\/(\d+)$/.exec(p))) {
        const seq = +m[1];
        if (seq >= size) return problem(res, 404, 'no such entry');
        return send(res, 200, L.entry(seq));
      }
      if (p === '/api/v1/entries') {
        const limit = Math.min(+(q.get('limit') || 50), 500);
        const start = +(q.get('cursor') || 0);
        const { es } = L.state();
        const sel = es.filter((e) => (!q.get('type') || e.type === q.get('type')) && (!q.get('fund') || e.body.fund === q.get('fund') || (e.type === 'fund.open' && e.body.id === q.get('fund'))) && (!q.get('from') || dateOf(e) >= q.get('from')) && (!q.get('to') || dateOf(e) <= q.get('to')));
        const page = sel.filter((e) => e.seq >= start).slice(0, limit + 1);
        const next = page.length > limit ? String(page[limit].seq) : null;
        return send(res, 200, { entries: page.slice(0, limit).map((e) => ({ seq: e.seq, leaf_hash: R.b64(L.log.leaves[e.seq]), entry: e })), next_cursor: next });
      }
      if (p === '/api/v1/proof/inclusion') {
        const seq = +q.get('seq');
        const sz = +(q.get('size') || size);
        if (!(seq < sz && sz <= size)) return problem(res, 400, 'bad seq or size');
        return send(res, 200, { seq, size: sz, root: R.b64(L.log.root(sz)), hashes: R.path(seq, L.log.leaves.slice(0, sz)).map(R.b64) });
      }
      if (p === '/api/v1/proof/consistency') {
        const from = +q.get('from');
        const to = +q.get('to');
        return send(res, 200, { from, to, hashes: R.consistency(from, L.log.leaves.slice(0, to)).map(R.b64) });
      }
      if (p === '/api/v1/funds') return send(res, 200, { tree_size: size, funds: [...L.state().funds.values()] });
      if ((m = /^\/api\/v1\/funds\/([^/]+)$/.exec(p))) {
        const st = L.state();
        const f = st.funds.get(decodeURIComponent(m[1]));
        if (!f) return problem(res, 404, 'no such fund');
        return send(res, 200, { ...f, grants: [...st.grants.values()].filter((g) => g.fund === f.id).map((g) => L.summary(g)) });
      }
      if (p === '/api/v1/grants') return send(res, 200, { grants: [...L.state().grants.values()].filter((g) => !q.get('fund') || g.fund === q.get('fund')).map((g) => L.summary(g)) });
      if ((m = /^\/api\/v1\/grants\/([^/]+)$/.exec(p))) {
        const g = L.state().grants.get(decodeURIComponent(m[1]));
        return g ? send(res, 200, g) : problem(res, 404, 'no such grant');
      }
      if ((m = /^\/api\/v1\/donations\/(\d+)\/trace$/.exec(p))) {
        const t = L.trace(+m[1]);
        return t ? send(res, 200, t) : problem(res, 404, 'not a donation');
      }
      if ((m = /^\/api\/v1\/receipts\/(\d+)$/.exec(p))) {
        const seq = +m[1];
        if (seq >= size || L.log.entries[seq] && JSON.parse(L.log.entries[seq]).type !== 'donation') return problem(res, 404, 'no such donation');
        L.checkpointNote();
        return send(res, 200, L.log.receipt(seq), 'text/plain; charset=utf-8');
      }
      if (p === '/api/v1/reports') {
        const r = L.report(q.get('from') || '0000-01-01', q.get('to') || '9999-12-31', q.get('fund'));
        if (q.get('format') === 'csv') {
          const cols = ['id', 'opening', 'income', 'granted', 'disbursed', 'used', 'admin_cost', 'closing'];
          const csv = [cols.join(','), ...r.funds.map((f) => cols.map((c) => f[c]).join(','))].join('\n') + '\n';
          return send(res, 200, csv, 'text/csv; charset=utf-8');
        }
        return send(res, 200, r);
      }
      if (p === '/api/v1/lottery') return send(res, 200, L.lottery());
      if (p === '/api/v1/compliance') return send(res, 200, L.compliance(q.get('year') || new Date().getUTCFullYear()));
      if (p === '/api/v1/flows') return send(res, 200, L.flows());
      if (p.startsWith('/api/') || p.startsWith('/tile/')) return problem(res, 404, 'not found');
      // static files
      let file = path.normalize(path.join(siteRoot, decodeURIComponent(p)));
      if (!file.startsWith(siteRoot)) return problem(res, 403, 'forbidden');
      if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
      if (!fs.existsSync(file)) return problem(res, 404, 'not found');
      res.writeHead(200, { 'Content-Type': MIME[path.extname(file)] || 'application/octet-stream', 'Cache-Control': 'no-cache' });
      fs.createReadStream(file).pipe(res);
    } catch (e) {
      problem(res, 500, String(e && e.stack || e));
    }
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const i = process.argv.indexOf('--port');
  const port = i > 0 ? +process.argv[i + 1] : 8088;
  const L = new MockLedger();
  createServer(L).listen(port, '127.0.0.1', () => {
    console.log(`mock ledgerd on http://127.0.0.1:${port}/  log key ${L.log.signer.vkey}`);
    const [seq, secret] = [...L.secrets.entries()][0];
    console.log(`sample receipt: ${seq}-${secret.toString('hex')}`);
  });
}

// Browser end-to-end tests of public-site/ in Debian's headless Chromium driven
// by playwright-core. Starts build/bin/ledgerd with the demo ledger (or, while
// the C++ server is not built, the Node mock, and says so), then checks the
// dashboard against the API, verifies a real receipt, a wrong secret and a
// tampered proof, switches language, and times the dashboard and verify page
// (printed beside their targets, not asserted: `make test` runs it against the
// unoptimised sanitizer build of ledgerd, LEDGER_BIN_DIR).
// Screenshots go to build/e2e/.
//
//   npm run test:e2e          (E2E_REQUIRE_LEDGERD=1 makes a missing ledgerd an error)
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { launch } from './browser.mjs';
import { ROOT, haveBinaries, MISSING_MESSAGE, startLedgerd, startMock, makeDonation, someFund, freePort } from '../helpers/ledgerd.mjs';
import { formatMoney, fenToYuanString } from '../../../public-site/js/format.js';

const OUT = path.join(ROOT, 'build/e2e');
fs.mkdirSync(OUT, { recursive: true });

let srv; // backend for the data pages: ledgerd with the charity domain, else the Node mock
let base; // where the site is loaded from
let vsrv; // backend for the verify tests: ledgerd whenever it is built (even log-only)
let vbase;
let browser;
let context;
const timings = {};
const problems = []; // console errors, page errors, off-site requests

const log = (...a) => console.log('#', ...a);

async function siteServedBy(url) {
  try {
    const r = await fetch(url + 'index.html');
    return r.ok && (await r.text()).includes('id="site-header"');
  } catch {
    return false;
  }
}

// A plain static server for public-site/ that forwards everything else to the
// backend, mounted under a prefix: proves the site uses relative URLs only.
async function startPrefixProxy(backend, prefix, overrides = {}) {
  const siteRoot = path.join(ROOT, 'public-site');
  const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.svg': 'image/svg+xml' };
  const server = http.createServer((req, res) => {
    if (!req.url.startsWith(prefix)) {
      res.writeHead(404);
      return res.end('outside prefix');
    }
    const rest = req.url.slice(prefix.length - 1); // keeps the leading '/'
    const p = decodeURIComponent(rest.split('?')[0]);
    if (overrides[p] !== undefined) {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      return res.end(overrides[p]);
    }
    const file = path.normalize(path.join(siteRoot, p === '/' ? '/index.html' : p));
    if (file.startsWith(siteRoot) && fs.existsSync(file) && fs.statSync(file).isFile()) {
      res.writeHead(200, { 'Content-Type': types[path.extname(file)] || 'application/octet-stream' });
      return fs.createReadStream(file).pipe(res);
    }
    const up = http.request(new URL(rest, backend), { method: req.method, headers: { ...req.headers, host: new URL(backend).host } }, (r) => {
      res.writeHead(r.statusCode, r.headers);
      r.pipe(res);
    });
    up.on('error', (e) => { res.writeHead(502); res.end(String(e)); });
    req.pipe(up);
  });
  const port = await freePort();
  await new Promise((r) => server.listen(port, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${port}${prefix}`, stop: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}

async function newPage(opts = {}) {
  const page = await context.newPage();
  if (opts.viewport) await page.setViewportSize(opts.viewport);
  page.on('pageerror', (e) => problems.push(`pageerror ${page.url()}: ${e.message}`));
  // Failed loads are judged by the response listener (it knows the URL).
  page.on('console', (m) => { if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(`console.error ${page.url()}: ${m.text()}`); });
  page.on('response', (r) => {
    if (r.status() < 400) return;
    const u = new URL(r.url());
    // A log-only ledgerd has no charity views; the verify page asks for the trace and fund names anyway.
    if (vsrv.mode === 'log' && page.url().includes('/verify.html') && /\/api\/v1\/(donations|funds)/.test(u.pathname) && r.status() === 404) return;
    problems.push(`HTTP ${r.status()} ${r.url()} (page ${page.url()})`);
  });
  page.on('request', (r) => {
    const u = r.url();
    if (!u.startsWith('http://127.0.0.1:') && !u.startsWith('blob:') && !u.startsWith('data:')) problems.push(`off-site request: ${u}`);
  });
  return page;
}

async function api(p) {
  const r = await fetch(srv.url + p);
  assert.equal(r.status, 200, `GET ${p} -> ${r.status}`);
  return r.json();
}

async function shot(page, name) {
  await page.screenshot({ path: path.join(OUT, name + '.png'), fullPage: true });
}

async function setLang(page, lang) {
  await page.evaluate((l) => localStorage.setItem('ledger.lang', l), lang);
}

async function a11yBasics(page) {
  return page.evaluate(() => {
    const issues = [];
    if (!document.documentElement.lang) issues.push('html has no lang');
    if (document.querySelectorAll('h1').length !== 1) issues.push(`${document.querySelectorAll('h1').length} h1 elements`);
    for (const el of document.querySelectorAll('input, select, textarea')) {
      if (el.type === 'hidden') continue;
      if (!(el.labels && el.labels.length) && !el.getAttribute('aria-label')) issues.push(`unlabelled ${el.tagName} ${el.id || el.name}`);
    }
    for (const b of document.querySelectorAll('button, a[href]')) {
      if (!(b.textContent.trim() || b.getAttribute('aria-label'))) issues.push(`no accessible name: ${b.outerHTML.slice(0, 80)}`);
    }
    if (!document.querySelector('main')) issues.push('no main landmark');
    if (!document.querySelector('nav')) issues.push('no nav landmark');
    return issues;
  });
}

async function noHorizontalOverflow(page) {
  return page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1);
}

async function siteBase(b) {
  if (await siteServedBy(b.url)) return b.url;
  // The backend does not serve public-site/ at /: serve it with a plain static server in front.
  b.proxy = await startPrefixProxy(b.url, '/');
  log(`${b.kind} does not serve public-site/ at /; serving it from ${b.proxy.url} in front of it`);
  return b.proxy.url;
}

before(async () => {
  if (haveBinaries()) {
    vsrv = await startLedgerd();
    log(`backend: build/bin/ledgerd on ${vsrv.url} (mode ${vsrv.mode}, data ${vsrv.dataDir})`);
    if (vsrv.mode === 'funds') {
      srv = vsrv;
    } else {
      if (process.env.E2E_REQUIRE_LEDGERD) throw new Error(`ledgerd has no charity domain: ${vsrv.demoError}`);
      srv = await startMock();
      log(`ledgerd is a log-only build (${vsrv.demoError}): receipts are verified against ledgerd, the data pages against the Node mock on ${srv.url}`);
    }
  } else {
    if (process.env.E2E_REQUIRE_LEDGERD) throw new Error(MISSING_MESSAGE);
    srv = vsrv = await startMock();
    log(`backend: Node mock on ${srv.url} — ${MISSING_MESSAGE}; rerun when it is built`);
  }
  base = await siteBase(srv);
  vbase = srv === vsrv ? base : await siteBase(vsrv);
  ({ context, close: browser } = await launch());
});

after(async () => {
  if (browser) await browser();
  for (const b of new Set([srv, vsrv])) {
    if (!b) continue;
    if (b.proxy) await b.proxy.stop();
    await b.stop();
  }
  log('timings (ms):', JSON.stringify(timings));
  log(`screenshots in ${path.relative(process.cwd(), OUT)}/`);
});

test('dashboard shows the API totals, and loads fast', async () => {
  const funds = (await api('api/v1/funds')).funds;
  assert.ok(funds.length > 0, 'demo ledger has funds');
  const page = await newPage();
  const loads = [];
  for (let i = 0; i < 3; i++) {
    await page.goto(base + 'index.html');
    await page.waitForSelector('body[data-ready="1"]', { timeout: 15000 });
    loads.push(await page.evaluate(() => ({
      totals: performance.getEntriesByName('ledger-totals')[0].startTime,
      ready: performance.getEntriesByName('ledger-ready')[0].startTime,
    })));
  }
  timings.dashboard_cold = Math.round(loads[0].ready);
  timings.dashboard_warm = Math.round(Math.min(loads[1].ready, loads[2].ready));
  timings.dashboard_totals_warm = Math.round(Math.min(loads[1].totals, loads[2].totals));
  log(`dashboard load: cold ${timings.dashboard_cold} ms, warm ${timings.dashboard_warm} ms (totals shown at ${timings.dashboard_totals_warm} ms); target < 1000 ms: ${timings.dashboard_warm < 1000 ? 'met' : 'MISSED'}`);

  // Totals shown equal the API's, fund by fund and summed (integer fen, BigInt).
  const fields = ['income', 'committed', 'disbursed', 'used', 'admin_cost', 'balance', 'uncommitted'];
  for (const k of fields) {
    const total = funds.reduce((a, f) => a + BigInt(f[k]), 0n);
    assert.equal(await page.textContent(`#totals-all [data-field="${k}"]`), formatMoney(total, 'zh-CN'), `all funds ${k}`);
    for (const f of funds) {
      assert.equal(await page.textContent(`[data-fund="${f.id}"] [data-field="${k}"]`), formatMoney(f[k], 'zh-CN'), `${f.id} ${k}`);
    }
  }
  const cp = await api('api/v1/checkpoints/latest');
  assert.equal((await page.textContent('#cp-size')).replace(/\D/g, ''), String(cp.size));
  // The Sankey chart rendered (canvas inside the chart box) and lottery table present.
  assert.ok(await page.$('#flow-chart canvas'), 'sankey canvas');
  assert.ok(await page.$('#lottery table'), 'lottery table');
  assert.deepEqual(await a11yBasics(page), []);
  await shot(page, 'dashboard-zh');

  await page.setViewportSize({ width: 390, height: 844 });
  await page.reload();
  await page.waitForSelector('body[data-ready="1"]');
  assert.ok(await noHorizontalOverflow(page), 'dashboard fits a phone screen');
  await shot(page, 'dashboard-phone');
  await page.close();
});

let receipt;
test('a real receipt code verifies in the browser, with the trace', async () => {
  const fundId = await someFund(vsrv);
  // Two donations before ours, so its inclusion proof has hashes to tamper with.
  for (const amount of [500, 600]) await makeDonation(vsrv, { fund: fundId, amount });
  const res = await makeDonation(vsrv, { fund: fundId, amount: 123456 });
  assert.match(res.receipt, /^\d+-[0-9a-f]{32}$/);
  receipt = res;
  // Make sure a checkpoint covers it before timing the page.
  const w = await fetch(vsrv.url + `api/v1/receipts/${res.seq}?wait=1`);
  assert.equal(w.status, 200);
  await w.text();

  const page = await newPage();
  const t0 = Date.now();
  await page.goto(vbase + 'verify.html#' + res.receipt);
  await page.waitForSelector('#verify-result[data-status="verified"], #verify-result[data-status="failed"]', { timeout: 15000 });
  const status = await page.getAttribute('#verify-result', 'data-status');
  const steps = await page.$$eval('#verify-steps li', (ls) => ls.map((l) => `${l.dataset.step}:${l.dataset.status}`));
  assert.equal(status, 'verified', `${await page.textContent('#verify-result')} ${steps.join(' ')}`);
  timings.verify_first = Number(await page.getAttribute('body', 'data-verify-ms'));
  for (const s of ['receipt_code', 'proof_format', 'entry', 'commitment', 'leaf', 'inclusion', 'checkpoint_signature']) {
    assert.ok(steps.includes(`${s}:ok`), `${s} ok in ${steps.join(' ')}`);
  }
  assert.match(await page.textContent('#verify-result'), /核验通过/);
  await page.waitForSelector('body[data-verified="1"]');
  if (vsrv.mode === 'funds') assert.ok(await page.isVisible('#verify-trace'), 'trace shown');
  assert.equal(await page.textContent('#donation-amount'), formatMoney(123456, 'zh-CN'));
  timings.verify_page_total = Date.now() - t0;

  // Time the verification after load (best of three, warm).
  const runs = [];
  for (let i = 0; i < 3; i++) {
    await page.reload();
    await page.waitForSelector('body[data-verified="1"]');
    assert.equal(await page.getAttribute('#verify-result', 'data-status'), 'verified');
    runs.push(Number(await page.getAttribute('body', 'data-verify-ms')));
  }
  timings.verify_warm = Math.min(...runs);
  log(`verify page: ${timings.verify_first} ms first, ${timings.verify_warm} ms warm after load; target < 300 ms: ${timings.verify_warm < 300 ? 'met' : 'MISSED'}`);
  assert.deepEqual(await a11yBasics(page), []);
  await shot(page, 'verify-ok-zh');

  await page.setViewportSize({ width: 390, height: 844 });
  assert.ok(await noHorizontalOverflow(page), 'verify page fits a phone screen');
  await shot(page, 'verify-ok-phone');
  await page.close();
});

test('a wrong secret fails at the commitment step, in donor words', async () => {
  assert.ok(receipt, 'needs the receipt from the previous test');
  const page = await newPage();
  await page.goto(vbase + 'verify.html');
  const wrong = receipt.receipt.slice(0, -1) + (receipt.receipt.endsWith('0') ? '1' : '0');
  await page.fill('#receipt-code', wrong);
  await page.press('#receipt-code', 'Enter'); // keyboard submit
  await page.waitForSelector('#verify-result[data-status="failed"]', { timeout: 15000 });
  assert.equal(await page.getAttribute('#verify-result', 'data-failed-step'), 'commitment');
  assert.match(await page.textContent('#verify-result'), /收据码中的密钥与这笔捐赠不符/);
  assert.equal(await page.getAttribute('#verify-steps li[data-step="commitment"]', 'data-status'), 'failed');
  assert.equal(await page.getAttribute('#verify-steps li[data-step="inclusion"]', 'data-status'), 'ok');
  assert.ok(page.url().endsWith('#' + wrong), 'code kept in the URL fragment');
  await shot(page, 'verify-wrong-secret');

  // A malformed code is named as such.
  await page.fill('#receipt-code', '12-xyz');
  await page.click('#verify-submit');
  await page.waitForFunction(() => document.querySelector('#verify-result').dataset.failedStep === 'receipt_code');
  assert.match(await page.textContent('#verify-result'), /收据码格式不对/);
  await page.close();
});

test('a tampered proof file fails at the inclusion step; the genuine file verifies offline', async () => {
  const proofText = await (await fetch(vsrv.url + `api/v1/receipts/${receipt.seq}?wait=1`)).text();
  const lines = proofText.split('\n');
  const hashLine = lines.findIndex((l) => l.startsWith('index ')) + 1; // first proof hash
  assert.match(lines[hashLine], /^[A-Za-z0-9+/]{43}=$/, 'proof has hash lines');
  const b = Buffer.from(lines[hashLine], 'base64');
  b[7] ^= 0x20;
  const tampered = lines.slice();
  tampered[hashLine] = b.toString('base64');
  const good = path.join(OUT, 'receipt.tlog-proof');
  const bad = path.join(OUT, 'receipt-tampered.tlog-proof');
  fs.writeFileSync(good, proofText);
  fs.writeFileSync(bad, tampered.join('\n'));

  const page = await newPage();
  await page.goto(vbase + 'verify.html');
  await page.waitForSelector('body[data-ready="1"]');
  await page.fill('#receipt-code', receipt.receipt); // used for the commitment step when it matches the file
  await page.setInputFiles('#proof-file', bad);
  await page.waitForSelector('#verify-result[data-status="failed"]', { timeout: 15000 });
  assert.equal(await page.getAttribute('#verify-result', 'data-failed-step'), 'inclusion');
  assert.match(await page.textContent('#verify-result'), /这笔记录与公开账本对不上/);
  assert.equal(await page.getAttribute('#verify-steps li[data-step="checkpoint_signature"]', 'data-status'), 'ok', 'only the proof was altered');
  await shot(page, 'verify-tampered');

  await page.setInputFiles('#proof-file', good);
  await page.waitForSelector('#verify-result[data-status="verified"]', { timeout: 15000 });
  assert.equal(await page.getAttribute('#verify-steps li[data-step="commitment"]', 'data-status'), 'ok');

  // Tampered record (amount changed) in the file: also the inclusion step.
  const entry = JSON.parse(Buffer.from(lines[1].slice(6), 'base64').toString());
  entry.body.amount = 99999999;
  const canon = (v) => (Array.isArray(v) ? `[${v.map(canon).join(',')}]` : v && typeof v === 'object' ? `{${Object.keys(v).sort().map((k) => JSON.stringify(k) + ':' + canon(v[k])).join(',')}}` : JSON.stringify(v));
  const t2 = lines.slice();
  t2[1] = 'extra ' + Buffer.from(canon(entry)).toString('base64');
  const bad2 = path.join(OUT, 'receipt-amount-changed.tlog-proof');
  fs.writeFileSync(bad2, t2.join('\n'));
  await page.setInputFiles('#proof-file', bad2);
  await page.waitForSelector('#verify-result[data-status="failed"]', { timeout: 15000 });
  assert.equal(await page.getAttribute('#verify-result', 'data-failed-step'), 'inclusion');
  await page.close();
});

test('language switch to English persists and back', async () => {
  const page = await newPage();
  await page.goto(vbase + 'verify.html#' + receipt.receipt);
  await page.waitForSelector('#verify-result[data-status="verified"]');
  assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
  await page.focus('#lang-switch');
  await page.keyboard.press('Enter'); // keyboard operable
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.match(await page.textContent('#verify-result'), /^Verified/);
  assert.match(await page.textContent('h1'), /Verify my donation/);
  assert.match(await page.textContent('#verify-steps li[data-step="commitment"]'), /this is your donation/);
  await shot(page, 'verify-ok-en');
  await page.reload();
  await page.waitForSelector('#verify-result[data-status="verified"]');
  assert.equal(await page.getAttribute('html', 'lang'), 'en', 'choice persisted');
  await page.click('#lang-switch');
  assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
  assert.match(await page.textContent('#verify-result'), /核验通过/);

  await page.goto(base + 'index.html');
  await page.waitForSelector('body[data-ready="1"]');
  await page.click('#lang-switch');
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.match(await page.textContent('#totals-all [data-field="income"]'), /^¥[\d,]+\.\d\d$/);
  assert.match(await page.textContent('#h-totals'), /Totals per fund/);
  await page.reload();
  await page.waitForSelector('body[data-ready="1"]');
  assert.equal(await page.getAttribute('html', 'lang'), 'en', 'choice persisted on the dashboard');
  await shot(page, 'dashboard-en');
  await page.click('#lang-switch');
  assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
  assert.match(await page.textContent('#totals-all [data-field="income"]'), / 元$/);
  await page.close();
});

test('funds, fund, grant, entries, reports and compliance pages render the API data', async () => {
  const page = await newPage();
  const funds = (await api('api/v1/funds')).funds;
  await page.goto(base + 'funds.html');
  await page.waitForSelector('body[data-ready="1"]');
  assert.equal(await page.$$eval('#funds tbody tr', (r) => r.length), funds.length);
  assert.deepEqual(await a11yBasics(page), []);
  await shot(page, 'funds');

  const withGrant = [];
  for (const f of funds) {
    const d = await api('api/v1/funds/' + encodeURIComponent(f.id));
    if (d.grants && d.grants.length) withGrant.push(d);
  }
  const f0 = withGrant[0] || funds[0];
  await page.goto(base + 'fund.html?id=' + encodeURIComponent(f0.id));
  await page.waitForSelector('body[data-ready="1"]');
  assert.equal(await page.textContent('[data-field="income"]'), formatMoney(f0.income, 'zh-CN'));
  await shot(page, 'fund');

  if (withGrant.length) {
    const g = await api('api/v1/grants/' + encodeURIComponent(withGrant[0].grants[0].id));
    await page.goto(base + 'grant.html?id=' + encodeURIComponent(g.id));
    await page.waitForSelector('body[data-ready="1"]');
    assert.match(await page.textContent('.bar-value[data-field="promised"]'), new RegExp('^' + formatMoney(g.amount, 'zh-CN').replace(/[.]/g, '\\.')));
    assert.match(await page.textContent('.bar-value[data-field="paid"]'), new RegExp('^' + formatMoney(g.paid, 'zh-CN').replace(/[.]/g, '\\.')));
    assert.match(await page.textContent('.bar-value[data-field="used"]'), new RegExp('^' + formatMoney(g.used, 'zh-CN').replace(/[.]/g, '\\.')));
    const ev = (g.expenses || []).map((x) => x.evidence_sha256).filter(Boolean);
    if (ev.length) assert.ok((await page.$$eval('code.evidence', (c) => c.map((x) => x.textContent))).includes(ev[0]));
    assert.deepEqual(await a11yBasics(page), []);
    await shot(page, 'grant');
  }

  await page.goto(base + 'entries.html?type=donation');
  await page.waitForSelector('body[data-ready="1"]');
  const types = await page.$$eval('#entries tbody tr td:nth-child(3)', (c) => [...new Set(c.map((x) => x.textContent))]);
  assert.deepEqual(types, ['捐赠'], 'type filter');
  // open an entry and check its inclusion against the signed checkpoint in the browser
  await page.click('#entries tbody tr th a');
  await page.waitForSelector('#entry-detail h2');
  await page.click('#entry-detail button');
  await page.waitForSelector('#entry-check');
  assert.equal(await page.getAttribute('#entry-check', 'data-status'), 'verified', await page.textContent('#entry-check'));
  assert.deepEqual(await a11yBasics(page), []);
  await shot(page, 'entries');

  const year = 2018; // inside the demo's 2016-2020
  const rep = await api(`api/v1/reports?from=${year}-01-01&to=${year}-12-31`);
  await page.goto(base + `reports.html?kind=year&year=${year}`);
  await page.waitForSelector('body[data-ready="1"]');
  // Wide report tables say the unit in the column header and show plain amounts.
  assert.equal(await page.textContent('#report tfoot [data-field="income"]'), fenToYuanString(rep.totals.income));
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#dl-json')]);
  assert.equal(JSON.parse(fs.readFileSync(await dl.path(), 'utf8')).totals.income, rep.totals.income, 'JSON download is the API report');
  assert.deepEqual(await a11yBasics(page), []);
  await shot(page, 'reports');

  await page.goto(base + `compliance.html?year=${year}`);
  await page.waitForSelector('body[data-ready="1"]');
  assert.ok(await page.$('#spending .badge'), 'spending ratio verdict shown');
  assert.deepEqual(await a11yBasics(page), []);
  await shot(page, 'compliance');
  await page.close();
});

test('entries page pages through the log with next/previous', async () => {
  const page = await newPage();
  await page.goto(base + 'entries.html?limit=5');
  await page.waitForSelector('body[data-ready="1"]');
  const firstPage = await page.$$eval('#entries tbody th a', (a) => a.map((x) => x.textContent));
  assert.equal(firstPage.length, 5);
  assert.ok(await page.isDisabled('#prev'));
  await page.click('#next');
  await page.waitForFunction((f) => {
    const a = [...document.querySelectorAll('#entries tbody th a')].map((x) => x.textContent);
    return a.length > 0 && a[0] !== f;
  }, firstPage[0]);
  const second = await page.$$eval('#entries tbody th a', (a) => a.map((x) => x.textContent));
  assert.ok(Number(second[0].slice(1)) > Number(firstPage[4].slice(1)), `page 2 follows page 1: ${firstPage} / ${second}`);
  await page.click('#prev');
  await page.waitForFunction((f) => document.querySelector('#entries tbody th a') && document.querySelector('#entries tbody th a').textContent === f, firstPage[0]);
  await page.close();
});

test('pinned keys in config.json: witness cosignatures verify, and a server presenting another log key is caught', async () => {
  const mock = await startMock(); // has two witnesses
  const { newSigner } = await import('../helpers/reflog.mjs');
  const donation = await makeDonation(mock, { fund: await someFund(mock), amount: 777 });
  const cfg = (o) => JSON.stringify({ log_vkey: null, origin: null, witnesses: [], witness_quorum: 1, ...o });
  const good = await startPrefixProxy(mock.url, '/p/', { '/config.json': cfg({ log_vkey: mock.vkey, witnesses: mock.ledger.log.witnesses.map((w) => w.vkey), witness_quorum: 2 }) });
  const evil = await startPrefixProxy(mock.url, '/p/', { '/config.json': cfg({ log_vkey: newSigner(mock.origin).vkey }) });
  try {
    const page = await newPage();
    await page.goto(good.url + 'verify.html#' + donation.receipt);
    await page.waitForSelector('#verify-result[data-status="verified"]', { timeout: 15000 });
    assert.equal(await page.getAttribute('#verify-steps li[data-step="cosignatures"]', 'data-status'), 'ok');
    assert.match(await page.textContent('#key-source'), /固定/);
    await shot(page, 'verify-witnesses');
    await page.goto(evil.url + 'verify.html#' + donation.receipt);
    await page.waitForSelector('#verify-result[data-status="failed"]', { timeout: 15000 });
    assert.equal(await page.getAttribute('#verify-result', 'data-failed-step'), 'checkpoint_signature');
    assert.match(await page.textContent('#verify-result'), /签名无效/);
    await page.close();
  } finally {
    await good.stop();
    await evil.stop();
    await mock.stop();
  }
});

test('the site works under a path prefix (relative URLs only)', async () => {
  const proxy = await startPrefixProxy(srv.url, '/some/prefix/');
  try {
    const page = await newPage();
    await page.goto(proxy.url + 'index.html');
    await page.waitForSelector('body[data-ready="1"]');
    const funds = (await api('api/v1/funds')).funds;
    const total = funds.reduce((a, f) => a + BigInt(f.income), 0n);
    assert.equal(await page.textContent('#totals-all [data-field="income"]'), formatMoney(total, 'zh-CN'));
    const vproxy = vsrv === srv ? proxy : await startPrefixProxy(vsrv.url, '/other/prefix/');
    try {
      await page.goto(vproxy.url + 'verify.html#' + receipt.receipt);
      await page.waitForSelector('#verify-result[data-status="verified"]', { timeout: 15000 });
    } finally {
      if (vproxy !== proxy) await vproxy.stop();
    }
    await page.close();
  } finally {
    await proxy.stop();
  }
});

test('no console errors, no off-site requests (no CDN)', () => {
  assert.deepEqual(problems, []);
});

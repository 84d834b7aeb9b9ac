// Shared pieces of the browser tests that need the real C++ server: pages
// opened in Debian's Chromium with every console error, page error, failed
// request and off-site request recorded; axe-core; a static mirror made by
// `ledgerctl publish` and served by nginx as docs/operations.md configures it.
//
// The site under test is public-site/, or SITE_DIR (to run a test against
// another copy of the site, e.g. the code before a fix).
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { launch } from './browser.mjs';
import { ROOT, haveBinaries, MISSING_MESSAGE, freePort, ctl } from '../helpers/ledgerd.mjs';

export const SITE = process.env.SITE_DIR ? path.resolve(process.env.SITE_DIR) : path.join(ROOT, 'public-site');
export const OUT = path.join(ROOT, 'build/e2e');
fs.mkdirSync(OUT, { recursive: true });

/** false, or why the tests that need ledgerd are skipped (an error with E2E_REQUIRE_LEDGERD=1). */
export function skipWithoutLedgerd() {
  if (haveBinaries()) return false;
  if (process.env.E2E_REQUIRE_LEDGERD) throw new Error(MISSING_MESSAGE);
  return MISSING_MESSAGE;
}

export const log = (...a) => console.log('#', ...a);

/** Chromium with a fresh profile; newPage() records problems per page and sets the language (zh-CN unless told) on every load. */
export async function openBrowser() {
  const { context, close } = await launch();
  const problems = [];
  async function newPage({ viewport, lang = 'zh-CN', allow = () => false } = {}) {
    const page = await context.newPage();
    if (viewport) await page.setViewportSize(viewport);
    if (lang) await page.addInitScript((l) => { try { localStorage.setItem('ledger.lang', l); } catch { /* about:blank */ } }, lang);
    page.on('pageerror', (e) => problems.push(`pageerror ${page.url()}: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(`console.error ${page.url()}: ${m.text()}`);
    });
    page.on('response', (r) => {
      if (r.status() >= 400 && !allow(r)) problems.push(`HTTP ${r.status()} ${r.url()} (page ${page.url()})`);
    });
    page.on('request', (r) => {
      const u = r.url();
      if (!u.startsWith('http://127.0.0.1:') && !u.startsWith('blob:') && !u.startsWith('data:')) problems.push(`off-site request: ${u}`);
    });
    return page;
  }
  return { context, close, newPage, problems };
}

/** Opens `url` and waits until the page says it has rendered (body[data-ready]). Returns the response. */
export async function load(page, url, ready = 'ready') {
  const res = await page.goto(url);
  if (res && res.status() === 404) return res;
  await page.waitForSelector(`body[data-${ready}="1"]`, { timeout: 20000 });
  return res;
}

const AXE = path.join(ROOT, 'node_modules/axe-core/axe.min.js');

/** axe-core's serious and critical violations on the page, as short strings. */
export async function axeSerious(page) {
  // Evaluated through DevTools, which the pages' Content-Security-Policy (script-src 'self') does not
  // govern; a <script> tag with axe inline would be refused.
  await page.evaluate(fs.readFileSync(AXE, 'utf8'));
  const res = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.length}x, e.g. ${v.nodes[0].target.join(' ')})`);
  });
  return res;
}

/** True when the page is no wider than the window (no sideways page scroll). */
export function fitsWidth(page) {
  return page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
}

/**
 * `ledgerctl publish` of dataDir into a fresh directory, served by nginx on
 * loopback with the configuration of docs/operations.md (query endpoints
 * answer their default variant; a collection path falls back to
 * <path>/index.json). Returns {url, out, stop()}; null when nginx is missing.
 */
export async function startMirror(dataDir, site = SITE) {
  const nginx = '/usr/sbin/nginx';
  if (!fs.existsSync(nginx)) return null;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ledger-mirror-'));
  const out = path.join(dir, 'out');
  ctl(['publish', '--data', dataDir, '--out', out, '--site', site]);
  const port = await freePort();
  fs.mkdirSync(path.join(dir, 'tmp'));
  fs.writeFileSync(path.join(dir, 'nginx.conf'), `daemon off; master_process off; pid ${dir}/nginx.pid; error_log ${dir}/error.log;
events { worker_connections 64; }
http {
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  access_log off;
  client_body_temp_path ${dir}/tmp; proxy_temp_path ${dir}/tmp; fastcgi_temp_path ${dir}/tmp; uwsgi_temp_path ${dir}/tmp; scgi_temp_path ${dir}/tmp;
  server {
    listen 127.0.0.1:${port};
    root ${out};
    location = /checkpoint { default_type "text/plain; charset=utf-8"; }
    location /api/v1/receipts/ { default_type "text/plain; charset=utf-8"; }
    location /api/ { default_type "application/json; charset=utf-8"; try_files $uri $uri/index.json =404; }
  }
}
`);
  const proc = spawn(nginx, ['-p', dir, '-c', path.join(dir, 'nginx.conf')], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}/`;
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(url + 'checkpoint')).ok) break;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const stop = async () => {
    proc.kill('SIGTERM');
    await new Promise((r) => (proc.exitCode !== null ? r() : proc.once('exit', r)));
    if (!process.env.KEEP_DATA) fs.rmSync(dir, { recursive: true, force: true });
  };
  // A second publish into the same directory writes only what is new (the mirror catches up).
  const republish = () => ctl(['publish', '--data', dataDir, '--out', out, '--site', site]);
  return { url, out, stop, republish };
}

/**
 * An HTTP proxy in front of `backend` on its own port (one browser origin
 * for the whole test, so localStorage persists), where a test can replace
 * what one path answers: overrides.set('/checkpoint', {type, body}).
 */
export async function startProxy(backend) {
  const overrides = new Map();
  const server = http.createServer((req, res) => {
    const p = req.url.split('?')[0];
    if (overrides.has(p)) {
      const o = overrides.get(p);
      res.writeHead(200, { 'Content-Type': o.type || 'text/plain; charset=utf-8', 'Cache-Control': 'no-cache' });
      return res.end(o.body);
    }
    const up = http.request(new URL(req.url, backend), { method: req.method, headers: { ...req.headers, host: new URL(backend).host } }, (r) => {
      res.writeHead(r.statusCode, r.headers);
      r.pipe(res);
    });
    up.on('error', (e) => { res.writeHead(502); res.end(String(e)); });
    req.pipe(up);
  });
  const port = await freePort();
  await new Promise((r) => server.listen(port, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${port}/`, overrides, stop: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}

// How many bytes a first visit to the dashboard transfers (issue 13: under
// 400 KB), measured in Chromium with its cache off: the sum of every
// response's encoded length on the wire (headers included), per request.
//
// Imported by the e2e tests (which assert the limit: bytes are
// deterministic), and run by `make bench` (bench/run.sh) to print the figure
// beside its limit:  node tests/site/e2e/weight.mjs   (SITE_DIR=DIR measures another copy of the site)
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const DASHBOARD_LIMIT_BYTES = 400 * 1024;

/** {total, requests:[{url, bytes, encoding}]} for loading `url` (waits for body[data-ready]). */
export async function measureTransfer(context, url, { viewport = { width: 1366, height: 900 } } = {}) {
  const page = await context.newPage();
  await page.setViewportSize(viewport);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  const urls = new Map();
  const encodings = new Map();
  const requests = [];
  cdp.on('Network.responseReceived', (e) => {
    urls.set(e.requestId, e.response.url);
    const h = Object.fromEntries(Object.entries(e.response.headers).map(([k, v]) => [k.toLowerCase(), v]));
    encodings.set(e.requestId, h['content-encoding'] || '');
  });
  cdp.on('Network.loadingFinished', (e) => {
    requests.push({ url: urls.get(e.requestId) || e.requestId, bytes: e.encodedDataLength, encoding: encodings.get(e.requestId) || '' });
  });
  await page.goto(url);
  await page.waitForSelector('body[data-ready="1"]', { timeout: 20000 });
  await page.waitForLoadState('networkidle');
  await page.close();
  const total = requests.reduce((a, r) => a + r.bytes, 0);
  return { total, requests: requests.sort((a, b) => b.bytes - a.bytes) };
}

export function describe(m, limit = DASHBOARD_LIMIT_BYTES) {
  const kb = (n) => (n / 1024).toFixed(1) + ' KB';
  const lines = [`dashboard first visit: ${kb(m.total)} transferred in ${m.requests.length} requests (limit ${kb(limit)}): ${m.total <= limit ? 'met' : 'MISSED'}`];
  for (const r of m.requests.slice(0, 6)) lines.push(`  ${kb(r.bytes).padStart(9)} ${r.encoding || 'identity'} ${new URL(r.url).pathname}`);
  return lines.join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { startLedgerd, haveBinaries, MISSING_MESSAGE } = await import('../helpers/ledgerd.mjs');
  const { launch } = await import('./browser.mjs');
  if (!haveBinaries()) {
    console.error(MISSING_MESSAGE);
    process.exit(2);
  }
  const srv = await startLedgerd({ site: process.env.SITE_DIR || null });
  const { context, close } = await launch();
  try {
    console.log(describe(await measureTransfer(context, srv.url + 'index.html')));
  } finally {
    await close();
    await srv.stop();
  }
}

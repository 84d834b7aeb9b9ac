// Development helper: screenshot a page. node tests/site/e2e/shot.mjs URL OUT.png [width] [lang]
import { launch } from './browser.mjs';
const [url, out, width = '1280', lang] = process.argv.slice(2);
const { context, close } = await launch();
const page = await context.newPage();
page.on('console', (m) => console.log('console:', m.type(), m.text()));
page.on('pageerror', (e) => console.log('pageerror:', e.message));
await page.setViewportSize({ width: +width, height: 900 });
if (lang) { await page.goto(new URL('index.html', url).href); await page.evaluate((l) => localStorage.setItem('ledger.lang', l), lang); }
const t0 = Date.now();
await page.goto(url);
await page.waitForSelector('body[data-ready="1"]', { timeout: 10000 }).catch(() => console.log('not ready'));
console.log('ready after', Date.now() - t0, 'ms');
await page.screenshot({ path: out, fullPage: true });
await close();

// The verify page's memory of the log (issue 13): the browser remembers the
// last checkpoint it verified and checks that the next one extends it, with
// the consistency proof from ledgerd or, on the static mirror, from the
// tiles; a checkpoint replaced by a forged one of the same size (signed with
// the log's own key, as a compromised server could) raises a loud fork
// warning with the two notes as evidence. Keys pinned in config.json are
// used instead of the server's, and a real witness's cosignatures are
// counted against the pinned quorum.
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { startLedgerd, makeDonation, someFund, freePort, ctl, LEDGERCTL } from '../helpers/ledgerd.mjs';
import * as R from '../helpers/reflog.mjs';
import { SITE, OUT, skipWithoutLedgerd, openBrowser, load, startMirror, startProxy } from './harness.mjs';

const skip = skipWithoutLedgerd();

let srv;
let browser;
let witness; // {proc, vkey, dir}
let fund;

/** A C2SP tlog-witness (`ledgerctl witness`) for the log key `logVkey`. */
async function startWitness(logVkey) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ledger-witness-'));
  const vkey = ctl(['witness-key', '--data', dir, '--name', 'w1.e2e.example/witness']).trim().split('\n').pop().trim();
  const port = await freePort();
  const w = spawn(LEDGERCTL, ['witness', '--data', dir, '--listen', `127.0.0.1:${port}`, '--log-vkey', logVkey], { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    try {
      await fetch(`http://127.0.0.1:${port}/`);
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return { proc: w, vkey, dir, url: `http://127.0.0.1:${port}` };
}

async function settle(base, seq) {
  await (await fetch(base + `api/v1/receipts/${seq}?wait=1`)).text();
}

before(async () => {
  if (skip) return;
  srv = await startLedgerd({
    origin: 'history.charity-ledger.example/log',
    site: SITE,
    beforeStart: async ({ vkey }) => {
      witness = await startWitness(vkey);
      return ['--witness', `${witness.url}=${witness.vkey}`, '--witness-quorum', '1'];
    },
  });
  fund = await someFund(srv);
  browser = await openBrowser();
});

after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
  if (witness) {
    witness.proc.kill('SIGTERM');
    fs.rmSync(witness.dir, { recursive: true, force: true });
  }
});

async function status(page) {
  await page.waitForSelector('#log-consistency:not([data-status="running"])', { timeout: 20000 });
  return page.getAttribute('#log-consistency', 'data-status');
}

/** The log's current checkpoint with another root, signed with the log's own private key. */
function forgedCheckpoint(note) {
  const signer = R.signerFromKeyText(fs.readFileSync(path.join(srv.dataDir, 'log.key'), 'utf8'));
  const [origin, size] = note.split('\n');
  const root = new Uint8Array(32).fill(7);
  return R.signedCheckpoint(signer, R.checkpointText(origin, Number(size), root));
}

test('ledgerd: first visit remembered, growth proven, a forged checkpoint of the same size raises the fork warning', { skip }, async () => {
  const proxy = await startProxy(srv.url); // one browser origin for every visit
  try {
    const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    await load(page, proxy.url + 'verify.html');
    assert.equal(await status(page), 'first');
    await load(page, proxy.url + 'verify.html');
    assert.equal(await status(page), 'same');

    const d = await makeDonation(srv, { fund, amount: 2500 });
    await settle(srv.url, d.seq);
    await load(page, proxy.url + 'verify.html');
    assert.equal(await status(page), 'grew');
    assert.match(await page.textContent('#log-consistency'), /一致性证明通过/);

    // The server (or whoever holds its key) now shows another history of the same size.
    const note = await (await fetch(srv.url + 'checkpoint')).text();
    proxy.overrides.set('/checkpoint', { body: forgedCheckpoint(note) });
    await load(page, proxy.url + 'verify.html');
    assert.equal(await status(page), 'fork');
    const warning = page.locator('#log-consistency .fork-warning[role="alert"]');
    assert.ok(await warning.isVisible());
    assert.match(await warning.textContent(), /账本出现分叉/);
    const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#fork-evidence')]);
    const ev = JSON.parse(fs.readFileSync(await dl.path(), 'utf8'));
    assert.equal(ev.remembered.size, ev.current.size);
    assert.notEqual(ev.remembered.root, ev.current.root);
    assert.ok(ev.remembered.note.includes(ev.remembered.root) && ev.current.note.includes(ev.current.root));
    await page.screenshot({ path: path.join(OUT, 'verify-fork-zh.png'), fullPage: true });
    await page.close();
    const en = await browser.newPage({ lang: 'en', viewport: { width: 390, height: 844 } });
    await load(en, proxy.url + 'verify.html');
    assert.equal(await status(en), 'fork');
    assert.match(await en.textContent('#log-consistency'), /the ledger has forked/);
    await en.screenshot({ path: path.join(OUT, 'verify-fork-en-phone.png'), fullPage: true });
    await en.close();

    // The forged checkpoint was never remembered: once the server shows the true history again, it checks out.
    proxy.overrides.delete('/checkpoint');
    const p2 = await browser.newPage();
    const d2 = await makeDonation(srv, { fund, amount: 2600 });
    await settle(srv.url, d2.seq);
    await load(p2, proxy.url + 'verify.html');
    assert.equal(await status(p2), 'grew');
    await p2.close();
  } finally {
    await proxy.stop();
  }
});

test('the static mirror: growth proven from its tiles (it has no proof endpoint), a replaced checkpoint is a fork', { skip }, async (t) => {
  const mirror = await startMirror(srv.dataDir);
  if (!mirror) return t.skip('nginx is not installed');
  try {
    const page = await browser.newPage({ allow: (r) => /api\/v1\/proof\/consistency/.test(r.url()) && r.status() === 404 });
    await load(page, mirror.url + 'verify.html');
    assert.equal(await status(page), 'first');
    const d = await makeDonation(srv, { fund, amount: 2700 });
    await settle(srv.url, d.seq);
    mirror.republish();
    await load(page, mirror.url + 'verify.html');
    assert.equal(await status(page), 'grew');
    fs.writeFileSync(path.join(mirror.out, 'checkpoint'), forgedCheckpoint(fs.readFileSync(path.join(mirror.out, 'checkpoint'), 'utf8')));
    await load(page, mirror.url + 'verify.html');
    assert.equal(await status(page), 'fork');
    await page.close();
  } finally {
    await mirror.stop();
  }
});

test('pinned keys: config.json\'s log key is used and named, a witness\'s cosignatures are counted against the pinned quorum', { skip }, async () => {
  const logInfo = await (await fetch(srv.url + 'api/v1/log')).json();
  const d = await makeDonation(srv, { fund, amount: 2800 });
  await settle(srv.url, d.seq);
  // The witness's cosignature on the checkpoint that covers it (the witness may miss one on a busy machine).
  let cosigned = false;
  for (let i = 0; i < 100 && !cosigned; i++) {
    const cp = await (await fetch(srv.url + 'api/v1/checkpoints/latest')).json();
    cosigned = cp.size > d.seq && (cp.witnesses || []).length > 0;
    if (!cosigned) {
      if (i % 10 === 9) await settle(srv.url, (await makeDonation(srv, { fund, amount: 1 })).seq);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  assert.ok(cosigned, 'the witness cosigned the latest checkpoint');
  const absent = R.newSigner('absent.e2e.example/witness', 0x04).vkey;
  const cases = [
    [{ log_vkey: logInfo.vkey, witnesses: [witness.vkey], witness_quorum: 1 }, { source: 'pinned', ok: '1', count: '1', result: 'verified' }],
    [{ log_vkey: logInfo.vkey, witnesses: [witness.vkey, absent], witness_quorum: 2 }, { source: 'pinned', ok: '0', count: '1', result: 'failed' }],
    [{ log_vkey: R.newSigner(logInfo.origin).vkey, witnesses: [], witness_quorum: 0 }, { source: 'pinned', mismatch: true, watch: 'bad_signature', result: 'failed' }],
  ];
  for (const [cfg, want] of cases) {
    const proxy = await startProxy(srv.url);
    proxy.overrides.set('/config.json', { type: 'application/json', body: JSON.stringify({ origin: null, ...cfg }) });
    try {
      const page = await browser.newPage();
      await load(page, proxy.url + `verify.html#${d.receipt}`, 'verified');
      assert.equal(await page.getAttribute('#key-pinning', 'data-source'), want.source);
      assert.match(await page.textContent('#key-pinning'), /已经固定/);
      assert.equal(await page.getAttribute('#verify-result', 'data-status'), want.result);
      if (want.ok) {
        await page.waitForSelector('#witness-count');
        assert.equal(await page.getAttribute('#witness-count', 'data-ok'), want.ok);
        assert.equal(await page.getAttribute('#witness-count', 'data-count'), want.count);
      }
      if (want.mismatch) assert.ok(await page.isVisible('#key-mismatch'), 'says the server gives another key than the pinned one');
      if (want.watch) assert.equal(await status(page), want.watch);
      await page.close();
    } finally {
      await proxy.stop();
    }
  }
});

test('no console errors or off-site requests', { skip }, () => {
  assert.deepEqual(browser.problems, []);
});

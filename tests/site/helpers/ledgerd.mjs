// Starts the real C++ ledgerd (build/bin) with a demo ledger on a free loopback
// port, or the Node mock when the binaries are not built.
import fs from 'node:fs';
import os from 'node:os';
import net from 'node:net';
import path from 'node:path';
import { spawn, execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const BIN = process.env.LEDGER_BIN_DIR || path.join(ROOT, 'build/bin');
export const LEDGERD = path.join(BIN, 'ledgerd');
export const LEDGERCTL = path.join(BIN, 'ledgerctl');

export function haveBinaries() {
  return fs.existsSync(LEDGERD) && fs.existsSync(LEDGERCTL);
}

export const MISSING_MESSAGE = `waiting for the C++ server: ${path.relative(ROOT, LEDGERD)} and ${path.relative(ROOT, LEDGERCTL)} are not built yet`;

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

export function ctl(args) {
  return execFileSync(LEDGERCTL, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60000 });
}

const VKEY_RE = /^[^\s+]+\+[0-9a-f]{8}\+[A-Za-z0-9+/]+={0,2}$/;

async function waitHealthy(url, proc, ms = 15000) {
  const t0 = Date.now();
  let lastErr = null;
  while (Date.now() - t0 < ms) {
    if (proc && proc.exitCode !== null) throw new Error(`ledgerd exited with ${proc.exitCode}`);
    try {
      const r = await fetch(url + 'healthz');
      if (r.ok) return;
    } catch (e) {
      lastErr = e;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`ledgerd not healthy after ${ms} ms: ${lastErr && lastErr.message}`);
}

/**
 * Starts ledgerd with `ledgerctl init` + `ledgerctl demo` in a fresh data dir.
 * Returns {url, kind:'ledgerd', dataDir, origin, vkey, token, log, stop(), ctl(args)}.
 */
export async function startLedgerd({ origin = 'e2e.charity-ledger.example/log', demo = true, site = null, args: extraArgs = [], beforeStart = null } = {}) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ledger-site-'));
  const initOut = ctl(['init', '--data', dataDir, '--origin', origin]);
  const vkey = initOut.split(/\s+/).find((w) => VKEY_RE.test(w.trim())) || null;
  // mode 'funds': the charity domain is built and the demo ledger loaded;
  // mode 'log': a log-only build (no charity views), entries are not validated.
  let mode = 'funds';
  let demoError = null;
  if (demo) {
    try {
      ctl(['demo', '--data', dataDir]);
    } catch (e) {
      demoError = String(e.stderr || e.message).trim();
      if (!/charity domain|LEDGER_WITH_FUNDS/i.test(demoError)) throw e;
      mode = 'log';
    }
  }
  const token = ctl(['token', '--data', dataDir, '--role', 'recorder', '--name', 'e2e']).trim().split('\n').pop().trim();
  const port = await freePort();
  const logFile = path.join(dataDir, 'ledgerd.log');
  const out = fs.openSync(logFile, 'a');
  // cwd = repo root: ledgerd serves ./public-site at / by default (`site` picks another directory).
  const args = ['--data', dataDir, '--listen', `127.0.0.1:${port}`];
  if (site) args.push('--site', site);
  args.push(...extraArgs);
  // beforeStart({dataDir, vkey}) may start what ledgerd needs (a witness) and return more arguments.
  if (beforeStart) args.push(...((await beforeStart({ dataDir, vkey })) || []));
  const proc = spawn(LEDGERD, args, { stdio: ['ignore', out, out], cwd: ROOT });
  const url = `http://127.0.0.1:${port}/`;
  try {
    await waitHealthy(url, proc);
  } catch (e) {
    proc.kill('SIGKILL');
    throw new Error(`${e.message}\n--- ledgerd log ---\n${fs.readFileSync(logFile, 'utf8').slice(-4000)}`);
  }
  const stop = async () => {
    if (proc.exitCode === null) {
      proc.kill('SIGTERM');
      await new Promise((r) => {
        const timer = setTimeout(() => { proc.kill('SIGKILL'); r(); }, 5000);
        proc.once('exit', () => { clearTimeout(timer); r(); });
      });
    }
    fs.closeSync(out);
    if (!process.env.KEEP_DATA) fs.rmSync(dataDir, { recursive: true, force: true });
  };
  return { url, kind: 'ledgerd', mode, demoError, dataDir, origin, vkey, token, logFile, proc, stop, ctl };
}

/** The Node mock (tests/site/helpers/mock-ledgerd.mjs) on a free port. */
export async function startMock() {
  const { createServer, MockLedger, MOCK_RECORDER_TOKEN } = await import('./mock-ledgerd.mjs');
  const ledger = new MockLedger();
  const server = createServer(ledger);
  const port = await freePort();
  await new Promise((r) => server.listen(port, '127.0.0.1', r));
  const url = `http://127.0.0.1:${port}/`;
  return {
    url, kind: 'mock', mode: 'funds', origin: ledger.log.origin, vkey: ledger.log.signer.vkey, token: MOCK_RECORDER_TOKEN, ledger,
    stop: () => new Promise((r) => { server.closeAllConnections && server.closeAllConnections(); server.close(() => r()); }),
  };
}

export async function postDonation(base, token, body) {
  const r = await fetch(base + 'api/v1/entries', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: 'Bearer ' + token },
    body: JSON.stringify({ type: 'donation', body }),
  });
  const text = await r.text();
  if (r.status !== 201) throw new Error(`POST donation: ${r.status} ${text}`);
  return JSON.parse(text);
}

export function today() {
  return new Date().toISOString().slice(0, 10);
}

/**
 * Records a donation and returns {seq, receipt, leaf_hash}. With the charity
 * domain the server makes the secret and the receipt code; on a log-only build
 * the test makes the secret and the donor commitment itself.
 */
export async function makeDonation(srv, { fund, amount }) {
  const body = { amount, channel: 'bank', fund, received_at: today() };
  if (srv.mode === 'log') {
    const crypto = await import('node:crypto');
    const secret = crypto.randomBytes(16);
    const commitment = crypto.createHash('sha256').update('charity-ledger/donor/v1\n').update(secret).digest('base64');
    const r = await postDonation(srv.url, srv.token, { ...body, donor: { commitment } });
    return { ...r, receipt: `${r.seq}-${secret.toString('hex')}` };
  }
  return postDonation(srv.url, srv.token, body);
}

/** A fund id to donate to: the first charity fund, or a made-up one on a log-only build. */
export async function someFund(srv) {
  if (srv.mode === 'log') return 'log-only-fund';
  const funds = (await (await fetch(srv.url + 'api/v1/funds')).json()).funds;
  return (funds.find((f) => f.kind === 'charity') || funds[0]).id;
}

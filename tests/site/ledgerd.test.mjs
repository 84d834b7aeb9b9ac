// The verification module against proofs and checkpoints produced by the C++
// code: start build/bin/ledgerd on a demo ledger, verify what it serves, and
// check that each kind of tampering with its output fails.
// Skipped (with a message) while build/bin/ledgerd and ledgerctl are not built.
import test from 'node:test';
import assert from 'node:assert/strict';
import * as V from '../../public-site/js/verify.js';
import * as T from '../../public-site/js/tiles.js';
import { observeCheckpoint } from '../../public-site/js/logwatch.js';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { haveBinaries, MISSING_MESSAGE, startLedgerd, makeDonation, someFund, LEDGERCTL } from './helpers/ledgerd.mjs';

const skip = haveBinaries() ? false : MISSING_MESSAGE;
if (skip) console.log(`# ledgerd tests skipped: ${MISSING_MESSAGE}`);

test('verify.js against ledgerd output', { skip, timeout: 120000 }, async (t) => {
  const srv = await startLedgerd();
  t.after(() => srv.stop());
  const base = srv.url;
  const get = async (p) => {
    const r = await fetch(base + p);
    assert.equal(r.status, 200, `GET ${p}: ${r.status}`);
    return r;
  };
  const log = await (await get('api/v1/log')).json();
  if (srv.mode === 'log') console.log(`# ledgerd is a log-only build (${srv.demoError}); using self-made donation entries`);
  const fundId = await someFund(srv);
  const made = [];
  for (let i = 0; i < 13; i++) made.push(await makeDonation(srv, { fund: fundId, amount: 1000 + i }));
  { // wait until a checkpoint covers them
    const r = await fetch(base + `api/v1/receipts/${made[made.length - 1].seq}?wait=1`);
    assert.equal(r.status, 200, 'receipt of the last donation');
    await r.text();
  }

  await t.test('the log key from ledgerctl init and from api/v1/log agree and parse', async () => {
    const k = await V.parseVerifierKey(log.vkey);
    assert.equal(k.type, V.SIG_TYPE_ED25519);
    assert.equal(log.origin, srv.origin);
    if (srv.vkey) assert.equal(log.vkey, srv.vkey);
  });

  let cp;
  await t.test('/checkpoint is a C2SP checkpoint signed by the log key', async () => {
    const note = await (await get('checkpoint')).text();
    const r = await V.verifyCheckpoint(note, log.vkey, log.origin);
    assert.ok(r.ok, r.error);
    cp = r.checkpoint;
    assert.ok(cp.size > 0, 'demo ledger has entries');
    const latest = await (await get('api/v1/checkpoints/latest')).json();
    assert.ok(latest.size >= cp.size);
    // tampering: size, root, signature
    const lines = note.split('\n');
    const bump = lines.slice();
    bump[1] = String(cp.size + 1);
    assert.equal((await V.verifyCheckpoint(bump.join('\n'), log.vkey)).ok, false, 'size changed');
    const root = lines.slice();
    root[2] = V.b64encode(new Uint8Array(32));
    assert.equal((await V.verifyCheckpoint(root.join('\n'), log.vkey)).ok, false, 'root changed');
  });

  await t.test('inclusion proofs of every entry lead to the checkpoint root', async () => {
    const n = Math.min(cp.size, 200);
    for (let seq = 0; seq < n; seq++) {
      const e = await (await get(`api/v1/entries/${seq}`)).json();
      const raw = V.b64decode(e.raw);
      const leaf = await V.leafHash(raw);
      assert.equal(V.b64encode(leaf), e.leaf_hash, `leaf hash of ${seq}`);
      assert.deepEqual(JSON.parse(new TextDecoder().decode(raw)), e.entry);
      const p = await (await get(`api/v1/proof/inclusion?seq=${seq}&size=${cp.size}`)).json();
      const hashes = p.hashes.map(V.b64decode);
      const ok = await V.verifyInclusion({ index: seq, size: cp.size, leafHash: leaf, proof: hashes, root: cp.root });
      assert.ok(ok.ok, `inclusion ${seq}: ${ok.error}`);
      if (hashes.length) {
        const bad = hashes.slice();
        bad[0] = bad[0].slice();
        bad[0][0] ^= 1;
        assert.equal((await V.verifyInclusion({ index: seq, size: cp.size, leafHash: leaf, proof: bad, root: cp.root })).ok, false);
      }
    }
  });

  await t.test('consistency proofs between checkpoints verify', async () => {
    const d = await makeDonation(srv, { fund: fundId, amount: 4321 });
    const r = await fetch(base + `api/v1/receipts/${d.seq}?wait=1`); // waits for a checkpoint covering it
    await r.text();
    const note2 = await (await get('checkpoint')).text();
    const cp2 = (await V.verifyCheckpoint(note2, log.vkey, log.origin)).checkpoint;
    assert.ok(cp2.size > cp.size, 'tree grew');
    for (const first of [1, Math.max(1, cp.size - 1), cp.size]) {
      const p = await (await get(`api/v1/proof/consistency?from=${first}&to=${cp2.size}`)).json();
      const firstRoot = V.b64decode((await (await get(`api/v1/proof/inclusion?seq=0&size=${first}`)).json()).root);
      const ok = await V.verifyConsistency({ first, second: cp2.size, firstRoot, secondRoot: cp2.root, proof: p.hashes.map(V.b64decode) });
      assert.ok(ok.ok, `consistency ${first}->${cp2.size}: ${ok.error}`);
      if (p.hashes.length) {
        const bad = p.hashes.map(V.b64decode);
        bad[bad.length - 1][5] ^= 4;
        assert.equal((await V.verifyConsistency({ first, second: cp2.size, firstRoot, secondRoot: cp2.root, proof: bad })).ok, false);
      }
    }
  });

  await t.test('donor receipts from a POSTed donation verify; tampering fails at the right step', async () => {
    const res = await makeDonation(srv, { fund: fundId, amount: 100001 });
    assert.match(res.receipt, /^\d+-[0-9a-f]{32}$/);
    const seq = res.seq;
    const r = await fetch(base + `api/v1/receipts/${seq}?wait=1`);
    assert.equal(r.status, 200);
    const proofText = await r.text();
    const ok = await V.verifyReceipt({ code: res.receipt, proofText, logKey: log.vkey, origin: log.origin, expectedLeafHash: res.leaf_hash });
    assert.equal(ok.status, 'verified', JSON.stringify(ok.steps.filter((s) => !s.ok)));
    assert.equal(ok.entry.body.amount, 100001);
    const fail = async (o, step) => {
      const x = await V.verifyReceipt({ code: res.receipt, proofText, logKey: log.vkey, origin: log.origin, ...o });
      assert.equal(x.status, 'failed');
      assert.equal(x.failedStep, step, JSON.stringify(x.steps.filter((s) => s.status === 'failed')));
    };
    const last = res.receipt.slice(-1) === '0' ? '1' : '0';
    await fail({ code: res.receipt.slice(0, -1) + last }, 'commitment');
    const lines = proofText.split('\n');
    const hashLine = lines.findIndex((l) => l.startsWith('index ')) + 1;
    if (lines[hashLine] !== '') {
      const tl = lines.slice();
      const b = V.b64decode(tl[hashLine]);
      b[0] ^= 1;
      tl[hashLine] = V.b64encode(b);
      await fail({ proofText: tl.join('\n') }, 'inclusion');
    }
    const entry = JSON.parse(new TextDecoder().decode(V.b64decode(lines[1].slice(6))));
    entry.body.amount += 1;
    const canon = (v) => (Array.isArray(v) ? `[${v.map(canon).join(',')}]` : v && typeof v === 'object' ? `{${Object.keys(v).sort().map((k) => JSON.stringify(k) + ':' + canon(v[k])).join(',')}}` : JSON.stringify(v));
    const tl = lines.slice();
    tl[1] = 'extra ' + V.b64encode(new TextEncoder().encode(canon(entry)));
    await fail({ proofText: tl.join('\n') }, 'inclusion');
    const other = (await import('./helpers/reflog.mjs')).newSigner(log.origin);
    await fail({ logKey: other.vkey }, 'checkpoint_signature');
    // The JS canonical form of the entry equals the bytes ledgerd signed.
    const orig = JSON.parse(new TextDecoder().decode(V.b64decode(lines[1].slice(6))));
    assert.equal(canon(orig), new TextDecoder().decode(V.b64decode(lines[1].slice(6))));
  });

  await t.test('every self-made donation receipt verifies with its code', async () => {
    for (const d of made) {
      const proofText = await (await get(`api/v1/receipts/${d.seq}?wait=1`)).text();
      const r = await V.verifyReceipt({ code: d.receipt, proofText, logKey: log.vkey, origin: log.origin, expectedLeafHash: d.leaf_hash });
      assert.equal(r.status, 'verified', `seq ${d.seq}: ${JSON.stringify(r.steps.filter((s) => !s.ok))}`);
    }
  });

  await t.test('ledgerctl verify and verify.js agree on genuine and tampered receipts', async () => {
    const d = made[5];
    const proofText = await (await get(`api/v1/receipts/${d.seq}?wait=1`)).text();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'receipts-'));
    t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const lines = proofText.split('\n');
    const hashLine = lines.findIndex((l) => l.startsWith('index ')) + 1;
    const variants = { genuine: proofText };
    if (lines[hashLine] !== '') {
      const x = lines.slice();
      const b = V.b64decode(x[hashLine]);
      b[3] ^= 8;
      x[hashLine] = V.b64encode(b);
      variants.hash = x.join('\n');
    }
    const idx = lines.slice();
    idx[2] = 'index ' + (d.seq + 1);
    variants.index = idx.join('\n');
    const sig = lines.slice();
    const sl = sig.findIndex((l) => l.startsWith('\u2014 '));
    const parts = sig[sl].split(' ');
    const sb = V.b64decode(parts[2]);
    sb[10] ^= 1;
    parts[2] = V.b64encode(sb);
    sig[sl] = parts.join(' ');
    variants.signature = sig.join('\n');
    const secret = d.receipt.split('-')[1];
    for (const [name, text] of Object.entries(variants)) {
      const file = path.join(dir, name + '.tlog-proof');
      fs.writeFileSync(file, text);
      let cppOk = true;
      try {
        execFileSync(LEDGERCTL, ['verify', file, '--vkey', log.vkey, '--secret', secret], { stdio: 'pipe' });
      } catch {
        cppOk = false;
      }
      const js = await V.verifyReceipt({ code: d.receipt, proofText: text, logKey: log.vkey, origin: log.origin });
      assert.equal(js.ok, name === 'genuine', `verify.js on ${name}`);
      assert.equal(cppOk, js.ok, `ledgerctl verify and verify.js disagree on ${name}`);
    }
  });

  await t.test('receipts of the demo donations verify without a code (proof-file check)', { skip: srv.mode === 'log' && 'log-only build: no demo ledger' }, async () => {
    const list = await (await get('api/v1/entries?type=donation&limit=20')).json();
    assert.ok(list.entries.length > 0, 'demo has donations');
    for (const e of list.entries.slice(0, 10)) {
      const proofText = await (await get(`api/v1/receipts/${e.seq}?wait=1`)).text();
      const r = await V.verifyReceipt({ proofText, logKey: log.vkey, origin: log.origin });
      assert.equal(r.status, 'verified', `seq ${e.seq}: ${JSON.stringify(r.steps.filter((s) => !s.ok))}`);
      assert.equal(r.seq, e.seq);
    }
  });

  await t.test('tiles.js: roots from ledgerd\'s tiles equal its signed roots; logwatch proves growth through the API and through tiles', async () => {
    const note1 = await (await get('checkpoint')).text();
    const c1 = (await V.verifyCheckpoint(note1, log.vkey, log.origin)).checkpoint;
    const fetchBytes = async (p) => new Uint8Array(await (await get(p)).arrayBuffer());
    const r1 = T.tileReader(c1.size, fetchBytes);
    assert.deepEqual(await r1.rootAt(c1.size), c1.root);
    // Grow the log, then check the earlier root from the new tree's tiles.
    const more = await makeDonation(srv, { fund: fundId, amount: 4242 });
    await (await get(`api/v1/receipts/${more.seq}?wait=1`)).text();
    const note2 = await (await get('checkpoint')).text();
    const c2 = (await V.verifyCheckpoint(note2, log.vkey, log.origin)).checkpoint;
    assert.ok(c2.size > c1.size);
    assert.deepEqual(await T.consistentByTiles({ first: c1.size, firstRoot: c1.root, second: c2.size, secondRoot: c2.root, fetchBytes }), { ok: true });
    for (const [name, fetchJson] of [['proof', async (p) => (await get(p)).json()], ['tiles', async () => { throw new Error('no proof endpoint'); }]]) {
      const store = new Map();
      const storage = { getItem: (k) => store.get(k) ?? null, setItem: (k, v) => store.set(k, v) };
      assert.equal((await observeCheckpoint({ note: note1, logKey: log.vkey, storage, fetchJson, fetchBytes })).status, 'first');
      const r = await observeCheckpoint({ note: note2, logKey: log.vkey, storage, fetchJson, fetchBytes });
      assert.equal(r.status, 'grew', r.error);
      assert.equal(r.via, name);
    }
  });
});


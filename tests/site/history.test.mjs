// The browser's memory of the log (public-site/js/logwatch.js) and tree roots
// from C2SP tiles (public-site/js/tiles.js), against the reference log of
// helpers/reflog.mjs (RFC 6962 definitions written independently).
import test from 'node:test';
import assert from 'node:assert/strict';
import * as R from './helpers/reflog.mjs';
import * as T from '../../public-site/js/tiles.js';
import { observeCheckpoint } from '../../public-site/js/logwatch.js';

/** Serves hash tiles of the first `size` leaves exactly as C2SP tlog-tiles names them; counts requests. */
function tileServer(leaves, size) {
  const served = [];
  const levelHashes = new Map(); // level -> hashes of tree level 8*level, for the first `size` leaves
  const hashesAt = (L) => {
    if (!levelHashes.has(L)) {
      const w = 256 ** L;
      const n = Math.floor(size / w);
      const out = [];
      for (let i = 0; i < n; i++) out.push(R.mth(leaves.slice(i * w, (i + 1) * w)));
      levelHashes.set(L, out);
    }
    return levelHashes.get(L);
  };
  const fetchBytes = async (p) => {
    served.push(p);
    const m = /^tile\/(\d)\/((?:x\d{3}\/)*\d{3})(?:\.p\/(\d+))?$/.exec(p);
    if (!m) throw new Error('bad tile path ' + p);
    const L = Number(m[1]);
    const index = Number(m[2].replace(/x|\//g, ''));
    const all = hashesAt(L);
    const full = all.length >= (index + 1) * 256;
    const width = m[3] ? Number(m[3]) : 256;
    // A client must ask for exactly the tile that exists for this tree size.
    if (full ? m[3] !== undefined : width !== all.length - index * 256) throw new Error('HTTP 404 ' + p);
    return new Uint8Array(Buffer.concat(all.slice(index * 256, index * 256 + width)));
  };
  return { fetchBytes, served };
}

function leavesOf(n, salt = 'a') {
  return Array.from({ length: n }, (_, i) => R.leafHash(Buffer.from(`${salt}${i}`)));
}

test('tile paths follow C2SP tlog-tiles', () => {
  assert.equal(T.tileIndexPath(0), '000');
  assert.equal(T.tileIndexPath(7), '007');
  assert.equal(T.tileIndexPath(999), '999');
  assert.equal(T.tileIndexPath(1000), 'x001/000');
  assert.equal(T.tileIndexPath(1234067), 'x001/x234/067');
  assert.equal(T.tilePath(0, 0, 10), 'tile/0/000.p/10');
  assert.equal(T.tilePath(0, 0, 256), 'tile/0/000');
  assert.equal(T.tilePath(0, 1, 300), 'tile/0/001.p/44');
  assert.equal(T.tilePath(1, 0, 70000), 'tile/1/000');
  assert.equal(T.tilePath(1, 1, 70000), 'tile/1/001.p/17');
  assert.throws(() => T.tilePath(1, 0, 255));
});

test('roots from tiles equal the RFC 6962 root for every size shape', async () => {
  const leaves = leavesOf(1100);
  for (const size of [1, 2, 3, 7, 8, 255, 256, 257, 511, 512, 513, 700, 1024, 1100]) {
    const srv = tileServer(leaves, size);
    const r = T.tileReader(size, srv.fetchBytes);
    for (const m of new Set([1, 2, 5, 255, 256, 257, Math.ceil(size / 2), size - 1, size].filter((x) => x >= 1 && x <= size))) {
      assert.deepEqual(await r.rootAt(m), R.mth(leaves.slice(0, m)), `root of ${m} from the tiles of ${size}`);
    }
  }
});

test('roots from level-2 tiles (a tree above 65,536 entries)', async () => {
  const leaves = leavesOf(65536 + 300, 'big');
  const size = leaves.length;
  const srv = tileServer(leaves, size);
  const r = T.tileReader(size, srv.fetchBytes);
  assert.deepEqual(await r.rootAt(size), R.mth(leaves));
  assert.deepEqual(await r.rootAt(65536), R.mth(leaves.slice(0, 65536)));
  assert.ok(srv.served.some((p) => p.startsWith('tile/2/')), 'read a level-2 tile');
  assert.ok(srv.served.length <= 8, `a handful of tiles, not the whole tree: ${srv.served}`);
});

test('consistency from tiles: an extension holds, a rewritten prefix is a fork, a missing tile is unavailable', async () => {
  const leaves = leavesOf(600);
  const srv = tileServer(leaves, 600);
  const ok = await T.consistentByTiles({ first: 300, firstRoot: R.mth(leaves.slice(0, 300)), second: 600, secondRoot: R.mth(leaves), fetchBytes: srv.fetchBytes });
  assert.deepEqual(ok, { ok: true });
  const other = leavesOf(300, 'forged');
  const fork = await T.consistentByTiles({ first: 300, firstRoot: R.mth(other), second: 600, secondRoot: R.mth(leaves), fetchBytes: srv.fetchBytes });
  assert.equal(fork.ok, false);
  assert.equal(fork.fork, true);
  const badTiles = await T.consistentByTiles({ first: 300, firstRoot: R.mth(leaves.slice(0, 300)), second: 600, secondRoot: R.mth(other), fetchBytes: srv.fetchBytes });
  assert.equal(badTiles.ok, false);
  assert.notEqual(badTiles.fork, true, 'tiles that do not match the signed root prove nothing about the history');
  const none = await T.consistentByTiles({ first: 300, firstRoot: R.mth(leaves.slice(0, 300)), second: 600, secondRoot: R.mth(leaves), fetchBytes: async () => { throw new Error('HTTP 404'); } });
  assert.equal(none.unavailable, true);
});

function memoryStorage() {
  const m = new Map();
  return { getItem: (k) => (m.has(k) ? m.get(k) : null), setItem: (k, v) => m.set(k, String(v)), map: m };
}

/** A log server: checkpoints signed by `signer` over `leaves`, consistency proofs and tiles of its current size. */
function server(signer, origin, leaves, size) {
  const note = R.signedCheckpoint(signer, R.checkpointText(origin, size, R.mth(leaves.slice(0, size))));
  const fetchJson = async (p) => {
    const m = /^api\/v1\/proof\/consistency\?from=(\d+)&to=(\d+)$/.exec(p);
    if (!m) throw new Error('HTTP 404 ' + p);
    const [from, to] = [Number(m[1]), Number(m[2])];
    if (to > leaves.length) throw new Error('HTTP 400');
    return { from, to, hashes: R.consistency(from, leaves.slice(0, to)).map(R.b64) };
  };
  return { note, fetchJson, fetchBytes: tileServer(leaves, size).fetchBytes };
}

test('the browser remembers the newest consistent checkpoint and shouts on a fork', async () => {
  const origin = 'example.org/history';
  const signer = R.newSigner(origin);
  const leaves = leavesOf(900, 'honest');
  const storage = memoryStorage();
  const observe = (srv, extra = {}) => observeCheckpoint({ note: srv.note, logKey: signer.vkey, storage, fetchJson: srv.fetchJson, fetchBytes: srv.fetchBytes, ...extra });
  const remembered = () => JSON.parse(storage.getItem('ledger.seen.' + signer.vkey));

  let r = await observe(server(signer, origin, leaves, 300));
  assert.equal(r.status, 'first');
  assert.equal(remembered().size, 300);

  r = await observe(server(signer, origin, leaves, 300));
  assert.equal(r.status, 'same');

  r = await observe(server(signer, origin, leaves, 500));
  assert.equal(r.status, 'grew');
  assert.equal(r.via, 'proof');
  assert.equal(remembered().size, 500);

  // A static mirror: no proof endpoint, the tiles prove it.
  r = await observe({ ...server(signer, origin, leaves, 700), fetchJson: async () => { throw new Error('HTTP 404'); } });
  assert.equal(r.status, 'grew');
  assert.equal(r.via, 'tiles');
  assert.equal(remembered().size, 700);

  // An older checkpoint, consistent: reported, not remembered.
  r = await observe(server(signer, origin, leaves, 600));
  assert.equal(r.status, 'older');
  assert.equal(remembered().size, 700);

  // Nothing to prove it with: unchecked, memory unchanged.
  const blind = server(signer, origin, leaves, 800);
  r = await observe({ ...blind, fetchJson: async () => { throw new Error('offline'); }, fetchBytes: async () => { throw new Error('offline'); } });
  assert.equal(r.status, 'unchecked');
  assert.equal(remembered().size, 700);

  // Another key's checkpoint does not verify and changes nothing.
  const stranger = R.newSigner(origin);
  r = await observe(server(stranger, origin, leaves, 800));
  assert.equal(r.status, 'bad_signature');
  assert.equal(remembered().size, 700);

  // Same size, another root, signed by the log's own key: a fork, with both notes as evidence.
  const forged = leavesOf(700, 'forged');
  r = await observe(server(signer, origin, forged, 700));
  assert.equal(r.status, 'fork');
  assert.match(r.evidence.remembered.note, /\n700\n/);
  assert.notEqual(r.evidence.remembered.root, r.evidence.current.root);
  assert.equal(remembered().root, R.b64(R.mth(leaves.slice(0, 700))), 'the remembered history is kept');

  // A larger tree that rewrote the past: its own consistency proof cannot verify against the remembered root.
  const rewritten = [...leavesOf(10, 'x'), ...leaves.slice(10)];
  r = await observe({ ...server(signer, origin, rewritten, 900), fetchBytes: async () => { throw new Error('HTTP 404'); } });
  assert.equal(r.status, 'fork');
  assert.match(r.error, /consistency proof does not verify/);
  // The same on a mirror: the tiles show it.
  r = await observe({ ...server(signer, origin, rewritten, 900), fetchJson: async () => { throw new Error('HTTP 404'); } });
  assert.equal(r.status, 'fork');
  assert.match(r.error, /another root/);
  assert.equal(remembered().size, 700);
});

test('a new key for the same log name is reported', async () => {
  const origin = 'example.org/rekeyed';
  const a = R.newSigner(origin);
  const b = R.newSigner(origin);
  const leaves = leavesOf(20);
  const storage = memoryStorage();
  const s1 = server(a, origin, leaves, 20);
  assert.equal((await observeCheckpoint({ note: s1.note, logKey: a.vkey, storage, ...s1 })).keyChanged, null);
  const s2 = server(b, origin, leaves, 20);
  const r = await observeCheckpoint({ note: s2.note, logKey: b.vkey, storage, ...s2 });
  assert.equal(r.status, 'first');
  assert.equal(r.keyChanged, a.vkey);
});

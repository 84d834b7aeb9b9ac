// Unit tests of public-site/js/verify.js against vectors made in Node:
// RFC 6962 Merkle test vectors, a reference log written from the RFC's recursive
// definitions, and notes signed with node:crypto Ed25519.
import test from 'node:test';
import assert from 'node:assert/strict';
import * as V from '../../public-site/js/verify.js';
import * as R from './helpers/reflog.mjs';

const h = (s) => new Uint8Array(Buffer.from(s, 'hex'));

// RFC 6962 / certificate-transparency test leaves and roots for sizes 1..8.
const CT_LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map(h);
const CT_ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];

const flip = (b, i = 0, bit = 1) => {
  const c = new Uint8Array(b);
  c[i] ^= bit;
  return c;
};

test('base64 is strict standard padded', () => {
  for (let n = 0; n < 40; n++) {
    const b = new Uint8Array(n).map((_, i) => (i * 37 + n) & 255);
    const s = V.b64encode(b);
    assert.equal(s, Buffer.from(b).toString('base64'));
    assert.deepEqual(V.b64decode(s), b);
  }
  for (const bad of ['A', 'AA', 'AAA', 'AB==', 'AAB=', 'AA=A', '====', 'A-_A', 'AAAA ', ' AAAA', 'AA\nAA', 'ÄAAA']) {
    assert.throws(() => V.b64decode(bad), undefined, bad);
  }
  assert.deepEqual(V.b64decode(''), new Uint8Array(0));
});

test('RFC 6962 Merkle roots', async () => {
  assert.equal(V.hex(await V.sha256(new Uint8Array(0))), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  assert.equal(V.hex(await V.merkleRoot([])), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  for (let n = 1; n <= 8; n++) {
    assert.equal(V.hex(await V.merkleRoot(CT_LEAVES.slice(0, n))), CT_ROOTS[n - 1], `size ${n}`);
    assert.equal(V.hex(R.mth(CT_LEAVES.slice(0, n).map(R.leafHash))), CT_ROOTS[n - 1], `reference size ${n}`);
  }
});

test('RFC 6962 inclusion proof vectors', async () => {
  const leaves = CT_LEAVES.map(R.leafHash);
  // Known vector: leaf 0 of the 8-leaf tree.
  const p = R.path(0, leaves);
  assert.deepEqual(p.map(V.hex), [
    '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
    '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
    '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
  ]);
  for (let size = 1; size <= 8; size++) {
    for (let i = 0; i < size; i++) {
      const r = await V.verifyInclusion({ index: i, size, leafHash: leaves[i], proof: R.path(i, leaves.slice(0, size)), root: h(CT_ROOTS[size - 1]) });
      assert.ok(r.ok, `index ${i} size ${size}: ${r.error}`);
    }
  }
});

async function leavesOf(n) {
  const out = [];
  for (let i = 0; i < n; i++) out.push(R.leafHash(Buffer.from(`entry ${i}`)));
  return out;
}

test('inclusion proofs: all valid ones pass, every tampering fails', async () => {
  const leaves = await leavesOf(37);
  for (const size of [1, 2, 3, 5, 8, 13, 16, 17, 31, 32, 33, 37]) {
    const tree = leaves.slice(0, size);
    const root = R.mth(tree);
    for (let i = 0; i < size; i++) {
      const proof = R.path(i, tree);
      const ok = await V.verifyInclusion({ index: i, size, leafHash: tree[i], proof, root });
      assert.ok(ok.ok, `valid ${i}/${size}`);
      const bad = async (o, why) => {
        const r = await V.verifyInclusion({ index: i, size, leafHash: tree[i], proof, root, ...o });
        assert.equal(r.ok, false, `${why} ${i}/${size} should fail`);
      };
      await bad({ leafHash: flip(tree[i]) }, 'wrong leaf');
      await bad({ root: flip(root, 31) }, 'wrong root');
      await bad({ index: size }, 'index == size');
      await bad({ index: size + 5 }, 'index > size');
      await bad({ index: -1 }, 'negative index');
      await bad({ index: 1.5 }, 'fractional index');
      if (size > 1) {
        await bad({ index: (i + 1) % size }, 'other index');
        // (A different size can imply the same root for some indices; the signed checkpoint binds the size.)
        if (i === size - 1) await bad({ size: size - 1 }, 'size - 1 leaves index out of range');
        await bad({ proof: proof.slice(1) }, 'missing first hash');
        await bad({ proof: proof.slice(0, -1) }, 'missing last hash');
        for (let k = 0; k < proof.length; k++) {
          const p2 = proof.slice();
          p2[k] = flip(p2[k], k % 32, 0x80);
          await bad({ proof: p2 }, `flipped hash ${k}`);
        }
        await bad({ proof: proof.slice().reverse().concat([]) .length > 1 ? proof.slice().reverse() : [flip(proof[0])] }, 'reordered');
        await bad({ proof: [...proof.slice(0, -1), proof[proof.length - 1].slice(0, 31)] }, 'short hash');
      }
      await bad({ proof: [...proof, root] }, 'extra hash');
      await bad({ proof: [...proof, new Uint8Array(32)] }, 'extra zero hash');
    }
  }
  // size 1: proof must be empty and root == leaf
  assert.ok((await V.verifyInclusion({ index: 0, size: 1, leafHash: leaves[0], proof: [], root: leaves[0] })).ok);
  assert.equal((await V.verifyInclusion({ index: 0, size: 0, leafHash: leaves[0], proof: [], root: leaves[0] })).ok, false);
  assert.equal((await V.verifyInclusion({ index: 0, size: 1, leafHash: leaves[0], proof: 'x', root: leaves[0] })).ok, false);
});

test('inclusion in a large sparse tree (indices above 2^32)', async () => {
  // Build a proof for the last leaf of a tree of size 2^33+3 from a fake tree: we can't build it,
  // but the verifier must at least reject wrong lengths without overflow.
  const leaf = new Uint8Array(32);
  const size = 2 ** 33 + 3;
  const r = await V.rootFromInclusionProof(size - 1, size, leaf, []);
  assert.ok(r.error);
  const r2 = await V.rootFromInclusionProof(size - 1, size, leaf, Array(40).fill(leaf));
  assert.ok(r2.error);
  // Correct length for the last leaf of 2^33+3 leaves: subtrees 2^33 | 2 | 1 -> 2 hashes.
  const r3 = await V.rootFromInclusionProof(size - 1, size, leaf, [leaf, leaf]);
  assert.ok(r3.root, r3.error);
});

test('consistency proofs: all valid ones pass, every tampering fails', async () => {
  const leaves = await leavesOf(33);
  for (let second = 1; second <= 33; second++) {
    const tree = leaves.slice(0, second);
    const secondRoot = R.mth(tree);
    for (let first = 0; first <= second; first++) {
      const firstRoot = R.mth(leaves.slice(0, first));
      const proof = R.consistency(first, tree);
      const ok = await V.verifyConsistency({ first, second, firstRoot, secondRoot, proof });
      assert.ok(ok.ok, `valid ${first}->${second}: ${ok.error}`);
      const bad = async (o, why) => {
        const r = await V.verifyConsistency({ first, second, firstRoot, secondRoot, proof, ...o });
        assert.equal(r.ok, false, `${why} ${first}->${second} should fail`);
      };
      await bad({ firstRoot: flip(firstRoot) }, 'wrong first root');
      if (first > 0) await bad({ secondRoot: flip(secondRoot, 5) }, 'wrong second root'); // size 0 is consistent with every tree
      await bad({ proof: [...proof, secondRoot] }, 'extra hash');
      if (proof.length > 0) {
        await bad({ proof: proof.slice(1) }, 'missing first');
        await bad({ proof: proof.slice(0, -1) }, 'missing last');
        for (let k = 0; k < proof.length; k++) {
          const p2 = proof.slice();
          p2[k] = flip(p2[k], 7);
          await bad({ proof: p2 }, `flipped ${k}`);
        }
        await bad({ proof: [proof[0].slice(1), ...proof.slice(1)] }, 'short hash');
      }
      if (first < second) {
        await bad({ first: second, second: first }, 'swapped');
      }
    }
  }
  const l = await leavesOf(4);
  assert.equal((await V.verifyConsistency({ first: 2, second: 4, firstRoot: R.mth(l.slice(0, 2)), secondRoot: R.mth(l), proof: [] })).ok, false, 'empty proof');
  assert.equal((await V.verifyConsistency({ first: -1, second: 4, firstRoot: R.mth(l.slice(0, 2)), secondRoot: R.mth(l), proof: [] })).ok, false);
});

test('verifier keys: parse, key id, rejection', async () => {
  const s = R.newSigner('example.org/log');
  const k = await V.parseVerifierKey(s.vkey);
  assert.equal(k.name, 'example.org/log');
  assert.equal(k.type, 1);
  assert.deepEqual(k.publicKey, s.pub);
  assert.equal(await V.formatVerifierKey('example.org/log', 1, s.pub), s.vkey);
  const [name, id, key] = s.vkey.split('+').length === 3 ? s.vkey.split('+') : [null];
  if (name) {
    await assert.rejects(V.parseVerifierKey(`${name}+00000000+${key}`), /key id/);
    await assert.rejects(V.parseVerifierKey(`other+${id}+${key}`), /key id/);
    // Uppercase hex is the same key ID, as Go's note package reads it.
    const upper = await V.parseVerifierKey(`${name}+${id.toUpperCase()}+${key}`);
    assert.equal(upper.keyIdHex, id);
    await assert.rejects(V.parseVerifierKey(`${name}+${id.slice(0, 7)}G+${key}`), /key id/);
  }
  await assert.rejects(V.parseVerifierKey('nonsense'));
  await assert.rejects(V.parseVerifierKey('a b+12345678+AQ=='));
  // Go note package test vector (golang.org/x/mod/sumdb/note): PeterNeumann's key.
  const go = await V.parseVerifierKey('PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW');
  assert.equal(go.keyIdHex, 'c74f20a3');
});

test('Go note package signed-note vector verifies', async () => {
  const vkey = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
  const note = 'If you think cryptography is the answer to your problem,\nthen you don\'t know what your problem is.\n\n\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';
  const k = await V.parseVerifierKey(vkey);
  const r = await V.verifyNote(note, [k]);
  assert.ok(r.ok, r.error);
  const r2 = await V.verifyNote(note.replace('answer', 'Answer'), [k]);
  assert.equal(r2.ok, false);
});

// The Go vector's signature ends in "AM=": 'M' carries two zero padding bits,
// 'N' sets one. Go's base64 still decodes it, so the note is not malformed, but
// the signature is a failed one (one encoding per signature).
test('signed notes: lenient base64 is a failed signature; U+007F allowed; other signature types ignored', async () => {
  const vkey = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
  const note = 'If you think cryptography is the answer to your problem,\nthen you don\'t know what your problem is.\n\n\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';
  const k = await V.parseVerifierKey(vkey);
  const lenient = note.replace('AM=\n', 'AN=\n');
  const parsed = V.parseSignedNote(lenient);
  assert.equal(parsed.signatures[0].lenient, true);
  const r = await V.verifyNote(lenient, [k]);
  assert.equal(r.ok, false);
  assert.match(r.error, /does not verify/);
  assert.ok((await V.verifyNote(note, [k])).ok);
  assert.throws(() => V.parseSignedNote(note.replace('AM=\n', 'A*=\n')), /base64/);
  // U+007F is not an ASCII control character below U+0020.
  const a = R.newSigner('a.example/log');
  const ka = await V.parseVerifierKey(a.vkey);
  const del = 'rub\u007fout\n';
  assert.ok((await V.verifyNote(del + '\n' + R.noteSigLine(a, del), [ka])).ok);
  // A 0x06 ML-DSA-44 line (2,420-byte signature) beside the Ed25519 one.
  const mldsa = `\u2014 a.example/log ${Buffer.alloc(4 + 2420, 0x5a).toString('base64')}\n`;
  const text = 'hello\n';
  const v = await V.verifyNote(text + '\n' + R.noteSigLine(a, text) + mldsa, [ka]);
  assert.ok(v.ok, v.error);
  assert.deepEqual(v.verified, ['a.example/log']);
});

test('signed notes: known, unknown, bad and malformed signatures', async () => {
  const a = R.newSigner('a.example/log');
  const b = R.newSigner('b.example/other');
  const text = 'hello\nworld\n';
  const ka = await V.parseVerifierKey(a.vkey);
  const kb = await V.parseVerifierKey(b.vkey);
  const note = text + '\n' + R.noteSigLine(a, text);
  assert.ok((await V.verifyNote(note, [ka])).ok);
  // unknown keys ignored
  const both = text + '\n' + R.noteSigLine(b, text) + R.noteSigLine(a, text);
  const r = await V.verifyNote(both, [ka]);
  assert.ok(r.ok);
  assert.deepEqual(r.verified, ['a.example/log']);
  // only unknown keys -> reject
  assert.equal((await V.verifyNote(text + '\n' + R.noteSigLine(b, text), [ka])).ok, false);
  // a key with same name but different id is unknown
  const a2 = R.newSigner('a.example/log');
  assert.equal((await V.verifyNote(text + '\n' + R.noteSigLine(a2, text), [ka])).ok, false);
  // known key, bad signature -> reject even if another known key verifies
  const forged = text + '\n' + R.noteSigLine(a, text) + R.noteSigLine(b, 'other\n');
  assert.equal((await V.verifyNote(forged, [ka, kb])).ok, false);
  // tampered text
  assert.equal((await V.verifyNote('hellO\nworld\n\n' + R.noteSigLine(a, text), [ka])).ok, false);
  // text with empty lines is fine; signatures after the last blank line
  const t2 = 'x\n\ny\n';
  assert.ok((await V.verifyNote(t2 + '\n' + R.noteSigLine(a, t2), [ka])).ok);
  // malformed
  for (const m of [
    text + R.noteSigLine(a, text), // no blank line
    note.slice(0, -1), // no final newline
    note.replace('\u2014', '-'), // not an em dash
    'he\tllo\nworld\n\n' + R.noteSigLine(a, 'he\tllo\nworld\n'), // control char
    text + '\n', // no signatures
    text + '\n\u2014 a.example/log AAAA\n', // too short
    text + '\n\u2014 a.example/log !!!!\n', // bad base64
  ]) {
    assert.equal((await V.verifyNote(m, [ka])).ok, false, JSON.stringify(m));
  }
});

test('checkpoints: parse and verify', async () => {
  const log = new R.RefLog('example.org/ledger', 0);
  for (let i = 0; i < 5; i++) log.append('donation', { amount: 100 * (i + 1) });
  const note = log.checkpoint();
  const r = await V.verifyCheckpoint(note, log.signer.vkey);
  assert.ok(r.ok, r.error);
  assert.equal(r.checkpoint.size, 5);
  assert.equal(r.checkpoint.origin, 'example.org/ledger');
  assert.deepEqual(r.checkpoint.root, log.root());
  assert.equal((await V.verifyCheckpoint(note, log.signer.vkey, 'other.org/ledger')).ok, false, 'origin mismatch');
  assert.equal((await V.verifyCheckpoint(note.replace('\n5\n', '\n6\n'), log.signer.vkey)).ok, false, 'size changed');
  const other = R.newSigner('example.org/ledger');
  assert.equal((await V.verifyCheckpoint(note, other.vkey)).ok, false, 'other key');
  // A checkpoint whose origin differs from the key name is rejected unless expected.
  const t = R.checkpointText('elsewhere.org/x', 5, log.root());
  const n2 = t + '\n' + R.noteSigLine(log.signer, t);
  assert.equal((await V.verifyCheckpoint(n2, log.signer.vkey)).ok, false);
  assert.ok((await V.verifyCheckpoint(n2, log.signer.vkey, 'elsewhere.org/x')).ok);
  for (const bad of ['o\n01\n' + R.b64(log.root()) + '\n', 'o\n-1\n' + R.b64(log.root()) + '\n', 'o\n5\nAAAA\n', 'o\n5\n', '\n5\n' + R.b64(log.root()) + '\n', 'o\n5\n' + R.b64(log.root()) + '\n\n']) {
    assert.throws(() => V.parseCheckpointText(bad), undefined, JSON.stringify(bad));
  }
  assert.deepEqual(V.parseCheckpointText('o\n5\n' + R.b64(log.root()) + '\next\n').extensions, ['ext']);
});

test('cosignatures (tlog-cosignature v1, 0x04)', async () => {
  const log = new R.RefLog('example.org/ledger', 3);
  log.append('donation', { amount: 1 });
  const note = log.checkpoint(1, 1700000000);
  const wkeys = log.witnesses.map((w) => w.vkey);
  let r = await V.verifyCosignatures(note, wkeys, 3);
  assert.ok(r.ok, r.error);
  assert.equal(r.verified.length, 3);
  assert.equal(r.verified[0].timestamp, 1700000000);
  // quorum not met
  r = await V.verifyCosignatures(note, wkeys, 4);
  assert.equal(r.ok, false);
  // unknown witness ignored, quorum counts known ones
  const stranger = R.newSigner('stranger.example', 4);
  r = await V.verifyCosignatures(note, [stranger.vkey], 1);
  assert.equal(r.ok, false);
  assert.equal(r.present, 0);
  // tampered timestamp
  const lines = note.split('\n');
  const wl = lines.findIndex((l) => l.startsWith('\u2014 witness1'));
  const raw = Buffer.from(lines[wl].split(' ')[2], 'base64');
  raw[4 + 7] ^= 1;
  const t = lines.slice();
  t[wl] = `\u2014 witness1.example.org ${raw.toString('base64')}`;
  r = await V.verifyCosignatures(t.join('\n'), wkeys, 1);
  assert.equal(r.ok, false);
  assert.equal(r.failed[0].name, 'witness1.example.org');
  // a cosignature key (0x04) is not accepted as a log key, and vice versa
  const asLog = await V.verifyNote(note, [await V.parseVerifierKey(wkeys[0])]);
  assert.equal(asLog.ok, false);
  r = await V.verifyCosignatures(note, [log.signer.vkey], 1);
  assert.equal(r.ok, false);
  // future timestamps rejected when the caller gives the time
  const future = log.checkpoint(1, 1700000000);
  r = await V.verifyCosignatures(future, wkeys, 1, 1600000000);
  assert.equal(r.ok, false);
  // One witness's line repeated counts once towards the quorum.
  const w0 = lines.find((l) => l.startsWith('\u2014 witness1'));
  const dup = note + w0 + '\n' + w0 + '\n';
  r = await V.verifyCosignatures(dup, [wkeys[0]], 2);
  assert.equal(r.ok, false);
  assert.equal(r.verified.length, 1);
  // A lenient-base64 copy of a witness line is a failed cosignature.
  const b64 = w0.split(' ')[2];
  const last = b64.endsWith('==') ? b64.length - 3 : b64.length - 2;
  const bits = b64.endsWith('==') ? 15 : 3;
  const B = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const lenientLine = `\u2014 witness1.example.org ${b64.slice(0, last)}${B[B.indexOf(b64[last]) | 1 & bits]}${b64.slice(last + 1)}`;
  r = await V.verifyCosignatures(note.split('\n').map((l) => (l === w0 ? lenientLine : l)).join('\n'), [wkeys[0]], 1);
  assert.equal(r.ok, false);
  assert.match(r.error, /canonical/);
  // cosignature message format
  assert.equal(new TextDecoder().decode(V.cosignatureMessage('o\n1\nAA==\n', '5')), 'cosignature/v1\ntime 5\no\n1\nAA==\n');
});

test('tlog-proof parsing', () => {
  const log = new R.RefLog('example.org/ledger', 1);
  for (let i = 0; i < 6; i++) log.append('donation', { amount: i + 1 });
  const text = log.receipt(3);
  const p = V.parseTlogProof(text);
  assert.equal(p.index, 3);
  assert.equal(p.hashes.length, 3);
  assert.deepEqual(p.extra, new Uint8Array(log.entries[3]));
  assert.equal(p.checkpointNote, log.checkpoint());
  assert.equal(V.formatTlogProof(p), text);
  const noExtra = text.replace(/^extra .*\n/m, '');
  assert.equal(V.parseTlogProof(noExtra).extra, null);
  for (const [bad, why] of [
    [text.replace('c2sp.org/tlog-proof@v1', 'c2sp.org/tlog-proof@v2'), 'header'],
    [text.replace('index 3', 'index 03'), 'leading zero'],
    [text.replace('index 3', 'index -3'), 'negative'],
    [text.replace('index 3', 'index x'), 'not a number'],
    [text.replace('index 3\n', ''), 'no index'],
    [text.replace(/^extra (.*)$/m, 'extra $1!'), 'bad extra'],
    [text.replace(/^(index 3\n[^\n]{10})/m, '$1$'), 'bad hash'],
    [text.replace(/^(index 3\n)([^\n]*)\n/m, '$1AAAA\n'), 'short hash'],
    [text.split('\n\n')[0] + '\n', 'no checkpoint'],
    ['', 'empty'],
  ]) {
    assert.throws(() => V.parseTlogProof(bad), undefined, why);
  }
});

test('receipt codes and donor commitments', async () => {
  const secret = h('00112233445566778899aabbccddeeff');
  assert.deepEqual(V.parseReceiptCode('12-00112233445566778899aabbccddeeff').secret, secret);
  assert.equal(V.parseReceiptCode(' 12-00112233445566778899AABBCCDDEEFF ').seq, 12);
  assert.equal(V.parseReceiptCode('0-00112233445566778899aabbccddeeff').seq, 0);
  for (const bad of ['012-00112233445566778899aabbccddeeff', '12-0011', '12_00112233445566778899aabbccddeeff', '12-00112233445566778899aabbccddeeffgg', '-00112233445566778899aabbccddeeff', '12-00112233445566778899aabbccddeeff00', 'x', '', null]) {
    assert.equal(V.parseReceiptCode(bad), null, String(bad));
  }
  assert.equal(await V.donorCommitment(secret), R.commitment(secret));
});

// A ledger with donations whose receipts we tamper with.
async function receiptFixture() {
  const log = new R.RefLog('example.org/ledger', 2);
  log.append('fund.open', { id: 'f1', kind: 'charity', name: { en: 'F', zh: '基金' }, purpose: 'p' });
  const secrets = [];
  for (let i = 0; i < 9; i++) {
    const secret = new Uint8Array(16).map((_, j) => (i * 16 + j * 7) & 255);
    secrets.push(secret);
    log.append('donation', { amount: 10000 + i, channel: 'bank', donor: { commitment: R.commitment(secret) }, fund: 'f1', received_at: '2026-11-01' });
  }
  const seq = 4;
  const code = `${seq}-${Buffer.from(secrets[seq - 1]).toString('hex')}`;
  return { log, seq, code, proofText: log.receipt(seq), opts: { logKey: log.signer.vkey, witnesses: log.witnesses.map((w) => w.vkey) } };
}

function stepOf(r, name) {
  return r.steps.find((s) => s.step === name);
}

test('verifyReceipt: a genuine receipt verifies, with every step ok', async () => {
  const f = await receiptFixture();
  const r = await V.verifyReceipt({ ...f.opts, code: f.code, proofText: f.proofText });
  assert.equal(r.status, 'verified', JSON.stringify(r.steps));
  assert.equal(r.failedStep, null);
  assert.deepEqual(r.steps.map((s) => s.status), V.STEP_ORDER.map(() => 'ok'));
  assert.equal(r.entry.body.amount, 10003);
  assert.equal(r.checkpoint.size, 10);
  // without witness keys the cosignature step is skipped but the receipt still verifies
  const r2 = await V.verifyReceipt({ logKey: f.opts.logKey, code: f.code, proofText: f.proofText });
  assert.equal(r2.status, 'verified');
  assert.equal(stepOf(r2, 'cosignatures').status, 'skipped');
  assert.equal(stepOf(r2, 'cosignatures').present, 2);
  // a dropped proof file without a code verifies inclusion but skips the commitment
  const r3 = await V.verifyReceipt({ ...f.opts, proofText: f.proofText });
  assert.equal(r3.status, 'verified');
  assert.equal(stepOf(r3, 'commitment').status, 'skipped');
  // receipts for every donation and for older tree sizes verify too
  for (let seq = 1; seq <= 9; seq++) {
    for (const size of [seq + 1, 10]) {
      const code = `${seq}-${Buffer.from(new Uint8Array(16).map((_, j) => ((seq - 1) * 16 + j * 7) & 255)).toString('hex')}`;
      const rr = await V.verifyReceipt({ ...f.opts, code, proofText: f.log.receipt(seq, size) });
      assert.equal(rr.status, 'verified', `seq ${seq} size ${size}: ${JSON.stringify(rr.steps.filter((s) => !s.ok))}`);
    }
  }
});

test('verifyReceipt: each kind of tampering fails at the right step', async () => {
  const f = await receiptFixture();
  const run = (o) => V.verifyReceipt({ ...f.opts, code: f.code, proofText: f.proofText, ...o });
  const expectFail = async (o, stepName, why) => {
    const r = await run(o);
    assert.equal(r.status, 'failed', why);
    assert.equal(r.failedStep, stepName, `${why}: ${JSON.stringify(r.steps.filter((s) => s.status === 'failed'))}`);
    return r;
  };
  const lines = f.proofText.split('\n');
  const sub = (fn) => fn(lines.slice()).join('\n');

  // wrong secret
  const wrong = f.code.slice(0, -1) + (f.code.endsWith('0') ? '1' : '0');
  const rw = await expectFail({ code: wrong }, 'commitment', 'wrong secret');
  assert.equal(stepOf(rw, 'inclusion').status, 'ok', 'the rest still checks out');
  // another donor's secret
  await expectFail({ code: `4-${Buffer.from(new Uint8Array(16)).toString('hex')}` }, 'commitment', 'other secret');
  // malformed code
  await expectFail({ code: '4-abc' }, 'receipt_code', 'bad code');
  // code number for a different record
  await expectFail({ code: f.code.replace(/^4-/, '5-') }, 'entry', 'code for another seq');
  // tampered proof hash
  await expectFail({ proofText: sub((l) => { l[3] = R.b64(flip(Buffer.from(l[3], 'base64'), 3)); return l; }) }, 'inclusion', 'flipped proof hash');
  // dropped proof hash
  await expectFail({ proofText: sub((l) => { l.splice(3, 1); return l; }) }, 'inclusion', 'dropped proof hash');
  // added proof hash
  await expectFail({ proofText: sub((l) => { l.splice(3, 0, l[3]); return l; }) }, 'inclusion', 'added proof hash');
  // tampered entry: amount changed (commitment still matches, so inclusion must catch it)
  const entry = JSON.parse(Buffer.from(lines[1].slice(6), 'base64').toString());
  entry.body.amount = 99999999;
  const rt = await expectFail({ proofText: sub((l) => { l[1] = 'extra ' + R.b64(Buffer.from(R.canonical(entry))); return l; }) }, 'inclusion', 'tampered amount');
  assert.equal(stepOf(rt, 'commitment').status, 'ok');
  // tampered entry, and expected leaf hash supplied -> leaf step names it
  await expectFail({ proofText: sub((l) => { l[1] = 'extra ' + R.b64(Buffer.from(R.canonical(entry))); return l; }), expectedLeafHash: R.b64(f.log.leaves[4]) }, 'leaf', 'leaf vs published');
  // entry made not a donation
  const e2 = { ...entry, type: 'grant' };
  await expectFail({ proofText: sub((l) => { l[1] = 'extra ' + R.b64(Buffer.from(R.canonical(e2))); return l; }) }, 'entry', 'not a donation');
  // missing extra
  await expectFail({ proofText: sub((l) => { l.splice(1, 1); return l; }) }, 'entry', 'no extra');
  // index changed (record seq mismatch)
  await expectFail({ proofText: sub((l) => { l[2] = 'index 5'; return l; }) }, 'entry', 'index changed');
  // index changed together with the record's seq -> inclusion fails
  const e3 = { ...JSON.parse(Buffer.from(lines[1].slice(6), 'base64').toString()), seq: 5 };
  await expectFail({ code: f.code.replace(/^4-/, '5-'), proofText: sub((l) => { l[1] = 'extra ' + R.b64(Buffer.from(R.canonical(e3))); l[2] = 'index 5'; return l; }) }, 'inclusion', 'index and seq changed');
  // checkpoint size changed
  const cpStart = lines.indexOf('', 3) + 1;
  // (index 4 of 10 and of 11 leaves has the same path, so only the signature catches it)
  await expectFail({ proofText: sub((l) => { l[cpStart + 1] = '11'; return l; }) }, 'checkpoint_signature', 'checkpoint size changed');
  const r4 = await expectFail({ proofText: sub((l) => { l[cpStart + 1] = '17'; return l; }) }, 'inclusion', 'checkpoint size changed to 17');
  assert.equal(stepOf(r4, 'checkpoint_signature').status, 'failed');
  // checkpoint root changed
  await expectFail({ proofText: sub((l) => { l[cpStart + 2] = R.b64(flip(Buffer.from(l[cpStart + 2], 'base64'))); return l; }) }, 'inclusion', 'checkpoint root changed');
  // checkpoint re-signed by another key with a consistent fake tree (attacker's own log)
  const fake = new R.RefLog('example.org/ledger', 0);
  for (const b of f.log.entries) fake.entries.push(b), fake.leaves.push(R.leafHash(b));
  fake.entries[2] = Buffer.from('x'); fake.leaves[2] = R.leafHash(fake.entries[2]);
  await expectFail({ proofText: fake.receipt(4) }, 'checkpoint_signature', 'other log key');
  // log signature line removed (only witnesses left)
  await expectFail({ proofText: sub((l) => { l.splice(cpStart + 4, 1); return l; }) }, 'checkpoint_signature', 'log signature removed');
  // log signature bytes flipped
  await expectFail({ proofText: sub((l) => { const p = l[cpStart + 4].split(' '); p[2] = R.b64(flip(Buffer.from(p[2], 'base64'), 10)); l[cpStart + 4] = p.join(' '); return l; }) }, 'checkpoint_signature', 'log signature flipped');
  // wrong pinned origin
  await expectFail({ origin: 'evil.example/ledger' }, 'checkpoint_signature', 'origin');
  // witness cosignature flipped
  await expectFail({ proofText: sub((l) => { const p = l[cpStart + 5].split(' '); p[2] = R.b64(flip(Buffer.from(p[2], 'base64'), 20)); l[cpStart + 5] = p.join(' '); return l; }) }, 'cosignatures', 'cosignature flipped');
  // witnesses required but none signed
  await expectFail({ proofText: sub((l) => l.filter((x) => !x.startsWith('\u2014 witness'))) }, 'cosignatures', 'no cosignatures');
  // quorum above what is present
  await expectFail({ quorum: 3 }, 'cosignatures', 'quorum 3 of 2');
  // garbage
  await expectFail({ proofText: 'hello' }, 'proof_format', 'garbage');
  await expectFail({ proofText: f.proofText.replace('c2sp.org/tlog-proof@v1', 'c2sp.org/tlog-proof@v0') }, 'proof_format', 'header');
  // bad log key configured
  await expectFail({ logKey: 'nonsense' }, 'checkpoint_signature', 'bad log key');
});

test('Ed25519: WebCrypto and vendored noble agree (RFC 8032 test vectors)', async () => {
  // RFC 8032 7.1 TEST 1 and TEST 2
  const vecs = [
    ['d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a', '', 'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b'],
    ['3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c', '72', '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00'],
  ];
  for (const verify of [V.ed25519VerifyWebCrypto, V.ed25519VerifyNoble]) {
    for (const [pk, msg, sig] of vecs) {
      assert.equal(await verify(h(pk), h(msg), h(sig)), true);
      assert.equal(await verify(h(pk), h(msg + '00'), h(sig)), false);
      assert.equal(await verify(h(pk), h(msg), flip(h(sig), 40)), false);
    }
    assert.equal(await verify(new Uint8Array(32).fill(0xff), h(''), h(vecs[0][2])), false, 'bad key');
  }
  // The whole receipt flow also passes with the noble fallback.
  V.setEd25519Verifier(V.ed25519VerifyNoble);
  try {
    const f = await receiptFixture();
    const r = await V.verifyReceipt({ ...f.opts, code: f.code, proofText: f.proofText });
    assert.equal(r.status, 'verified');
  } finally {
    V.setEd25519Verifier(null);
  }
});

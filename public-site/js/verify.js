// Verification of donor receipts and log checkpoints for the charity ledger.
//
// ES module without DOM access: runs in current browsers and in Node 20.
// Everything here is checked locally with WebCrypto (SHA-256, Ed25519); the
// vendored @noble/ed25519 is used only when the browser lacks WebCrypto Ed25519.
//
// Formats (see docs and c2sp.org):
//   Merkle tree        RFC 9162 2.1: leaf = H(0x00||bytes), node = H(0x01||l||r)
//   inclusion proof    RFC 9162 2.1.3.2        consistency proof  RFC 9162 2.1.4.2
//   signed note        c2sp.org/signed-note    checkpoint         c2sp.org/tlog-checkpoint
//   receipt            c2sp.org/tlog-proof     cosignature        c2sp.org/tlog-cosignature (0x04)
//   donor commitment   base64(SHA-256("charity-ledger/donor/v1\n" || secret))

// ---------------------------------------------------------------------------
// Step names. The page maps these to donor-friendly words (see i18n.js).
export const STEPS = Object.freeze({
  RECEIPT_CODE: 'receipt_code', // the receipt code is well formed
  PROOF_FORMAT: 'proof_format', // the proof (receipt file) is readable
  ENTRY: 'entry', // the proof carries the donation record for this receipt
  COMMITMENT: 'commitment', // the secret matches the donor commitment in the record
  LEAF: 'leaf', // the record bytes hash to the leaf
  INCLUSION: 'inclusion', // the inclusion proof leads to the checkpoint root
  CHECKPOINT_SIGNATURE: 'checkpoint_signature', // the log signed the checkpoint
  COSIGNATURES: 'cosignatures', // witnesses cosigned the checkpoint
});

export const STEP_ORDER = Object.freeze([
  STEPS.RECEIPT_CODE,
  STEPS.PROOF_FORMAT,
  STEPS.ENTRY,
  STEPS.COMMITMENT,
  STEPS.LEAF,
  STEPS.INCLUSION,
  STEPS.CHECKPOINT_SIGNATURE,
  STEPS.COSIGNATURES,
]);

export const DONOR_COMMITMENT_PREFIX = 'charity-ledger/donor/v1\n';
export const TLOG_PROOF_HEADER = 'c2sp.org/tlog-proof@v1';
export const SIG_TYPE_ED25519 = 0x01;
export const SIG_TYPE_COSIG_V1 = 0x04;
const HASH_LEN = 32;
const MAX_SAFE = Number.MAX_SAFE_INTEGER;

export class VerifyError extends Error {
  constructor(step, code, message) {
    super(message || code);
    this.name = 'VerifyError';
    this.step = step;
    this.code = code;
  }
}

// ---------------------------------------------------------------------------
// Bytes, text, base64, hex

const te = new TextEncoder();
const tdStrict = new TextDecoder('utf-8', { fatal: true });

export function utf8(s) {
  return te.encode(s);
}

export function decodeUtf8(bytes) {
  return tdStrict.decode(bytes);
}

export function concat(...parts) {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export function bytesEqual(a, b) {
  if (!a || !b || a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i] ^ b[i];
  return d === 0;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_INDEX = (() => {
  const t = new Int16Array(128).fill(-1);
  for (let i = 0; i < 64; i++) t[B64.charCodeAt(i)] = i;
  return t;
})();

/** Standard padded base64 (RFC 4648 section 4). */
export function b64encode(bytes) {
  let s = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    s += B64[n >> 18] + B64[(n >> 12) & 63] + B64[(n >> 6) & 63] + B64[n & 63];
  }
  const rem = bytes.length - i;
  if (rem === 1) {
    const n = bytes[i] << 16;
    s += B64[n >> 18] + B64[(n >> 12) & 63] + '==';
  } else if (rem === 2) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8);
    s += B64[n >> 18] + B64[(n >> 12) & 63] + B64[(n >> 6) & 63] + '=';
  }
  return s;
}

/**
 * Strict standard padded base64 decoding: rejects whitespace, the URL alphabet,
 * missing or extra padding and non-zero trailing bits (so every value has
 * exactly one accepted encoding). Throws on bad input.
 */
export function b64decode(s) {
  if (typeof s !== 'string' || s.length % 4 !== 0) throw new Error('base64: bad length');
  let pad = 0;
  if (s.endsWith('==')) pad = 2;
  else if (s.endsWith('=')) pad = 1;
  const n = s.length;
  const out = new Uint8Array((n / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < n; i += 4) {
    const last = i + 4 === n;
    const v = [0, 0, 0, 0];
    for (let j = 0; j < 4; j++) {
      const c = s.charCodeAt(i + j);
      if (last && c === 61 /* = */ && j >= 4 - pad) {
        v[j] = 0;
        continue;
      }
      const x = c < 128 ? B64_INDEX[c] : -1;
      if (x < 0) throw new Error('base64: bad character');
      v[j] = x;
    }
    const w = (v[0] << 18) | (v[1] << 12) | (v[2] << 6) | v[3];
    if (last && pad === 2) {
      if (w & 0xffff) throw new Error('base64: non-canonical');
      out[o++] = w >> 16;
    } else if (last && pad === 1) {
      if (w & 0xff) throw new Error('base64: non-canonical');
      out[o++] = w >> 16;
      out[o++] = (w >> 8) & 255;
    } else {
      out[o++] = w >> 16;
      out[o++] = (w >> 8) & 255;
      out[o++] = w & 255;
    }
  }
  return out;
}

export function hex(bytes) {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

export function unhex(s) {
  if (typeof s !== 'string' || s.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(s)) {
    throw new Error('hex: bad input');
  }
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(s.substr(i * 2, 2), 16);
  return out;
}

/** Parses an ASCII decimal with no leading zeroes (unless "0") into a safe integer. */
export function parseDecimal(s) {
  if (typeof s !== 'string' || !/^(0|[1-9][0-9]*)$/.test(s)) return null;
  if (s.length > 16) return null;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : null;
}

// ---------------------------------------------------------------------------
// Hashing

function subtle() {
  const c = globalThis.crypto;
  if (!c || !c.subtle) throw new Error('WebCrypto is not available (a secure context is required)');
  return c.subtle;
}

export async function sha256(bytes) {
  return new Uint8Array(await subtle().digest('SHA-256', bytes));
}

const LEAF_PREFIX = new Uint8Array([0]);
const NODE_PREFIX = new Uint8Array([1]);

export async function leafHash(entryBytes) {
  return sha256(concat(LEAF_PREFIX, entryBytes));
}

export async function nodeHash(left, right) {
  return sha256(concat(NODE_PREFIX, left, right));
}

/** Merkle tree hash (RFC 9162 2.1.1) over a list of entries (for tests and small trees). */
export async function merkleRoot(entries) {
  const leaves = [];
  for (const e of entries) leaves.push(await leafHash(e));
  return rootOfLeafHashes(leaves);
}

export async function rootOfLeafHashes(leaves) {
  const n = leaves.length;
  if (n === 0) return sha256(new Uint8Array(0));
  if (n === 1) return leaves[0];
  let k = 1;
  while (k * 2 < n) k *= 2;
  return nodeHash(await rootOfLeafHashes(leaves.slice(0, k)), await rootOfLeafHashes(leaves.slice(k)));
}

// ---------------------------------------------------------------------------
// Merkle proofs (RFC 9162 2.1.3.2 and 2.1.4.2)

function checkHashList(list) {
  if (!Array.isArray(list)) return 'proof is not a list';
  for (const h of list) {
    if (!(h instanceof Uint8Array) || h.length !== HASH_LEN) return 'proof hash is not 32 bytes';
  }
  return null;
}

function isSizeOk(n) {
  return Number.isSafeInteger(n) && n >= 0 && n <= MAX_SAFE;
}

// JS bit operators are 32-bit; trees may be larger, so use arithmetic on safe integers.
const lsb = (x) => x % 2 === 1;
function isPowerOfTwo(n) {
  let x = n;
  while (x > 1 && x % 2 === 0) x /= 2;
  return x === 1;
}
const shr = (x) => Math.floor(x / 2);

/**
 * Computes the root implied by an inclusion proof (RFC 9162 2.1.3.2), or
 * returns {error} when the proof is malformed for (index, size).
 */
export async function rootFromInclusionProof(index, size, leaf, proof) {
  if (!isSizeOk(index) || !isSizeOk(size)) return { error: 'bad index or size' };
  if (index >= size) return { error: 'index is not smaller than the tree size' };
  if (!(leaf instanceof Uint8Array) || leaf.length !== HASH_LEN) return { error: 'leaf hash is not 32 bytes' };
  const bad = checkHashList(proof);
  if (bad) return { error: bad };
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return { error: 'proof is too long' };
    if (lsb(fn) || fn === sn) {
      r = await nodeHash(p, r);
      if (!lsb(fn)) {
        while (!(lsb(fn) || fn === 0)) {
          fn = shr(fn);
          sn = shr(sn);
        }
      }
    } else {
      r = await nodeHash(r, p);
    }
    fn = shr(fn);
    sn = shr(sn);
  }
  if (sn !== 0) return { error: 'proof is too short' };
  return { root: r };
}

/** RFC 9162 2.1.3.2. Returns {ok, error?, root?}. */
export async function verifyInclusion({ index, size, leafHash: leaf, proof, root }) {
  if (!(root instanceof Uint8Array) || root.length !== HASH_LEN) return { ok: false, error: 'root is not 32 bytes' };
  const r = await rootFromInclusionProof(index, size, leaf, proof);
  if (r.error) return { ok: false, error: r.error };
  if (!bytesEqual(r.root, root)) return { ok: false, error: 'computed root does not match', computed: r.root };
  return { ok: true, root: r.root };
}

/** RFC 9162 2.1.4.2. Returns {ok, error?}. */
export async function verifyConsistency({ first, second, firstRoot, secondRoot, proof }) {
  if (!isSizeOk(first) || !isSizeOk(second)) return { ok: false, error: 'bad sizes' };
  if (first > second) return { ok: false, error: 'first size is larger than second size' };
  for (const h of [firstRoot, secondRoot]) {
    if (!(h instanceof Uint8Array) || h.length !== HASH_LEN) return { ok: false, error: 'root is not 32 bytes' };
  }
  const bad = checkHashList(proof);
  if (bad) return { ok: false, error: bad };
  if (first === second) {
    if (proof.length !== 0) return { ok: false, error: 'proof must be empty for equal sizes' };
    return bytesEqual(firstRoot, secondRoot) ? { ok: true } : { ok: false, error: 'roots differ for equal sizes' };
  }
  if (first === 0) {
    // Every tree extends the empty tree; the proof is empty.
    if (proof.length !== 0) return { ok: false, error: 'proof must be empty from size 0' };
    const empty = await sha256(new Uint8Array(0));
    return bytesEqual(firstRoot, empty) ? { ok: true } : { ok: false, error: 'first root is not the empty root' };
  }
  if (proof.length === 0) return { ok: false, error: 'proof is empty' };
  let path = proof;
  // Step 2: if first is an exact power of 2, prepend first_hash.
  if (isPowerOfTwo(first)) path = [firstRoot, ...proof];
  let fn = first - 1;
  let sn = second - 1;
  while (lsb(fn)) {
    fn = shr(fn);
    sn = shr(sn);
  }
  let fr = path[0];
  let sr = path[0];
  for (let i = 1; i < path.length; i++) {
    const c = path[i];
    if (sn === 0) return { ok: false, error: 'proof is too long' };
    if (lsb(fn) || fn === sn) {
      fr = await nodeHash(c, fr);
      sr = await nodeHash(c, sr);
      if (!lsb(fn)) {
        while (!(lsb(fn) || fn === 0)) {
          fn = shr(fn);
          sn = shr(sn);
        }
      }
    } else {
      sr = await nodeHash(sr, c);
    }
    fn = shr(fn);
    sn = shr(sn);
  }
  if (sn !== 0) return { ok: false, error: 'proof is too short' };
  if (!bytesEqual(fr, firstRoot)) return { ok: false, error: 'first root does not match' };
  if (!bytesEqual(sr, secondRoot)) return { ok: false, error: 'second root does not match' };
  return { ok: true };
}

// ---------------------------------------------------------------------------
// Ed25519

let ed25519Override = null;
let webCryptoEd25519 = null; // null = unknown, true/false once probed
let nobleModule = null;

/** Replaces the Ed25519 verifier: fn(publicKey, message, signature) -> Promise<boolean>. Null restores the default. */
export function setEd25519Verifier(fn) {
  ed25519Override = fn;
}

async function nobleVerify(pub, msg, sig) {
  if (!nobleModule) nobleModule = await import('../vendor/noble-ed25519.js');
  try {
    return await nobleModule.verifyAsync(sig, msg, pub, { zip215: false });
  } catch {
    return false;
  }
}

export { nobleVerify as ed25519VerifyNoble };

export async function ed25519VerifyWebCrypto(pub, msg, sig) {
  const s = subtle();
  let key;
  try {
    key = await s.importKey('raw', pub, { name: 'Ed25519' }, false, ['verify']);
  } catch {
    return false; // bad key encoding
  }
  try {
    return await s.verify({ name: 'Ed25519' }, key, sig, msg);
  } catch {
    return false;
  }
}

async function probeWebCryptoEd25519() {
  if (webCryptoEd25519 !== null) return webCryptoEd25519;
  try {
    // RFC 8032 test 1 public key: a valid point, so a WebCrypto that supports Ed25519 imports it.
    const pk = unhex('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a');
    await subtle().importKey('raw', pk, { name: 'Ed25519' }, false, ['verify']);
    webCryptoEd25519 = true;
  } catch {
    webCryptoEd25519 = false;
  }
  return webCryptoEd25519;
}

export async function ed25519Verify(pub, msg, sig) {
  if (!(pub instanceof Uint8Array) || pub.length !== 32) return false;
  if (!(sig instanceof Uint8Array) || sig.length !== 64) return false;
  if (ed25519Override) return ed25519Override(pub, msg, sig);
  if (await probeWebCryptoEd25519()) return ed25519VerifyWebCrypto(pub, msg, sig);
  return nobleVerify(pub, msg, sig);
}

// ---------------------------------------------------------------------------
// Signed notes (c2sp.org/signed-note)

function isValidKeyName(name) {
  return typeof name === 'string' && name.length > 0 && !/[\s+\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/u.test(name);
}

/** SHA-256(name || "\n" || type || pubkey)[:4] */
export async function keyId(name, type, publicKey) {
  const h = await sha256(concat(utf8(name), utf8('\n'), new Uint8Array([type]), publicKey));
  return h.slice(0, 4);
}

/**
 * Parses verifier key text `<name>+<8 hex key id>+<base64(type||pubkey)>` and
 * checks the key id. Supports type 0x01 (Ed25519 note signatures) and 0x04
 * (Ed25519 timestamped cosignatures). Throws VerifyError on bad input.
 */
export async function parseVerifierKey(text) {
  const fail = (why) => new VerifyError(STEPS.CHECKPOINT_SIGNATURE, 'bad_vkey', 'verifier key: ' + why);
  if (typeof text !== 'string') throw fail('not text');
  const t = text.trim();
  const i = t.indexOf('+');
  const j = t.indexOf('+', i + 1);
  if (i < 0 || j < 0) throw fail('expected name+id+key');
  const name = t.slice(0, i);
  const idHex = t.slice(i + 1, j);
  const keyB64 = t.slice(j + 1);
  if (!isValidKeyName(name)) throw fail('bad name');
  // Either case, as Go's note package (strconv.ParseUint base 16) takes it.
  if (!/^[0-9a-fA-F]{8}$/.test(idHex)) throw fail('bad key id');
  let key;
  try {
    key = b64decode(keyB64);
  } catch {
    throw fail('bad base64');
  }
  if (key.length !== 33) throw fail('unsupported key length');
  const type = key[0];
  if (type !== SIG_TYPE_ED25519 && type !== SIG_TYPE_COSIG_V1) throw fail('unsupported key type');
  const publicKey = key.slice(1);
  const id = await keyId(name, type, publicKey);
  if (hex(id) !== idHex.toLowerCase()) throw fail('key id does not match the key');
  return { name, keyId: id, keyIdHex: idHex.toLowerCase(), type, publicKey, text: t };
}

/** Builds the verifier key text for a name, type and 32-byte public key. */
export async function formatVerifierKey(name, type, publicKey) {
  const id = await keyId(name, type, publicKey);
  return `${name}+${hex(id)}+${b64encode(concat(new Uint8Array([type]), publicKey))}`;
}

// A signature's base64 as Go's note.Open decodes it (base64.StdEncoding
// tolerates non-zero padding bits). Returns {raw, lenient}; lenient means the
// encoding is not the canonical one, and such a signature never verifies.
function decodeSignatureB64(b64) {
  try {
    return { raw: b64decode(b64), lenient: false };
  } catch (e) {
    const pad = b64.endsWith('==') ? 2 : b64.endsWith('=') ? 1 : 0;
    const at = b64.length - 1 - pad;
    const v = pad && at >= 0 && b64.length % 4 === 0 ? B64.indexOf(b64[at]) : -1;
    if (v < 0) throw e;
    const canonical = b64.slice(0, at) + B64[v & (pad === 2 ? ~15 : ~3)] + b64.slice(at + 1);
    return { raw: b64decode(canonical), lenient: true };
  }
}

/**
 * Splits a signed note into its text and signature lines without verifying.
 * Returns {text, signatures:[{name, keyId, keyIdHex, sig, line, lenient}]}. Throws on malformed notes.
 */
export function parseSignedNote(note) {
  const fail = (why) => new VerifyError(STEPS.CHECKPOINT_SIGNATURE, 'bad_note', 'signed note: ' + why);
  if (typeof note !== 'string') throw fail('not text');
  // Must be valid UTF-8 (callers pass decoded text; lone surrogates mean it was not).
  if (/[\ud800-\udfff]/u.test(note.replace(/[\ud800-\udbff][\udc00-\udfff]/g, ''))) throw fail('invalid UTF-8');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0009\u000b-\u001f]/.test(note)) throw fail('control characters');
  if (!note.endsWith('\n')) throw fail('does not end with a newline');
  const split = note.lastIndexOf('\n\n');
  if (split < 0) throw fail('no blank line before the signatures');
  const text = note.slice(0, split + 1);
  const sigBlock = note.slice(split + 2);
  const lines = sigBlock.split('\n');
  lines.pop(); // after the final newline
  if (lines.length === 0) throw fail('no signatures');
  if (lines.length > 100) throw fail('too many signatures');
  const signatures = [];
  for (const line of lines) {
    if (!line.startsWith('\u2014 ')) throw fail('bad signature line');
    const rest = line.slice(2);
    const sp = rest.indexOf(' ');
    if (sp <= 0) throw fail('bad signature line');
    const name = rest.slice(0, sp);
    const b64 = rest.slice(sp + 1);
    if (!isValidKeyName(name)) throw fail('bad key name');
    let raw;
    let lenient;
    try {
      ({ raw, lenient } = decodeSignatureB64(b64));
    } catch {
      throw fail('bad signature base64');
    }
    if (raw.length < 5) throw fail('signature too short');
    signatures.push({ name, keyId: raw.slice(0, 4), keyIdHex: hex(raw.slice(0, 4)), sig: raw.slice(4), line, lenient });
  }
  return { text, signatures };
}

/**
 * Verifies a signed note with the given Ed25519 (type 0x01) verifier keys
 * (parsed with parseVerifierKey). Signatures from unknown keys are ignored; a
 * failing signature from a known key rejects the note; at least one known key
 * must have signed. Returns {ok, text, verified:[names], error?}.
 */
export async function verifyNote(note, verifiers) {
  let parsed;
  try {
    parsed = parseSignedNote(note);
  } catch (e) {
    return { ok: false, error: e.message };
  }
  const msg = utf8(parsed.text);
  const verified = [];
  for (const s of parsed.signatures) {
    const v = verifiers.find((k) => k.type === SIG_TYPE_ED25519 && k.name === s.name && bytesEqual(k.keyId, s.keyId));
    if (!v) continue;
    if (s.lenient || s.sig.length !== 64 || !(await ed25519Verify(v.publicKey, msg, s.sig))) {
      return { ok: false, text: parsed.text, verified, error: `signature by ${s.name} does not verify` };
    }
    verified.push(s.name);
  }
  if (verified.length === 0) return { ok: false, text: parsed.text, verified, error: 'no signature by a known key' };
  return { ok: true, text: parsed.text, verified, signatures: parsed.signatures };
}

// ---------------------------------------------------------------------------
// Checkpoints (c2sp.org/tlog-checkpoint)

/** Parses checkpoint note text (without signatures). Returns {origin, size, root, extensions}. Throws VerifyError. */
export function parseCheckpointText(text) {
  const fail = (why) => new VerifyError(STEPS.CHECKPOINT_SIGNATURE, 'bad_checkpoint', 'checkpoint: ' + why);
  if (typeof text !== 'string' || !text.endsWith('\n')) throw fail('must end with a newline');
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3) throw fail('fewer than three lines');
  const [origin, sizeStr, rootStr, ...extensions] = lines;
  if (origin.length === 0) throw fail('empty origin');
  const size = parseDecimal(sizeStr);
  if (size === null) throw fail('bad tree size');
  let root;
  try {
    root = b64decode(rootStr);
  } catch {
    throw fail('bad root hash');
  }
  if (root.length !== HASH_LEN) throw fail('root hash is not 32 bytes');
  for (const e of extensions) if (e.length === 0) throw fail('empty extension line');
  return { origin, size, root, extensions };
}

/**
 * Verifies a checkpoint signed note with the log's verifier key (text or
 * parsed). Checks the origin (expectedOrigin, else the key name).
 * Returns {ok, checkpoint?, error?, note?}.
 */
export async function verifyCheckpoint(note, logKey, expectedOrigin) {
  let key = logKey;
  try {
    if (typeof key === 'string') key = await parseVerifierKey(key);
  } catch (e) {
    return { ok: false, error: e.message };
  }
  if (key.type !== SIG_TYPE_ED25519) return { ok: false, error: 'log key is not an Ed25519 note key' };
  const v = await verifyNote(note, [key]);
  if (!v.ok) return { ok: false, error: v.error };
  let cp;
  try {
    cp = parseCheckpointText(v.text);
  } catch (e) {
    return { ok: false, error: e.message };
  }
  const origin = expectedOrigin || key.name;
  if (cp.origin !== origin) return { ok: false, error: `checkpoint origin ${cp.origin} is not ${origin}`, checkpoint: cp };
  return { ok: true, checkpoint: cp, text: v.text, signatures: v.signatures };
}

// ---------------------------------------------------------------------------
// Cosignatures (c2sp.org/tlog-cosignature, Ed25519 type 0x04)

export function cosignatureMessage(checkpointText, timestamp) {
  return utf8(`cosignature/v1\ntime ${timestamp}\n${checkpointText}`);
}

function readU64BE(b, off) {
  let n = 0n;
  for (let i = 0; i < 8; i++) n = (n << 8n) | BigInt(b[off + i]);
  return n;
}

/**
 * Verifies witness cosignatures on a checkpoint note. witnesses: parsed
 * verifier keys of type 0x04 (or text). Signature lines from unknown keys are
 * ignored. Returns {ok, verified:[{name, timestamp}], failed:[{name, error}], present}
 * where ok means no known witness signature failed and at least `quorum` verified.
 */
export async function verifyCosignatures(note, witnesses, quorum = 1, nowSeconds = null) {
  let parsed;
  try {
    parsed = parseSignedNote(note);
  } catch (e) {
    return { ok: false, verified: [], failed: [], present: 0, error: e.message };
  }
  const keys = [];
  for (const w of witnesses || []) {
    try {
      keys.push(typeof w === 'string' ? await parseVerifierKey(w) : w);
    } catch (e) {
      return { ok: false, verified: [], failed: [], present: 0, error: e.message };
    }
  }
  const verified = [];
  const failed = [];
  const counted = new Set();
  let present = 0;
  for (const s of parsed.signatures) {
    const k = keys.find((w) => w.type === SIG_TYPE_COSIG_V1 && w.name === s.name && bytesEqual(w.keyId, s.keyId));
    if (!k) continue;
    present++;
    if (s.lenient) {
      failed.push({ name: s.name, error: 'cosignature base64 is not canonical' });
      continue;
    }
    if (s.sig.length !== 72) {
      failed.push({ name: s.name, error: 'cosignature is not 72 bytes' });
      continue;
    }
    const ts = readU64BE(s.sig, 0);
    if (ts > 0x7fffffffffffffffn) {
      failed.push({ name: s.name, error: 'timestamp out of range' });
      continue;
    }
    if (nowSeconds !== null && ts > BigInt(nowSeconds) + 600n) {
      failed.push({ name: s.name, error: 'timestamp in the future' });
      continue;
    }
    const ok = await ed25519Verify(k.publicKey, cosignatureMessage(parsed.text, ts.toString()), s.sig.slice(8));
    if (!ok) failed.push({ name: s.name, error: 'cosignature does not verify' });
    // One witness counts once however many of its lines the note repeats.
    else if (!counted.has(k)) {
      counted.add(k);
      verified.push({ name: s.name, timestamp: Number(ts) });
    }
  }
  const ok = failed.length === 0 && verified.length >= quorum;
  return { ok, verified, failed, present, error: ok ? undefined : failed.length ? failed[0].error : 'not enough witness cosignatures' };
}

// ---------------------------------------------------------------------------
// tlog-proof (c2sp.org/tlog-proof@v1)

/** Parses a tlog-proof. Returns {extra (bytes|null), index, hashes, checkpointNote}. Throws VerifyError. */
export function parseTlogProof(text) {
  const fail = (why) => new VerifyError(STEPS.PROOF_FORMAT, 'bad_proof', 'tlog-proof: ' + why);
  if (typeof text !== 'string') throw fail('not text');
  if (text.length > 1 << 20) throw fail('too large');
  const lines = text.split('\n');
  let i = 0;
  if (lines[i++] !== TLOG_PROOF_HEADER) throw fail('first line is not ' + TLOG_PROOF_HEADER);
  let extra = null;
  if (lines[i] !== undefined && lines[i].startsWith('extra ')) {
    try {
      extra = b64decode(lines[i].slice(6));
    } catch {
      throw fail('bad extra data');
    }
    i++;
  }
  const idxLine = lines[i++];
  if (idxLine === undefined || !idxLine.startsWith('index ')) throw fail('missing index line');
  const index = parseDecimal(idxLine.slice(6));
  if (index === null) throw fail('bad index');
  const hashes = [];
  while (i < lines.length && lines[i] !== '') {
    let h;
    try {
      h = b64decode(lines[i]);
    } catch {
      throw fail('bad proof hash');
    }
    if (h.length !== HASH_LEN) throw fail('proof hash is not 32 bytes');
    if (hashes.length >= 64) throw fail('too many proof hashes');
    hashes.push(h);
    i++;
  }
  if (i >= lines.length) throw fail('missing blank line before the checkpoint');
  i++; // blank line
  const checkpointNote = lines.slice(i).join('\n');
  if (checkpointNote.length === 0) throw fail('missing checkpoint');
  return { extra, index, hashes, checkpointNote };
}

export function formatTlogProof({ extra, index, hashes, checkpointNote }) {
  let s = TLOG_PROOF_HEADER + '\n';
  if (extra) s += 'extra ' + b64encode(extra) + '\n';
  s += 'index ' + index + '\n';
  for (const h of hashes) s += b64encode(h) + '\n';
  return s + '\n' + checkpointNote;
}

// ---------------------------------------------------------------------------
// Donor receipts

/** Parses `<seq>-<32 hex secret>` (spaces tolerated, any hex case). Returns {seq, secret} or null. */
export function parseReceiptCode(code) {
  if (typeof code !== 'string') return null;
  const c = code.replace(/\s+/g, '').toLowerCase();
  const m = /^(0|[1-9][0-9]{0,15})-([0-9a-f]{32})$/.exec(c);
  if (!m) return null;
  const seq = parseDecimal(m[1]);
  if (seq === null) return null;
  return { seq, secret: unhex(m[2]), code: c };
}

export async function donorCommitment(secret) {
  return b64encode(await sha256(concat(utf8(DONOR_COMMITMENT_PREFIX), secret)));
}

function step(name, status, detail = {}) {
  return { step: name, ok: status === 'ok', status, ...detail };
}

/**
 * Verifies a donor receipt end to end.
 *
 * opts:
 *   proofText   the tlog-proof text (from api/v1/receipts/{seq} or a .tlog-proof file)
 *   code        the receipt code `<seq>-<hex secret>` (optional: without it the
 *               commitment step is skipped, e.g. for a dropped proof file)
 *   logKey      the log's verifier key text (or parsed)
 *   origin      expected checkpoint origin (default: the log key's name)
 *   witnesses   witness verifier keys (type 0x04); empty -> cosignature step skipped
 *   quorum      witnesses that must have cosigned (default 1 when witnesses are given)
 *   expectedLeafHash  optional base64/bytes leaf hash to compare with
 *
 * Returns {ok, status:'verified'|'failed', failedStep, steps:[{step, ok, status:'ok'|'failed'|'skipped', error?, ...}],
 *          entry, entryBytes, seq, checkpoint}.
 * Every step is attempted when its inputs exist, so the first failure names the real problem.
 */
export async function verifyReceipt(opts) {
  const steps = [];
  const out = { steps, entry: null, entryBytes: null, seq: null, checkpoint: null, leafHash: null };

  // 1. receipt code
  let code = null;
  if (opts.code !== undefined && opts.code !== null && opts.code !== '') {
    code = parseReceiptCode(opts.code);
    steps.push(code ? step(STEPS.RECEIPT_CODE, 'ok', { seq: code.seq }) : step(STEPS.RECEIPT_CODE, 'failed', { error: 'receipt code is not <number>-<32 hex digits>' }));
  } else {
    steps.push(step(STEPS.RECEIPT_CODE, 'skipped'));
  }

  // 2. proof format
  let proof = null;
  try {
    proof = parseTlogProof(opts.proofText);
    steps.push(step(STEPS.PROOF_FORMAT, 'ok', { index: proof.index, hashes: proof.hashes.length }));
  } catch (e) {
    steps.push(step(STEPS.PROOF_FORMAT, 'failed', { error: e.message }));
  }

  // 3. entry carried in the proof
  let entry = null;
  if (proof) {
    let err = null;
    if (!proof.extra) err = 'the proof carries no record';
    else {
      try {
        entry = JSON.parse(decodeUtf8(proof.extra));
      } catch {
        err = 'the record is not valid JSON';
      }
    }
    if (!err && (entry === null || typeof entry !== 'object' || Array.isArray(entry))) err = 'the record is not an object';
    if (!err && entry.type !== 'donation') err = 'the record is not a donation';
    if (!err && entry.seq !== proof.index) err = 'the record number does not match the proof index';
    if (!err && code && code.seq !== proof.index) err = 'the receipt code number does not match the record';
    if (!err && (!entry.body || typeof entry.body !== 'object')) err = 'the record has no body';
    if (err) steps.push(step(STEPS.ENTRY, 'failed', { error: err }));
    else {
      steps.push(step(STEPS.ENTRY, 'ok', { seq: entry.seq }));
      out.entry = entry;
      out.entryBytes = proof.extra;
      out.seq = entry.seq;
    }
  } else {
    steps.push(step(STEPS.ENTRY, 'skipped'));
  }

  // 4. commitment
  if (!code) steps.push(step(STEPS.COMMITMENT, 'skipped'));
  else if (!out.entry) steps.push(step(STEPS.COMMITMENT, 'skipped'));
  else {
    const want = out.entry.body.donor && out.entry.body.donor.commitment;
    const got = await donorCommitment(code.secret);
    if (typeof want !== 'string') steps.push(step(STEPS.COMMITMENT, 'failed', { error: 'the record has no donor commitment' }));
    else if (want !== got) steps.push(step(STEPS.COMMITMENT, 'failed', { error: 'the secret does not match the donor commitment', expected: want, computed: got }));
    else steps.push(step(STEPS.COMMITMENT, 'ok', { commitment: got }));
  }

  // 5. leaf hash
  let leaf = null;
  if (proof && proof.extra) {
    leaf = await leafHash(proof.extra);
    out.leafHash = b64encode(leaf);
    let expected = opts.expectedLeafHash;
    if (typeof expected === 'string') {
      try {
        expected = b64decode(expected);
      } catch {
        expected = new Uint8Array(0);
      }
    }
    if (expected && !bytesEqual(expected, leaf)) steps.push(step(STEPS.LEAF, 'failed', { error: 'the record bytes do not hash to the published leaf', leafHash: out.leafHash }));
    else steps.push(step(STEPS.LEAF, 'ok', { leafHash: out.leafHash }));
  } else {
    steps.push(step(STEPS.LEAF, 'skipped'));
  }

  // 7 (parsed first, needed by 6). checkpoint signature
  let cpRes = null;
  if (proof) {
    cpRes = await verifyCheckpoint(proof.checkpointNote, opts.logKey, opts.origin);
    if (cpRes.checkpoint) out.checkpoint = cpRes.checkpoint;
  }
  // Unsigned parse, so inclusion can still be reported when the signature fails.
  let cpText = null;
  if (proof && !out.checkpoint) {
    try {
      const n = parseSignedNote(proof.checkpointNote);
      cpText = parseCheckpointText(n.text);
    } catch {
      cpText = null;
    }
  }
  const cp = out.checkpoint || cpText;

  // 6. inclusion
  if (proof && leaf && cp) {
    const r = await verifyInclusion({ index: proof.index, size: cp.size, leafHash: leaf, proof: proof.hashes, root: cp.root });
    steps.push(r.ok ? step(STEPS.INCLUSION, 'ok', { size: cp.size }) : step(STEPS.INCLUSION, 'failed', { error: r.error }));
  } else if (proof && leaf && !cp) {
    steps.push(step(STEPS.INCLUSION, 'failed', { error: 'the checkpoint in the proof is unreadable' }));
  } else {
    steps.push(step(STEPS.INCLUSION, 'skipped'));
  }

  // 7. checkpoint signature
  if (!proof) steps.push(step(STEPS.CHECKPOINT_SIGNATURE, 'skipped'));
  else if (cpRes.ok) steps.push(step(STEPS.CHECKPOINT_SIGNATURE, 'ok', { origin: cpRes.checkpoint.origin, size: cpRes.checkpoint.size }));
  else steps.push(step(STEPS.CHECKPOINT_SIGNATURE, 'failed', { error: cpRes.error }));

  // 8. cosignatures
  const witnesses = opts.witnesses || [];
  if (!proof) steps.push(step(STEPS.COSIGNATURES, 'skipped'));
  else {
    let lines = 0;
    try {
      lines = parseSignedNote(proof.checkpointNote).signatures.length - 1;
    } catch {
      lines = 0;
    }
    if (witnesses.length === 0) {
      steps.push(step(STEPS.COSIGNATURES, 'skipped', { present: Math.max(0, lines), reason: 'no witness keys configured' }));
    } else {
      const quorum = opts.quorum ?? 1;
      const r = await verifyCosignatures(proof.checkpointNote, witnesses, quorum, opts.nowSeconds ?? null);
      steps.push(r.ok ? step(STEPS.COSIGNATURES, 'ok', { verified: r.verified }) : step(STEPS.COSIGNATURES, 'failed', { error: r.error, verified: r.verified, failed: r.failed }));
    }
  }

  const order = new Map(STEP_ORDER.map((s, i) => [s, i]));
  steps.sort((a, b) => order.get(a.step) - order.get(b.step));
  const failed = steps.find((s) => s.status === 'failed');
  out.ok = !failed && steps.some((s) => s.step === STEPS.INCLUSION && s.ok) && steps.some((s) => s.step === STEPS.CHECKPOINT_SIGNATURE && s.ok);
  out.status = out.ok ? 'verified' : 'failed';
  out.failedStep = failed ? failed.step : out.ok ? null : STEPS.PROOF_FORMAT;
  return out;
}

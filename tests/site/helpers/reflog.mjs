// Reference transparency log for tests: RFC 6962 MTH/PATH/PROOF written from the
// RFC's recursive definitions (independent of verify.js's iterative algorithms),
// Ed25519 signing with node:crypto, C2SP checkpoints, cosignatures and tlog-proofs.
import crypto from 'node:crypto';

export const sha = (...parts) => {
  const h = crypto.createHash('sha256');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
};
export const leafHash = (bytes) => sha(Buffer.from([0]), bytes);
export const nodeHash = (l, r) => sha(Buffer.from([1]), l, r);
export const b64 = (b) => Buffer.from(b).toString('base64');

function largestPow2Below(n) {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

export function mth(leaves) {
  const n = leaves.length;
  if (n === 0) return sha(new Uint8Array(0));
  if (n === 1) return leaves[0];
  const k = largestPow2Below(n);
  return nodeHash(mth(leaves.slice(0, k)), mth(leaves.slice(k)));
}

export function path(m, leaves) {
  const n = leaves.length;
  if (n <= 1) return [];
  const k = largestPow2Below(n);
  if (m < k) return [...path(m, leaves.slice(0, k)), mth(leaves.slice(k))];
  return [...path(m - k, leaves.slice(k)), mth(leaves.slice(0, k))];
}

function subproof(m, leaves, b) {
  const n = leaves.length;
  if (m === n) return b ? [] : [mth(leaves)];
  const k = largestPow2Below(n);
  if (m <= k) return [...subproof(m, leaves.slice(0, k), b), mth(leaves.slice(k))];
  return [...subproof(m - k, leaves.slice(k), false), mth(leaves.slice(0, k))];
}

export function consistency(m, leaves) {
  if (m === 0 || m === leaves.length) return [];
  return subproof(m, leaves, true);
}

export function keyId(name, type, pub) {
  return sha(Buffer.from(name + '\n'), Buffer.from([type]), pub).slice(0, 4);
}

export function newSigner(name, type = 0x01) {
  const { publicKey, privateKey } = crypto.generateKeyPairSync('ed25519');
  const pub = new Uint8Array(Buffer.from(publicKey.export({ format: 'jwk' }).x, 'base64url'));
  const id = keyId(name, type, pub);
  const vkey = `${name}+${Buffer.from(id).toString('hex')}+${b64(Buffer.concat([Buffer.from([type]), pub]))}`;
  const sign = (msg) => new Uint8Array(crypto.sign(null, Buffer.from(msg), privateKey));
  return { name, type, pub, id, vkey, sign, privateKey };
}

/**
 * A signer from a signed-note private key as `ledgerctl init` writes it
 * (`PRIVATE+KEY+<name>+<hex key id>+<base64(type || 32-byte seed)>`): lets a
 * test sign what only the log should sign (a forged checkpoint).
 */
export function signerFromKeyText(text) {
  const [p, k, name, idHex, ...rest] = text.trim().split('+');
  const keyB64 = rest.join('+'); // base64 may hold '+'
  if (p !== 'PRIVATE' || k !== 'KEY') throw new Error('not a signed-note private key');
  const raw = Buffer.from(keyB64, 'base64');
  const type = raw[0];
  // PKCS#8 wrapping of an Ed25519 seed (RFC 8410).
  const der = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), raw.subarray(1)]);
  const privateKey = crypto.createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  const pub = new Uint8Array(Buffer.from(crypto.createPublicKey(privateKey).export({ format: 'jwk' }).x, 'base64url'));
  const id = keyId(name, type, pub);
  if (Buffer.from(id).toString('hex') !== idHex) throw new Error('key id does not match the key');
  const vkey = `${name}+${idHex}+${b64(Buffer.concat([Buffer.from([type]), pub]))}`;
  const sign = (msg) => new Uint8Array(crypto.sign(null, Buffer.from(msg), privateKey));
  return { name, type, pub, id, vkey, sign, privateKey };
}

export function checkpointText(origin, size, root, extensions = []) {
  return [origin, String(size), b64(root), ...extensions].join('\n') + '\n';
}

export function noteSigLine(signer, text) {
  return `\u2014 ${signer.name} ${b64(Buffer.concat([signer.id, signer.sign(text)]))}\n`;
}

export function cosigLine(witness, text, timestamp) {
  const msg = `cosignature/v1\ntime ${timestamp}\n${text}`;
  const ts = Buffer.alloc(8);
  ts.writeBigUInt64BE(BigInt(timestamp));
  return `\u2014 ${witness.name} ${b64(Buffer.concat([witness.id, ts, witness.sign(msg)]))}\n`;
}

export function signedCheckpoint(logSigner, text, witnesses = [], timestamp = 1764399051) {
  let s = text + '\n' + noteSigLine(logSigner, text);
  for (const w of witnesses) s += cosigLine(w, text, timestamp);
  return s;
}

export function tlogProof({ extra, index, hashes, checkpointNote }) {
  let s = 'c2sp.org/tlog-proof@v1\n';
  if (extra) s += 'extra ' + b64(extra) + '\n';
  s += 'index ' + index + '\n';
  for (const h of hashes) s += b64(h) + '\n';
  return s + '\n' + checkpointNote;
}

// Canonical JSON as the ledger writes it: sorted keys, no whitespace.
export function canonical(v) {
  if (Array.isArray(v)) return '[' + v.map(canonical).join(',') + ']';
  if (v && typeof v === 'object') {
    return '{' + Object.keys(v).sort().map((k) => JSON.stringify(k) + ':' + canonical(v[k])).join(',') + '}';
  }
  return JSON.stringify(v);
}

export const DONOR_PREFIX = 'charity-ledger/donor/v1\n';
export function commitment(secret) {
  return b64(sha(Buffer.from(DONOR_PREFIX), secret));
}

/** A small in-memory ledger of entries with a log key and witnesses. */
export class RefLog {
  constructor(origin = 'example.org/charity-ledger', nWitnesses = 2) {
    this.origin = origin;
    this.signer = newSigner(origin, 0x01);
    this.witnesses = Array.from({ length: nWitnesses }, (_, i) => newSigner(`witness${i + 1}.example.org`, 0x04));
    this.entries = []; // bytes
    this.leaves = [];
    this.checkpoints = new Map(); // size -> note
  }
  append(type, body, by = 'recorder-1', time = new Date().toISOString().replace(/\.\d+Z$/, 'Z')) {
    const seq = this.entries.length;
    const prev = seq === 0 ? new Uint8Array(32) : this.leaves[seq - 1];
    const entry = { body, by, prev: b64(prev), seq, time, type, v: 1 };
    const bytes = Buffer.from(canonical(entry));
    this.entries.push(bytes);
    this.leaves.push(leafHash(bytes));
    return { seq, entry, bytes, leaf_hash: b64(this.leaves[seq]) };
  }
  root(size = this.leaves.length) {
    return mth(this.leaves.slice(0, size));
  }
  checkpoint(size = this.leaves.length, timestamp = Math.floor(Date.now() / 1000)) {
    if (!this.checkpoints.has(size)) {
      const text = checkpointText(this.origin, size, this.root(size));
      this.checkpoints.set(size, signedCheckpoint(this.signer, text, this.witnesses, timestamp));
    }
    return this.checkpoints.get(size);
  }
  receipt(seq, size = this.leaves.length) {
    return tlogProof({
      extra: this.entries[seq],
      index: seq,
      hashes: path(seq, this.leaves.slice(0, size)),
      checkpointNote: this.checkpoint(size),
    });
  }
}

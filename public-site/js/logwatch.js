// What this browser remembers of the log, and the check that the log it is
// shown now extends the one it saw before (a log that shows two histories,
// a fork, is caught by anyone who saw both).
//
// Storage (localStorage, per log verifier key):
//   ledger.seen.<vkey>   {"v":1,"size":N,"root":"<b64>","note":"<signed checkpoint>","at":<ms>}
//                        the largest checkpoint this browser verified and proved consistent
//   ledger.key.<origin>  the verifier key last used for that origin (a change is reported)
//
// observeCheckpoint() verifies a checkpoint's signature, then compares it
// with the remembered one: the same size must have the same root; otherwise
// an RFC 9162 consistency proof between the two sizes (from
// api/v1/proof/consistency, or, where that is missing as on a static mirror,
// computed from the tiles) must verify against both signed roots. Only a
// larger, consistent checkpoint replaces the remembered one. No DOM here.
import * as V from './verify.js';
import { consistentByTiles } from './tiles.js';

const SEEN = 'ledger.seen.';
const KEY = 'ledger.key.';

/**
 * Result statuses:
 *   first         nothing remembered yet; this checkpoint is now remembered
 *   same          same size and root as remembered
 *   grew          consistent with the remembered one and larger: now remembered
 *   older         consistent, but smaller than what this browser saw before
 *   fork          the two signed checkpoints cannot both be true (evidence holds both notes)
 *   unchecked     consistency could not be checked (no proof endpoint and no tiles)
 *   bad_signature the checkpoint does not verify with the log key
 * Also: checkpoint, remembered ({size, root, note, at} or null), error, keyChanged (previous vkey or null).
 */
export async function observeCheckpoint(opts) {
  // One check at a time: a page may observe the latest checkpoint and a receipt's at once.
  const run = queue.then(() => observe(opts));
  queue = run.catch(() => {});
  return run;
}
let queue = Promise.resolve();

function read(storage, key) {
  try {
    return JSON.parse(storage.getItem(key) || 'null');
  } catch {
    return null;
  }
}

function write(storage, key, value) {
  try {
    storage.setItem(key, typeof value === 'string' ? value : JSON.stringify(value));
  } catch {
    /* storage full or disabled: nothing remembered */
  }
}

async function proveConsistent(small, big, fetchJson, fetchBytes) {
  const firstRoot = V.b64decode(small.root);
  const secondRoot = V.b64decode(big.root);
  let apiError = null;
  if (fetchJson) {
    let proof = null;
    try {
      const j = await fetchJson(`api/v1/proof/consistency?from=${small.size}&to=${big.size}`);
      if (j && Number(j.from) === small.size && Number(j.to) === big.size && Array.isArray(j.hashes)) proof = j.hashes.map(V.b64decode);
    } catch {
      proof = null; // no such endpoint here (a static mirror), or the network failed
    }
    if (proof) {
      const r = await V.verifyConsistency({ first: small.size, second: big.size, firstRoot, secondRoot, proof });
      if (r.ok) return { ok: true, via: 'proof' };
      apiError = r.error;
    }
  }
  if (fetchBytes) {
    const r = await consistentByTiles({ first: small.size, firstRoot, second: big.size, secondRoot, fetchBytes });
    if (r.ok) return { ok: true, via: 'tiles' };
    if (r.fork) return { ok: false, fork: true, error: r.error };
    if (!apiError) return { ok: false, unavailable: true, error: r.error };
  }
  // A log that kept one history can always prove it; a proof that fails against two signed roots is the fork's trace.
  if (apiError) return { ok: false, fork: true, error: 'the consistency proof does not verify: ' + apiError };
  return { ok: false, unavailable: true, error: 'no consistency proof available' };
}

async function observe({ note, logKey, origin, storage, fetchJson, fetchBytes, now = Date.now() }) {
  const cp = await V.verifyCheckpoint(note, logKey, origin);
  if (!cp.ok) return { status: 'bad_signature', error: cp.error, remembered: null };
  const vkey = typeof logKey === 'string' ? logKey.trim() : logKey.text;
  const checkpoint = { size: cp.checkpoint.size, root: V.b64encode(cp.checkpoint.root), note, at: now };
  const out = { checkpoint, remembered: null, keyChanged: null };
  if (!storage) return { ...out, status: 'unchecked', error: 'this browser keeps no storage' };

  const lastKey = storage.getItem(KEY + cp.checkpoint.origin);
  if (lastKey && lastKey !== vkey) out.keyChanged = lastKey;
  write(storage, KEY + cp.checkpoint.origin, vkey);

  const seenKey = SEEN + vkey;
  const seen = read(storage, seenKey);
  if (!seen || typeof seen.size !== 'number' || typeof seen.root !== 'string') {
    write(storage, seenKey, { v: 1, ...checkpoint });
    return { ...out, status: 'first' };
  }
  out.remembered = seen;
  if (seen.size === checkpoint.size) {
    if (seen.root === checkpoint.root) return { ...out, status: 'same' };
    return { ...out, status: 'fork', error: `two checkpoints of ${seen.size} entries with different roots`, evidence: evidence(cp.checkpoint.origin, vkey, seen, checkpoint) };
  }
  const grew = checkpoint.size > seen.size;
  const [small, big] = grew ? [seen, checkpoint] : [checkpoint, seen];
  const r = await proveConsistent(small, big, fetchJson, fetchBytes);
  if (r.ok) {
    if (grew) write(storage, seenKey, { v: 1, ...checkpoint });
    return { ...out, status: grew ? 'grew' : 'older', via: r.via };
  }
  if (r.fork) return { ...out, status: 'fork', error: r.error, evidence: evidence(cp.checkpoint.origin, vkey, seen, checkpoint) };
  return { ...out, status: 'unchecked', error: r.error };
}

/** Both signed checkpoints, for the reader to keep and show others: together they prove the log misbehaved. */
function evidence(origin, vkey, seen, now) {
  return {
    what: 'two signed checkpoints of one log that are not consistent with each other',
    origin,
    log_vkey: vkey,
    remembered: { size: seen.size, root: seen.root, seen_at: new Date(seen.at).toISOString(), note: seen.note },
    current: { size: now.size, root: now.root, seen_at: new Date(now.at).toISOString(), note: now.note },
  };
}

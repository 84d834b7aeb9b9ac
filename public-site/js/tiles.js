// Tree roots computed from C2SP tlog-tiles (https://c2sp.org/tlog-tiles):
// lets the browser check that two checkpoints are consistent where no
// consistency-proof endpoint exists (a static mirror serves only files).
//
// A hash tile at level L, index N holds the hashes of tree level 8L, nodes
// 256N .. 256N+255 (32 bytes each); for a tree of size n it is full when
// 256(N+1) <= n >> 8L, otherwise served as a partial tile `.p/<W>`. The root
// of a tree of size n (RFC 9162 section 2.1.1) folds the perfect subtrees of
// n's binary decomposition from the right: a subtree of height k is one hash
// of level k, read from a tile (k a multiple of 8) or hashed up from 2^(k mod 8)
// hashes of level 8*floor(k/8), which always lie in one tile.
import { nodeHash, bytesEqual } from './verify.js';

export const TILE_HEIGHT = 8;
export const TILE_WIDTH = 256;
const HASH_LEN = 32;

/** C2SP tile index path: 1234067 -> "x001/x234/067". */
export function tileIndexPath(n) {
  let s = String(n).padStart(3, '0');
  const pad = (3 - (s.length % 3)) % 3;
  s = '0'.repeat(pad) + s;
  const groups = s.match(/.{3}/g);
  return groups.map((g, i) => (i < groups.length - 1 ? 'x' + g : g)).join('/');
}

/** The path of hash tile (level, index) as served for a tree of `size` entries. */
export function tilePath(level, index, size) {
  const count = Math.floor(size / 2 ** (TILE_HEIGHT * level)); // nodes at tree level 8*level
  const width = Math.min(TILE_WIDTH, count - index * TILE_WIDTH);
  if (width <= 0) throw new Error(`tile ${level}/${index} is not in a tree of size ${size}`);
  return `tile/${level}/${tileIndexPath(index)}` + (width < TILE_WIDTH ? `.p/${width}` : '');
}

/**
 * A reader of node hashes of the tree of `size` entries.
 * fetchBytes(path) -> Promise<Uint8Array> fetches a tile relative to the log's root.
 */
export function tileReader(size, fetchBytes) {
  const tiles = new Map();
  const tile = (level, index) => {
    const p = tilePath(level, index, size);
    if (!tiles.has(p)) {
      tiles.set(p, fetchBytes(p).then((b) => {
        const want = Number(/\.p\/(\d+)$/.exec(p)?.[1] ?? TILE_WIDTH) * HASH_LEN;
        if (!(b instanceof Uint8Array) || b.length !== want) throw new Error(`${p}: ${b && b.length} bytes, expected ${want}`);
        return b;
      }));
    }
    return tiles.get(p);
  };
  /** Hash of the perfect subtree of height k whose leftmost node at that height is number i. */
  async function subtree(k, i) {
    const L = Math.floor(k / TILE_HEIGHT);
    const r = k % TILE_HEIGHT;
    const first = i * 2 ** r; // first node at level 8L
    const t = await tile(L, Math.floor(first / TILE_WIDTH));
    let level = [];
    for (let j = 0; j < 2 ** r; j++) {
      const off = ((first + j) % TILE_WIDTH) * HASH_LEN;
      level.push(t.subarray(off, off + HASH_LEN));
    }
    while (level.length > 1) {
      const next = [];
      for (let j = 0; j < level.length; j += 2) next.push(await nodeHash(level[j], level[j + 1]));
      level = next;
    }
    return level[0];
  }
  /** RFC 9162 root of the first m entries (1 <= m <= size). */
  async function rootAt(m) {
    if (!Number.isSafeInteger(m) || m < 1 || m > size) throw new Error(`size ${m} is outside the tree of ${size}`);
    const parts = [];
    let start = 0;
    for (let k = 52; k >= 0; k--) {
      const w = 2 ** k;
      if (Math.floor(m / w) % 2 === 1) {
        parts.push(await subtree(k, start / w));
        start += w;
      }
    }
    let h = parts[parts.length - 1];
    for (let j = parts.length - 2; j >= 0; j--) h = await nodeHash(parts[j], h);
    return h;
  }
  return { rootAt };
}

/**
 * Checks from tiles that the tree of `second` entries (root secondRoot, whose
 * tiles fetchBytes serves) extends the tree of `first` entries (root
 * firstRoot). Returns {ok, error?, fork?, unavailable?}: fork when the tiles
 * match the second root and give another first root; unavailable when a tile
 * could not be fetched or was malformed.
 */
export async function consistentByTiles({ first, firstRoot, second, secondRoot, fetchBytes }) {
  try {
    if (first > second) return { ok: false, error: 'first size is larger than second size' };
    if (first === 0) return { ok: true };
    const r = tileReader(second, fetchBytes);
    if (!bytesEqual(await r.rootAt(second), secondRoot)) return { ok: false, unavailable: true, error: 'the tiles do not give the checkpoint root' };
    // The tiles match the second checkpoint, so a different first root is a fork.
    if (!bytesEqual(await r.rootAt(first), firstRoot)) return { ok: false, fork: true, error: `the tree of ${first} entries in these tiles has another root` };
    return { ok: true };
  } catch (e) {
    return { ok: false, error: e.message, unavailable: true };
  }
}

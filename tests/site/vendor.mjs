// Copies the browser libraries the public site needs from node_modules into
// public-site/vendor/ (committed, so the site works with no CDN and no npm step
// at serve time). Run after `npm install`: `npm run vendor`.
// With --check, exits non-zero when a vendored copy differs from node_modules.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const nm = path.join(root, 'node_modules');
const out = path.join(root, 'public-site/vendor');

export const FILES = [
  ['echarts/dist/echarts.min.js', 'echarts.min.js'],
  ['echarts/LICENSE', 'echarts.LICENSE.txt'],
  ['echarts/NOTICE', 'echarts.NOTICE.txt'],
  ['@noble/ed25519/index.js', 'noble-ed25519.js'],
  ['@noble/ed25519/LICENSE', 'noble-ed25519.LICENSE.txt'],
];

const check = process.argv.includes('--check');
let bad = 0;
fs.mkdirSync(out, { recursive: true });
const versions = {};
for (const [src, dst] of FILES) {
  const from = path.join(nm, src);
  const to = path.join(out, dst);
  const pkg = src.startsWith('@') ? src.split('/').slice(0, 2).join('/') : src.split('/')[0];
  versions[pkg] = JSON.parse(fs.readFileSync(path.join(nm, pkg, 'package.json'), 'utf8')).version;
  if (check) {
    if (!fs.existsSync(to) || !fs.readFileSync(from).equals(fs.readFileSync(to))) {
      console.error(`vendored ${dst} differs from node_modules/${src}`);
      bad++;
    }
  } else {
    fs.copyFileSync(from, to);
  }
}
const manifest = JSON.stringify(versions, null, 2) + '\n';
const mf = path.join(out, 'VERSIONS.json');
if (check) {
  if (!fs.existsSync(mf) || fs.readFileSync(mf, 'utf8') !== manifest) {
    console.error('public-site/vendor/VERSIONS.json is stale');
    bad++;
  }
  if (bad) process.exit(1);
  console.log('vendored files match node_modules');
} else {
  fs.writeFileSync(mf, manifest);
  console.log('vendored', FILES.map((f) => f[1]).join(', '), versions);
}

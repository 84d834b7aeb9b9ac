// A QR code as SVG, built as DOM nodes (no markup strings, nothing the
// Content-Security-Policy would refuse). The encoder is uqr from npm,
// vendored by `npm run vendor` under its versioned name (js/vendor.js).
import { UQR } from '../vendor.js';

const SVG = 'http://www.w3.org/2000/svg';

let encoder = null;
async function encode(text) {
  if (!encoder) encoder = await import(new URL('../../' + UQR, import.meta.url).href);
  // Medium error correction: survives a crease or a smudge on paper.
  return encoder.encode(text, { ecc: 'M', border: 4 });
}

/** An <svg> of `text` (a URL), one unit per module with the 4-module quiet zone, dark modules as one path. */
export async function qrSvg(text, label) {
  const { data, size } = await encode(text);
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', `0 0 ${size} ${size}`);
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', label);
  svg.setAttribute('shape-rendering', 'crispEdges');
  const bg = document.createElementNS(SVG, 'rect');
  bg.setAttribute('width', String(size));
  bg.setAttribute('height', String(size));
  bg.setAttribute('fill', '#fff');
  svg.append(bg);
  let d = '';
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) if (data[y][x]) d += `M${x} ${y}h1v1h-1z`;
  }
  const path = document.createElementNS(SVG, 'path');
  path.setAttribute('d', d);
  path.setAttribute('fill', '#000');
  svg.append(path);
  return svg;
}

// The "示例数据 / sample data" banner: shown at the top of every page while
// GET api/v1/log answers "sample_data": true (the organisation profile on
// record declares the ledger's data fictional, as the demo does). Asked once
// per page load; redrawn in the new language after a switch.
import { t } from './i18n.js';

let sample = null; // null: not known yet; true/false once api/v1/log answered
let asked = null;

function draw() {
  if (typeof document === 'undefined') return;
  let el = document.getElementById('sample-banner');
  if (!sample) {
    if (el) el.remove();
    return;
  }
  if (!el) {
    el = document.createElement('div');
    el.id = 'sample-banner';
    el.className = 'sample-banner';
    el.setAttribute('role', 'note');
    const header = document.getElementById('site-header');
    if (header) header.before(el);
    else document.body.prepend(el);
  }
  const strong = document.createElement('strong');
  strong.textContent = t('sample.title');
  el.replaceChildren(strong, ' ', t('sample.text'));
}

/** Draws the banner now (in the current language) and, the first time, asks the server whether the data is sample data. */
export function sampleBanner() {
  draw();
  if (!asked) {
    asked = fetch('api/v1/log', { headers: { Accept: 'application/json' } })
      .then((r) => (r.ok ? r.json() : null))
      .then((j) => { sample = !!(j && j.sample_data === true); draw(); })
      .catch(() => {});
  }
  return asked;
}

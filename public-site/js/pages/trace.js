import { initPage, api, h, t, errorBox, loadingBox, markReady, fill, pickName, $ } from '../app.js';
import { traceView, donationFacts } from '../trace-view.js';
import { typeText } from '../entry-text.js';

// Where one gift (or other money received) went, for anyone: GET
// api/v1/donations/{seq}/trace with the entry itself. The donor who wants
// proof that the gift is theirs uses the verify page with the receipt code.
const params = new URLSearchParams(location.search);
let seq = /^\d{1,15}$/.test(params.get('seq') || '') ? params.get('seq') : null;
let entry = null;
let trace = null;
let funds = null;
let error = null;

function render() {
  $('#trace-seq').value = seq || '';
  const gift = $('#trace-gift');
  const box = $('#trace');
  if (!seq) {
    gift.replaceChildren();
    return box.replaceChildren(h('p', { class: 'help' }, t('trace.ask')));
  }
  if (error) {
    gift.replaceChildren();
    return box.replaceChildren(errorBox(error.status === 404 ? new Error(t('trace.notfound', { seq })) : error, load));
  }
  if (!trace || !entry) {
    gift.replaceChildren();
    return box.replaceChildren(loadingBox());
  }
  const f = funds && funds.find((x) => x.id === trace.fund);
  fill(gift,
    h('h2', { id: 'h-gift' }, typeText(entry.entry.type), ' #', String(entry.seq)),
    donationFacts(entry.entry, f),
    entry.entry.type === 'donation' ? h('p', { class: 'help' }, t('trace.verify.hint'), ' ', h('a', { href: 'verify.html' }, t('nav.verify'))) : null);
  fill(box, traceView(trace, { fundName: f ? pickName(f.name) : trace.fund, heading: t('trace.summary') }));
}

async function load() {
  entry = null;
  trace = null;
  error = null;
  render();
  if (!seq) return markReady();
  try {
    [trace, entry, funds] = await Promise.all([
      api(`api/v1/donations/${seq}/trace`),
      api(`api/v1/entries/${seq}`),
      api('api/v1/funds').then((r) => r.funds).catch(() => null),
    ]);
  } catch (e) {
    error = e;
  }
  render();
  markReady();
}

initPage('trace', render);
$('#trace-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const v = $('#trace-seq').value.trim().replace(/^#/, '');
  if (!/^\d{1,15}$/.test(v)) {
    $('#trace-seq').focus();
    return;
  }
  seq = v;
  history.replaceState(null, '', '?seq=' + seq);
  load();
});
load();

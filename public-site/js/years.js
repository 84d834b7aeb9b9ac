// The years the ledger holds data for, which the year pickers offer.
//
// ledgerYears() derives it from what the API answers:
//   first: the year of the earliest business date (the entry's "date"),
//          GET api/v1/entries?from=1900-01-01&limit=1 (ordered by business date);
//   last:  the latest year whose report moves money, by binary search over
//          GET api/v1/reports?from=<Y>-01-01&to=<today> (about log2(years) requests).
// Entries dated by when they were recorded (a fund opening, a correction) do
// not stretch the range past the last year money moved.
// Returns {first, last} (numbers), or null when the ledger is empty or the
// server ignores query strings (a static mirror: its reports are fixed).
import { api, h, t, markReady, $ } from './app.js';

const FIELDS = ['income', 'granted', 'disbursed', 'used', 'admin_cost'];

/** True when a report (api/v1/reports) shows money moving in its period. */
export function reportHasActivity(r) {
  const tot = (r && r.totals) || {};
  if (FIELDS.some((k) => tot[k] !== undefined && String(tot[k]) !== '0')) return true;
  return ((r && r.funds) || []).some((f) => Object.values(f.counts || {}).some((n) => n > 0));
}

/** Years from..to, ascending. */
export function yearList(range) {
  if (!range) return [];
  const out = [];
  for (let y = range.first; y <= range.last; y++) out.push(y);
  return out;
}

const pad = (n) => String(n).padStart(2, '0');
function today() {
  const d = new Date();
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

let cached = null;
const STORE_KEY = 'ledger.years';
const STORE_MS = 10 * 60 * 1000;

function session() {
  try {
    return globalThis.sessionStorage || null;
  } catch {
    return null;
  }
}

async function compute() {
  const first = await api('api/v1/entries?from=1900-01-01&limit=1');
  const e = first.entries && first.entries[0];
  if (!e) return null;
  const b = e.entry.body || {};
  // The API names each entry's business date; older servers did not.
  const date = e.date || b.received_at || b.award_date || b.paid_at || b.spent_at || b.period || (e.entry.time || '').slice(0, 10);
  const firstYear = Number(String(date).slice(0, 4));
  if (!Number.isInteger(firstYear)) return null;
  const end = today();
  const thisYear = Number(end.slice(0, 4));
  const activeFrom = async (y) => {
    const from = `${y}-01-01`;
    const r = await api(`api/v1/reports?from=${from}&to=${end}`);
    if (r.from !== undefined && r.from !== from) throw new Error('the server ignores the query');
    return reportHasActivity(r);
  };
  if (!(await activeFrom(firstYear))) return { first: firstYear, last: firstYear };
  // Invariant: money moves on or after lo; not on or after hi (hi may be next year).
  let lo = firstYear;
  let hi = thisYear + 1;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (await activeFrom(mid)) lo = mid;
    else hi = mid;
  }
  return { first: firstYear, last: lo };
}

/** {first, last} years of the ledger's data, or null (see above). Cached for the session for a few minutes. */
export async function ledgerYears() {
  if (cached) return cached;
  const s = session();
  try {
    const v = s && JSON.parse(s.getItem(STORE_KEY) || 'null');
    if (v && v.at > Date.now() - STORE_MS && v.where === location.pathname.replace(/[^/]*$/, '')) return (cached = Promise.resolve(v.range));
  } catch {
    /* ignore a damaged cache */
  }
  cached = compute().catch(() => null).then((range) => {
    try {
      if (s && range) s.setItem(STORE_KEY, JSON.stringify({ at: Date.now(), where: location.pathname.replace(/[^/]*$/, ''), range }));
    } catch {
      /* storage full or disabled */
    }
    return range;
  });
  return cached;
}

/**
 * The state of a page that shows one year at a time (compliance, lottery),
 * loaded from GET `path`?year=Y. The year is the one asked in the address
 * (?year=YYYY), else the last year of the ledger's data, else this year; the
 * <select> `picker` offers the ledger's years and changes the year (and the
 * address). A static mirror answers one year whatever is asked: the page then
 * shows that year, and mirrorNote() is the warning that says so (null
 * otherwise). `render()` draws the page from the state (year, years, data,
 * error); `reset()` runs before each load. Call start() once the page is set up.
 */
export function yearPage({ path, picker, render, reset = () => {} }) {
  const thisYear = new Date().getFullYear();
  const p = new URLSearchParams(location.search).get('year') || '';
  const asked = /^\d{4}$/.test(p) ? +p : null;
  const s = { year: asked || thisYear, years: null, data: null, error: null, mirrorYear: null };
  const options = () => {
    const list = s.years ? yearList(s.years) : Array.from({ length: 8 }, (_, i) => thisYear - 7 + i);
    if (!list.includes(s.year)) list.push(s.year);
    return list.sort((a, b) => b - a);
  };
  s.fillPicker = () => $(picker).replaceChildren(...options().map((y) => h('option', { value: y, selected: y === s.year }, String(y))));
  s.mirrorNote = () => (s.mirrorYear !== null ? h('p', { class: 'warn', id: 'mirror-year' }, t('mirror.year', { year: s.mirrorYear })) : null);
  s.load = async () => {
    s.data = null;
    reset();
    render();
    try {
      s.data = await api(`${path}?year=${s.year}`);
      s.error = null;
      s.mirrorYear = s.data && Number.isInteger(s.data.year) && s.data.year !== s.year ? s.data.year : null;
      if (s.mirrorYear !== null) s.year = s.data.year;
    } catch (e) {
      s.error = e;
    }
    render();
    markReady();
  };
  s.start = async () => {
    s.years = await ledgerYears();
    if (!asked && s.years) s.year = s.years.last;
    await s.load();
  };
  $(picker).addEventListener('change', (e) => {
    s.year = +e.target.value;
    history.replaceState(null, '', '?year=' + s.year);
    s.load();
  });
  return s;
}

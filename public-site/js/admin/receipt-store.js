// The receipt code of the donation just recorded, kept in this tab's
// sessionStorage for the printable receipt page: never in a URL (the clerk's
// history), never in localStorage (other tabs, later visits).
const KEY = 'ledger.bo.receipt';

export function keepReceipt(r) {
  try {
    sessionStorage.setItem(KEY, JSON.stringify({ code: r.code, seq: r.seq }));
  } catch {
    /* no storage: the page says so */
  }
}

export function lastReceipt() {
  try {
    const r = JSON.parse(sessionStorage.getItem(KEY) || 'null');
    return r && typeof r.code === 'string' && /^[0-9]+-[0-9a-f]{32}$/.test(r.code) ? r : null;
  } catch {
    return null;
  }
}

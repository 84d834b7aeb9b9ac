import { initPage, markReady, getLang } from '../app.js';

// The page holds its text in both languages; show the reader's.
function render() {
  const lang = getLang();
  for (const el of document.querySelectorAll('[data-lang]')) el.hidden = el.dataset.lang !== lang;
}

initPage('api', render);
markReady();

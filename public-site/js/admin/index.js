// The back office's front door: sign in with a bearer token (kept for this
// tab only), then the pages of the account's role.
import { h, t, fill, markReady, $ } from '../app.js';
import { initBackOffice, signIn, signOut, me, NAV, PAGES_FOR_ROLE } from './session.js';
import { errorText } from './forms.js';

let error = null;

function signInForm() {
  const input = h('input', { id: 'bo-token', name: 'token', type: 'password', autocomplete: 'off', spellcheck: 'false', 'aria-describedby': 'bo-token-help bo-token-err', required: true });
  const err = h('p', { class: 'field-error', id: 'bo-token-err', role: 'alert' }, error ? errorText(error).main : null);
  const form = h('form', { class: 'bo-form', id: 'bo-signin', method: 'post', action: 'admin/index.html', novalidate: true },
    h('div', { class: 'bo-field' }, h('label', { for: 'bo-token' }, t('bo.signin.token')), input,
      h('p', { class: 'help', id: 'bo-token-help' }, t('bo.signin.help')), err),
    h('p', { class: 'actions' }, h('button', { type: 'submit', id: 'bo-signin-submit' }, t('bo.signin'))));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      await signIn(input.value);
      input.value = '';
      location.reload(); // the header shows the account and its pages
      return;
    } catch (e) {
      error = e;
    }
    render();
    $('#bo-token').focus();
  });
  return form;
}

function render() {
  const m = me();
  const box = $('#bo-main');
  if (!m) {
    fill(box, h('p', { class: 'lead' }, t('bo.signin.intro')), signInForm(), h('p', { class: 'help' }, t('bo.signin.where')));
    return;
  }
  const pages = NAV.filter(([, , id]) => (PAGES_FOR_ROLE[m.role] || []).includes(id));
  fill(box,
    h('p', { class: 'lead', id: 'bo-welcome' }, t('bo.welcome', { name: m.name, role: t('bo.role.' + m.role) }), m.org ? ' ' + t('bo.org', { org: m.org }) : ''),
    h('ul', { class: 'role-links' }, pages.map(([href, key, id]) => h('li', { class: 'card' }, h('a', { href, id: 'go-' + id }, t(key)), h('p', { class: 'help' }, t(key + '.help'))))),
    h('p', {}, h('button', { type: 'button', class: 'btn-secondary', id: 'bo-signout-2', onclick: () => { signOut(); location.reload(); } }, t('bo.signout'))),
    h('p', { class: 'help' }, t('bo.session.help')));
}

initBackOffice('bo-home', render);
markReady();

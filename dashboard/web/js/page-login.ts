// The login page: POST /api/session, then on to where the user was going (same-origin paths only).
// Never echoes the password; error text comes from our dictionary, not from the server.
import type { LoginRequest, SessionInfo } from '../../api.ts';
import { HttpError, post } from './api.ts';
import { el, replace } from './dom.ts';
import { t } from './i18n.ts';
import { card, startPage, type Ctx } from './shell.ts';

/** A safe place to go after login: a same-origin path, never another site. */
export function safeNext(next: string | null): string | null {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\') || next.startsWith('/login.html')) return null;
  return next;
}

function landing(s: SessionInfo): string {
  if (s.role === 'member' && s.ixp && s.asns?.length) return `/member.html?ixp=${encodeURIComponent(s.ixp)}&asn=${s.asns[0]}`;
  if (s.role === 'reporter') return '/impact.html';
  return s.ixp ? `/index.html?ixp=${encodeURIComponent(s.ixp)}` : '/index.html';
}

function render(ctx: Ctx, _d: null, main: HTMLElement): void {
  const user = el('input', { name: 'username', autocomplete: 'username', required: true, 'data-testid': 'login-username', id: 'login-username' });
  const pass = el('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true, 'data-testid': 'login-password', id: 'login-password' });
  const msg = el('p', { class: 'form-msg', role: 'alert', 'data-testid': 'login-error' });
  const submit = el('button', { type: 'submit', class: 'btn btn-primary btn-wide', 'data-testid': 'login-submit' }, t('login.submit'));
  const form = el('form', { class: 'login-form', 'data-testid': 'login-form' },
    el('label', { for: 'login-username' }, t('login.username')), user,
    el('label', { for: 'login-password' }, t('login.password')), pass,
    msg, submit);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    submit.disabled = true;
    msg.textContent = '';
    try {
      const body: LoginRequest = { username: user.value, password: pass.value };
      const s = await post<SessionInfo>('/session', body);
      location.href = safeNext(new URLSearchParams(location.search).get('next')) ?? landing(s);
    } catch (err) {
      msg.textContent = err instanceof HttpError && err.status === 429 ? t('login.tooMany') : err instanceof HttpError && (err.status === 401 || err.status === 400 || err.status === 403) ? t('login.failed') : t('common.error', { msg: (err as Error).message });
      submit.disabled = false;
      pass.value = '';
      pass.focus();
    }
  });
  replace(main, el('div', { class: 'login-wrap' }, card(null, [
    ctx.session.username ? el('p', { class: 'notice notice-info', 'data-testid': 'login-already' }, t('login.loggedIn', { user: ctx.session.username })) : null,
    el('p', { class: 'lead' }, t('login.intro')),
    form,
  ])));
  if (!ctx.session.username) user.focus();
}

void startPage<null>({ id: 'login', title: () => t('login.title'), needsIxp: false, period: false, refresh: false, load: async () => null, render });

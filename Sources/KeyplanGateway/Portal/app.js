// The portal: one page whose content follows `location.pathname` (history.pushState, no reloads).
//   /sign-in               sign in (`?tenant=` prefills the organization, `?next=` returns there)
//   /invite/<token>        accept an invitation: choose a password, or use an existing account
//   /                      the workspaces one takes part in
//   /accounts/<id>[/<section>[/…]]  an account's shared workspace
// Customers are its first audience; a seller who signs in sees what the customer sees.

import { ApiError, onUnauthenticated, rpc, session } from './api.js';
import { errorText, field, h, replace } from './dom.js';
import { Workspace } from './workspace.js';

const main = document.getElementById('main');
const userArea = document.getElementById('user-area');
const announcer = document.getElementById('announcer');

let identity = null;
let workspace = null;

/** Says something to screen readers (and shows it briefly). */
let announceTimer = null;
function announce(text) {
  announcer.textContent = text;
  clearTimeout(announceTimer);
  announceTimer = setTimeout(() => {
    announcer.textContent = '';
  }, 8000);
}

function navigate(path, { replace: replacing = false, focus = true } = {}) {
  if (replacing) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  route({ focus });
}

// A same-origin link navigates inside the page; modified clicks (new tab…) stay the browser's.
document.addEventListener('click', (event) => {
  const link = event.target.closest('a[href]');
  if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey || link.target) return;
  const url = new URL(link.href);
  if (url.origin !== location.origin) return;
  event.preventDefault();
  if (url.pathname + url.search !== location.pathname + location.search) navigate(url.pathname + url.search);
});
window.addEventListener('popstate', () => route({ focus: true }));

// The session ended under us (expired, revoked): back to sign-in, then here again.
onUnauthenticated(() => {
  if (!identity) return;
  identity = null;
  renderUser();
  navigate(`/sign-in?next=${encodeURIComponent(location.pathname)}`, { replace: true });
});

function renderUser() {
  if (!identity) return replace(userArea);
  replace(
    userArea,
    h('span', { id: 'signed-in-as' }, `${identity.displayName} · ${identity.tenantName}`),
    h('a', { href: '/password', id: 'change-password' }, 'Password'),
    h(
      'button',
      {
        type: 'button',
        id: 'sign-out',
        onClick: async () => {
          const slug = identity.tenantSlug;
          try {
            await session.signOut();
          } catch {
            // Signed out already, or the server is away: the page forgets the session either way.
          }
          identity = null;
          renderUser();
          navigate(`/sign-in?tenant=${encodeURIComponent(slug)}`, { replace: true });
          announce('You are signed out.');
        },
      },
      'Sign out',
    ),
  );
}

/** Shows a page: its heading gets focus after a navigation, so screen readers read the new page. */
function page(title, ...content) {
  if (workspace) {
    workspace.close();
    workspace = null;
  }
  document.title = `${title} · Keyplan`;
  replace(main, ...content);
}

function focusHeading() {
  main.querySelector('h1, h2')?.setAttribute('tabindex', '-1');
  main.querySelector('h1, h2')?.focus();
}

async function route({ focus = false } = {}) {
  const path = location.pathname;
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  try {
    if (parts[0] === 'sign-in') signInPage();
    else if (parts[0] === 'invite' && parts[1]) invitePage(parts[1]);
    else if (parts[0] === 'reset-password' && parts[1]) resetPasswordPage(parts[1]);
    else if (!identity) return navigate(`/sign-in?next=${encodeURIComponent(path)}`, { replace: true, focus });
    else if (parts[0] === 'accounts' && parts[1]) return await workspacePage(parts[1], parts[2], parts.slice(3), focus);
    else if (parts[0] === 'password') passwordPage();
    else await accountsPage();
  } catch (error) {
    page('Error', h('h1', {}, 'Something went wrong'), errorText(error instanceof ApiError ? error.message : 'The page could not be shown. Reload to try again.'));
  }
  if (focus) focusHeading();
}

function signInPage() {
  const query = new URLSearchParams(location.search);
  const tenant = h('input', { id: 'sign-in-tenant', name: 'tenant', required: true, autocomplete: 'organization', value: query.get('tenant') ?? identity?.tenantSlug ?? '' });
  const email = h('input', { id: 'sign-in-email', name: 'email', type: 'email', required: true, autocomplete: 'username' });
  const password = h('input', { id: 'sign-in-password', name: 'password', type: 'password', required: true, autocomplete: 'current-password' });
  const slot = h('div', { class: 'slot' });
  page(
    'Sign in',
    h(
      'div',
      { class: 'narrow' },
      h('h1', {}, 'Sign in'),
      h(
        'form',
        {
          class: 'form',
          id: 'sign-in-form',
          onSubmit: async (event) => {
            event.preventDefault();
            try {
              identity = await session.signIn(tenant.value.trim(), email.value.trim(), password.value);
            } catch (error) {
              password.value = '';
              return replace(slot, errorText(error.message, { id: 'form-error' }));
            }
            renderUser();
            const next = query.get('next');
            // Only a path of this site: `next` comes from the URL, which anyone can craft.
            navigate(next && next.startsWith('/') && !next.startsWith('//') ? next : '/', { replace: true });
          },
        },
        field('Organization', tenant, 'The short name of your vendor’s Keyplan, as in your invitation, e.g. acme'),
        field('Email', email),
        field('Password', password),
        slot,
        h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'primary', id: 'sign-in-submit' }, 'Sign in')),
      ),
    ),
  );
}

/** What is wrong with a new password typed twice, in words; null when nothing (the server checks it again). */
function newPasswordProblem(password, confirmation) {
  if (password.length < 8) return 'Choose a password of at least 8 characters.';
  if (password !== confirmation) return 'The two passwords differ: type the same password twice.';
  return null;
}

/** Changing one's own password: the current one, the new one twice. The server ends the other sessions. */
function passwordPage() {
  const current = h('input', { id: 'password-current', type: 'password', required: true, autocomplete: 'current-password' });
  const fresh = h('input', { id: 'password-new', type: 'password', required: true, autocomplete: 'new-password', minlength: '8' });
  const confirm = h('input', { id: 'password-confirm', type: 'password', required: true, autocomplete: 'new-password' });
  const slot = h('div', { class: 'slot' });
  const form = h(
    'form',
    {
      class: 'form',
      id: 'password-form',
      onSubmit: async (event) => {
        event.preventDefault();
        const problem = newPasswordProblem(fresh.value, confirm.value);
        if (problem) return replace(slot, errorText(problem, { id: 'form-error' }));
        try {
          await rpc('keyplan.Auth/ChangePassword', { currentPassword: current.value, newPassword: fresh.value });
        } catch (error) {
          current.value = '';
          return replace(slot, errorText(error.message, { id: 'form-error' }));
        }
        for (const input of [current, fresh, confirm]) input.value = '';
        replace(slot, h('p', { id: 'password-changed', role: 'status' }, 'Your password is changed. Anywhere else you were signed in, you are signed out.'));
        announce('Your password is changed.');
      },
    },
    field('Current password', current),
    field('New password', fresh, 'At least 8 characters'),
    field('Confirm the new password', confirm),
    slot,
    h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'primary', id: 'password-submit' }, 'Change password')),
  );
  page('Password', h('div', { class: 'narrow' }, h('h1', {}, 'Change your password'), form));
}

/** A mailed reset link: the new password twice, then sign in with it. Works without a session. */
function resetPasswordPage(token) {
  const fresh = h('input', { id: 'reset-password-new', type: 'password', required: true, autocomplete: 'new-password', minlength: '8' });
  const confirm = h('input', { id: 'reset-password-confirm', type: 'password', required: true, autocomplete: 'new-password' });
  const slot = h('div', { class: 'slot' });
  const form = h(
    'form',
    {
      class: 'form',
      id: 'reset-password-form',
      onSubmit: async (event) => {
        event.preventDefault();
        const problem = newPasswordProblem(fresh.value, confirm.value);
        if (problem) return replace(slot, errorText(problem, { id: 'form-error' }));
        try {
          await rpc('keyplan.Auth/ResetPassword', { token, newPassword: fresh.value });
        } catch (error) {
          return replace(slot, errorText(error.message, { id: 'form-error' }));
        }
        replace(
          main.querySelector('.narrow'),
          h('h1', {}, 'Your new password is set'),
          h('p', { id: 'reset-password-done', role: 'status' }, 'Sign in with it. Anywhere you were signed in before, you are signed out.'),
          h('p', {}, h('a', { href: '/sign-in', id: 'reset-password-sign-in' }, 'Sign in')),
        );
        announce('Your new password is set.');
      },
    },
    field('New password', fresh, 'At least 8 characters'),
    field('Confirm the new password', confirm),
    slot,
    h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'primary', id: 'reset-password-submit' }, 'Set the password')),
  );
  page('Choose a new password', h('div', { class: 'narrow' }, h('h1', {}, 'Choose a new password'), form));
}

function invitePage(token) {
  const newPassword = h('input', { id: 'invite-password', type: 'password', autocomplete: 'new-password', minlength: '8' });
  const confirm = h('input', { id: 'invite-password-confirm', type: 'password', autocomplete: 'new-password' });
  const name = h('input', { id: 'invite-name', autocomplete: 'name' });
  const existing = h('input', { id: 'invite-existing-password', type: 'password', autocomplete: 'current-password' });
  const newFields = h('div', { id: 'invite-new-fields' }, field('Password', newPassword, 'At least 8 characters'), field('Confirm the password', confirm), field('Your name', name, 'As the account team will see it'));
  const existingFields = h('div', { id: 'invite-existing-fields', hidden: true }, field('Your password', existing));
  const slot = h('div', { class: 'slot' });
  const mode = () => (document.getElementById('invite-mode-existing').checked ? 'existing' : 'new');
  const modeChoice = (value, label, checked) =>
    h(
      'label',
      { class: 'choice' },
      h('input', {
        type: 'radio',
        name: 'mode',
        id: `invite-mode-${value}`,
        value,
        checked,
        onChange: () => {
          newFields.hidden = mode() !== 'new';
          existingFields.hidden = mode() !== 'existing';
        },
      }),
      label,
    );
  page(
    'Join the workspace',
    h(
      'div',
      { class: 'narrow' },
      h('h1', {}, 'Join the shared workspace'),
      h('p', {}, 'You were invited to plan together with your vendor’s account team: your goals, the plan you follow together, and your feedback.'),
      h(
        'form',
        {
          class: 'form',
          id: 'invite-form',
          onSubmit: async (event) => {
            event.preventDefault();
            let password;
            let displayName = '';
            if (mode() === 'new') {
              const problem = newPasswordProblem(newPassword.value, confirm.value);
              if (problem) return replace(slot, errorText(problem, { id: 'form-error' }));
              if (!name.value.trim()) return replace(slot, errorText('Tell us your name.', { id: 'form-error' }));
              password = newPassword.value;
              displayName = name.value.trim();
            } else {
              if (!existing.value) return replace(slot, errorText('Enter your password.', { id: 'form-error' }));
              password = existing.value;
            }
            try {
              identity = await session.acceptInvitation(token, password, displayName);
            } catch (error) {
              return replace(slot, errorText(error.message, { id: 'form-error' }));
            }
            renderUser();
            // Straight into the workspace when there is one; the token leaves the address bar.
            const { accounts } = await rpc('keyplan.Accounts/List', {});
            navigate(accounts.length === 1 ? `/accounts/${accounts[0].id}` : '/', { replace: true });
          },
        },
        h('fieldset', { class: 'modes' }, h('legend', {}, 'How do you sign in?'), modeChoice('new', 'Choose a password', true), modeChoice('existing', 'I already have an account', false)),
        newFields,
        existingFields,
        slot,
        h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'primary', id: 'invite-submit' }, 'Join the workspace')),
      ),
    ),
  );
}

async function accountsPage() {
  const { accounts } = await rpc('keyplan.Accounts/List', {});
  page(
    'Your workspaces',
    h('h1', {}, 'Your workspaces'),
    accounts.length === 0
      ? h('p', { class: 'muted' }, 'You take part in no account workspace yet. An invitation from your vendor brings you into one.')
      : h(
          'ul',
          { class: 'cards', id: 'account-list' },
          accounts.map((account) => h('li', {}, h('a', { class: 'card link-card', href: `/accounts/${account.id}`, testid: 'account-link' }, account.name))),
        ),
  );
}

async function workspacePage(accountID, section, rest, focus) {
  if (!workspace || workspace.accountID !== accountID) {
    const opening = new Workspace(accountID, { me: identity, navigate, announce });
    page('Workspace', opening.element);
    workspace = opening;
    await opening.open();
    if (workspace !== opening) return; // navigated away meanwhile
  }
  workspace.show(section ?? 'goals', rest, { focus });
}

async function start() {
  try {
    identity = await session.whoAmI();
  } catch (error) {
    identity = null;
    announce(error.message);
  }
  renderUser();
  await route();
}

start();

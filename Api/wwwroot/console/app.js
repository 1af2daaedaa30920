// The console: sign-in, navigation by role, and the hash routes of each view.

import { h, replace, field, parseHash } from './dom.js';
import { t, lang, setLang, addStrings } from './i18n.js';
import { api, session, whenUnauthorized, problemView } from './api.js';
import { routedTo } from './views/common.js';

// Each view is a module of ./views, loaded when first shown: render(main, {parts, query, me}).
const views = {
  overview: () => import('./views/overview.js'),
  exceptions: () => import('./views/exceptions.js'),
  institutions: () => import('./views/institution.js'),
  submit: () => import('./views/submit.js'),
  submissions: () => import('./views/submission.js'),
  deadlines: () => import('./views/deadlines.js'),
  rules: () => import('./views/rules.js'),
  admin: () => import('./views/admin.js'),
};

// The admin's screens in the navigation (console.md, "An admin's screens").
addStrings({
  zh: { nav_adminInstitutions: '机构管理', nav_adminKeys: '接口密钥', nav_adminObligations: '报送义务', nav_adminAudit: '审计日志' },
  en: { nav_adminInstitutions: 'Institutions', nav_adminKeys: 'API keys', nav_adminObligations: 'Obligations', nav_adminAudit: 'Audit log' },
});

const main = document.getElementById('view');

/** The navigation a role may use (console.md, "Language and access"). */
function links(me) {
  const own = me.institution ? { route: `#/institutions/${encodeURIComponent(me.institution)}`, label: t('myInstitution') } : null;
  const all = {
    overview: { route: '#/overview', label: t('overview') },
    exceptions: { route: '#/exceptions', label: t('exceptions') },
    submit: { route: '#/submit', label: t('submit') },
    deadlines: { route: '#/deadlines', label: t('deadlines') },
    rules: { route: '#/rules', label: t('rules') },
    institutions: { route: '#/admin/institutions', label: t('nav_adminInstitutions') },
    keys: { route: '#/admin/keys', label: t('nav_adminKeys') },
    obligations: { route: '#/admin/obligations', label: t('nav_adminObligations') },
    audit: { route: '#/admin/audit', label: t('nav_adminAudit') },
  };
  switch (me.role) {
    case 'regulator': return [all.overview, all.exceptions, all.deadlines, all.rules];
    case 'institution': return [all.exceptions, all.submit, all.deadlines, all.rules, own];
    default: return [all.overview, all.exceptions, all.submit, all.deadlines, all.rules, all.institutions, all.keys, all.obligations, all.audit];
  }
}

function home(me) { return me.role === 'institution' ? '#/exceptions' : '#/overview'; }

function renderChrome() {
  document.title = 'Compliance';
  document.querySelector('.skip').textContent = t('skipToContent');
  document.getElementById('nav').setAttribute('aria-label', t('mainNavigation'));
  const nav = document.getElementById('nav');
  const who = document.getElementById('who');
  const tools = document.getElementById('tools');
  const langButton = h('button', { type: 'button', class: 'link', lang: lang === 'zh' ? 'en' : 'zh', onclick: switchLanguage }, t('switchLang'));
  if (!session.me) {
    replace(nav);
    replace(who);
    replace(tools, langButton);
    return;
  }
  const current = location.hash.split('?')[0];
  replace(nav, h('ul', {}, links(session.me).map(link => h('li', {}, h('a', {
    href: link.route,
    'aria-current': current === link.route || current.startsWith(`${link.route}/`) ? 'page' : null,
  }, link.label)))));
  const me = session.me;
  const scope = me.institution ?? (me.jurisdiction === '' || me.jurisdiction == null ? null : me.jurisdiction);
  // The role in the page's language, the key's name as it was typed, the jurisdiction or institution code and the key's
  // prefix as codes (console.md, "One language on the screen").
  replace(who, t(`role_${me.role}`), me.name ? [' · ', h('span', { 'data-user-text': '' }, me.name)] : null,
    ' · ', scope ? h('span', { class: 'code' }, scope) : t('national'),
    ' · ', h('span', { class: 'code', title: t('keyPrefix') }, me.prefix));
  replace(tools, langButton, h('button', { type: 'button', onclick: signOut }, t('signOut')));
}

function switchLanguage() {
  setLang(lang === 'zh' ? 'en' : 'zh');
  shownPath = null;
  const url = new URL(location.href);
  url.searchParams.delete('lang');
  history.replaceState(null, '', url);
  route();
}

function signOut() {
  session.key = null;
  session.me = null;
  location.hash = '#/signin';
  route();
}

whenUnauthorized(() => {
  session.key = null;
  session.me = null;
  if (!location.hash.startsWith('#/signin')) {
    location.hash = '#/signin';
  }
});

function signInView(message) {
  const key = h('input', { type: 'password', autocomplete: 'off', required: true, spellcheck: 'false' });
  const status = h('div', { 'aria-live': 'polite' }, message ? problemView(message) : null);
  const form = h('form', {
    class: 'signin',
    onsubmit: async event => {
      event.preventDefault();
      replace(status, h('p', { role: 'status' }, t('loading')));
      try {
        const me = await api('/me', { key: key.value.trim() });
        session.key = key.value.trim();
        session.me = me;
        location.hash = home(me);
      } catch (error) {
        replace(status, problemView(error));
        key.focus();
      }
    },
  }, h('h1', {}, t('signInTitle')), h('p', {}, t('signInHint')), field(t('apiKey'), key), h('button', { type: 'submit' }, t('signIn')), status);
  replace(main, form);
  key.focus();
}

let routing = 0;
// The path (without its query) last shown: a new path moves focus to its heading, a new query of the same view does not.
let shownPath = null;

/**
 * Moves focus to the view's level-1 heading (or the view itself where it has none) once it has rendered, so that a
 * screen reader announces the new view (console.md, "Focus and small screens").
 */
function focusHeading() {
  const heading = main.querySelector('h1');
  if (heading) {
    if (!heading.hasAttribute('tabindex')) heading.setAttribute('tabindex', '-1');
    heading.focus();
  } else {
    main.focus();
  }
}

async function route() {
  const run = ++routing;
  routedTo(location.hash);
  const { parts, query } = parseHash(location.hash);
  if (session.key && !session.me) {
    try {
      session.me = await api('/me');
    } catch (error) {
      if (run !== routing) return;
      session.key = null;
      renderChrome();
      signInView(error);
      return;
    }
  }
  if (run !== routing) return;
  renderChrome();
  if (!session.me) {
    shownPath = null;
    signInView();
    return;
  }
  if (parts.length === 0 || parts[0] === 'signin') {
    location.replace(home(session.me));
    return;
  }
  const load = views[parts[0]];
  if (!load) {
    replace(main, h('h1', {}, t('notFound')));
    return;
  }
  replace(main, h('p', { role: 'status', class: 'loading' }, t('loading')));
  try {
    const view = await load();
    if (run !== routing) return;
    await view.default(main, { parts, query, me: session.me, isCurrent: () => run === routing });
    if (run !== routing) return;
    const path = parts.join('/');
    if (path !== shownPath) {
      shownPath = path;
      focusHeading();
    }
  } catch (error) {
    if (run !== routing) return;
    replace(main, problemView(error));
  }
}

window.addEventListener('hashchange', route);
route();

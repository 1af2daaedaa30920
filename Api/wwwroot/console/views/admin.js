// #/admin/{screen}: the admin's screens (console.md, "An admin's screens"), each a module of its own; any other key,
// or a screen that does not exist, is shown the not-found page (the API refuses their calls anyway).

import { h, replace } from '../dom.js';
import { t } from '../i18n.js';

const screens = {
  institutions: () => import('./admin-institutions.js'),
  keys: () => import('./admin-keys.js'),
  obligations: () => import('./admin-obligations.js'),
  audit: () => import('./admin-audit.js'),
};

export default async function render(main, context) {
  const load = context.me.role === 'admin' ? screens[context.parts[1]] : undefined;
  if (!load) {
    replace(main, h('h1', {}, t('notFound')));
    return;
  }
  const screen = await load();
  if (!context.isCurrent()) return;
  await screen.default(main, context);
}

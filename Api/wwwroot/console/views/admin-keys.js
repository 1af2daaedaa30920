// #/admin/keys: issue a key (its name, role, and the institution or jurisdiction it is bound to), shown once with a
// copy button and a warning; the keys, a page at a time, each revocable after a confirmation that names it
// (console.md, "An admin's screens"). The key itself is kept nowhere: leaving the page forgets it.

import { h, replace, table, field } from '../dom.js';
import { t, addStrings, date, number } from '../i18n.js';
import { api, problemView } from '../api.js';
import { loading, pager, stylesheet } from './common.js';
import { scrolling, secretBox, fieldErrors } from './admin-common.js';

addStrings({
  zh: {
    ak_title: '接口密钥', ak_caption: '接口密钥', ak_issue: '签发密钥', ak_issueTitle: '签发新密钥', ak_name: '密钥名称', ak_role: '角色',
    ak_institution: '所属机构', ak_jurisdiction: '监管辖区', ak_jurisdictionHint: '行政区划代码的前 2、4 或 6 位（如 37 为山东省，3713 为临沂市）；留空为全国。',
    ak_nameHint: '写明使用人或系统，便于日后识别，例如“临沂分行报送系统”。', ak_submit: '签发', ak_cancel: '取消', ak_chooseInstitution: '请选择机构',
    ak_newKey: '新密钥', ak_issuedFor: '使用人：', ak_warning: '该密钥只显示这一次，之后不会再显示，系统也只保存其摘要。请立即复制并妥善交给使用人；遗失后只能吊销并重新签发。',
    ak_prefix: '前缀', ak_scope: '范围', ak_created: '签发时间', ak_revoked: '吊销时间', ak_actions: '操作', ak_revoke: '吊销', ak_active: '有效',
    ak_revokeTitle: '吊销密钥', ak_revokeText: '确认吊销密钥“{name}”（前缀 {prefix}）？吊销后立即失效，使用它的系统和浏览器将无法再访问。', ak_confirm: '确认吊销',
    ak_revokedDone: '密钥“{name}”已吊销。', ak_national: '全国', ak_none: '—',
  },
  en: {
    ak_title: 'API keys', ak_caption: 'API keys', ak_issue: 'Issue a key', ak_issueTitle: 'Issue a new key', ak_name: 'Key name', ak_role: 'Role',
    ak_institution: 'Institution', ak_jurisdiction: 'Jurisdiction', ak_jurisdictionHint: 'The first 2, 4 or 6 digits of the region code (37 Shandong, 3713 Linyi); empty for national.',
    ak_nameHint: 'Who or what uses it, to know it again later, e.g. "Linyi branch reporting system".', ak_submit: 'Issue', ak_cancel: 'Cancel', ak_chooseInstitution: 'Choose an institution',
    ak_newKey: 'New key', ak_issuedFor: 'Issued for:', ak_warning: 'This key is shown only now and will not be shown again: only its digest is stored. Copy it now and hand it over safely; a lost key can only be revoked and issued anew.',
    ak_prefix: 'Prefix', ak_scope: 'Scope', ak_created: 'Issued', ak_revoked: 'Revoked', ak_actions: 'Actions', ak_revoke: 'Revoke', ak_active: 'Active',
    ak_revokeTitle: 'Revoke a key', ak_revokeText: 'Revoke the key "{name}" (prefix {prefix})? It stops working at once: the systems and browsers that use it lose access.', ak_confirm: 'Confirm',
    ak_revokedDone: 'The key "{name}" is revoked.', ak_national: 'National', ak_none: '—',
  },
});

const PAGE_SIZE = 50;
const ROLES = ['institution', 'regulator', 'admin'];

export default async function render(main, { isCurrent }) {
  stylesheet('./admin.css');
  const formRegion = h('div', { id: 'ak-form' });
  const once = h('div', {});
  const result = h('div', { class: 'adm-result', tabindex: -1, 'aria-live': 'polite' });
  const list = h('div', {});
  const issue = h('button', { type: 'button', 'aria-expanded': 'false', 'aria-controls': 'ak-form' }, t('ak_issue'));
  replace(main, h('h1', {}, t('ak_title')), h('div', { class: 'actions' }, issue), formRegion, once, result, list);

  let page = 1;
  const reload = () => showKeys(list, page, p => { page = p; reload(); }, result, isCurrent);

  issue.addEventListener('click', async () => {
    if (issue.getAttribute('aria-expanded') === 'true') {
      issue.setAttribute('aria-expanded', 'false');
      replace(formRegion);
      return;
    }
    issue.setAttribute('aria-expanded', 'true');
    const institutions = await loading(formRegion, allInstitutions());
    if (!institutions || !isCurrent()) return;
    replace(formRegion, keyForm(institutions, created => {
      issue.setAttribute('aria-expanded', 'false');
      replace(formRegion);
      replace(result);
      replace(once, h('section', { 'aria-labelledby': 'ak-new-title', class: 'adm-once' },
        h('h2', { id: 'ak-new-title', tabindex: -1 }, t('ak_newKey')),
        h('p', {}, t('ak_issuedFor'), ' ', h('span', { 'data-user-text': '' }, created.name), ' · ', t(`role_${created.role}`)),
        secretBox(created.key),
        h('p', { class: 'adm-warning' }, t('ak_warning'))));
      once.querySelector('h2').focus();
      reload();
    }, () => issue.click()));
    formRegion.querySelector('input')?.focus();
  });

  await reload();
}

async function allInstitutions() {
  const items = [];
  for (let page = 1; ; page++) {
    const answer = await api(`/institutions?page=${page}&pageSize=500`);
    items.push(...answer.items);
    if (page * answer.pageSize >= answer.total || answer.items.length === 0) return items;
  }
}

/** The form of a new key: its name and role, the institution of an institution key, the jurisdiction of a regulator key. */
function keyForm(institutions, done, cancel) {
  const name = h('input', { type: 'text', required: true, maxlength: 200, autocomplete: 'off' });
  const role = h('select', { required: true }, ROLES.map(r => h('option', { value: r }, t(`role_${r}`))));
  // The institutions' names are as the admins typed them, and their codes codes.
  const institution = h('select', { 'data-user-text': '' }, h('option', { value: '' }, t('ak_chooseInstitution')),
    institutions.map(i => h('option', { value: i.code }, `${i.name} (${i.code})`)));
  const jurisdiction = h('input', { type: 'text', inputmode: 'numeric', pattern: '([0-9]{2}){0,3}', maxlength: 6, autocomplete: 'off' });
  const institutionField = field(t('ak_institution'), institution);
  const jurisdictionField = field(t('ak_jurisdiction'), jurisdiction, t('ak_jurisdictionHint'));
  const shown = () => {
    institutionField.hidden = role.value !== 'institution';
    jurisdictionField.hidden = role.value !== 'regulator';
  };
  role.addEventListener('change', shown);
  shown();
  const problem = h('div', { 'aria-live': 'assertive' });
  const submit = h('button', { type: 'submit' }, t('ak_submit'));
  const form = h('form', { class: 'adm-form', 'aria-labelledby': 'ak-form-title' },
    h('h2', { id: 'ak-form-title' }, t('ak_issueTitle')),
    h('div', { class: 'adm-grid' }, field(t('ak_name'), name, t('ak_nameHint')), field(t('ak_role'), role), institutionField, jurisdictionField),
    problem,
    h('div', { class: 'actions' }, submit, h('button', { type: 'button', class: 'secondary', onclick: cancel }, t('ak_cancel'))));
  form.addEventListener('submit', async event => {
    event.preventDefault();
    if (!form.reportValidity()) return;
    const body = { name: name.value.trim(), role: role.value };
    if (role.value === 'institution') body.institution = institution.value || null;
    // A regulator key names its jurisdiction explicitly: "" is national (api.md).
    if (role.value === 'regulator') body.jurisdiction = jurisdiction.value.trim();
    submit.disabled = true;
    replace(problem);
    try {
      done(await api('/api-keys', { method: 'POST', body }));
    } catch (error) {
      replace(problem, problemView(error));
      const wrong = Object.keys(fieldErrors(error))[0];
      ({ name, role, institution, jurisdiction })[wrong]?.focus();
    } finally {
      submit.disabled = false;
    }
  });
  return h('section', { class: 'adm-issue' }, form);
}

/** A key's binding: its institution's code, a regulator's jurisdiction (national where empty), nothing for an admin. */
function scopeOf(key) {
  if (key.role === 'institution') return h('span', { class: 'code' }, key.institution);
  if (key.role === 'regulator') return key.jurisdiction ? h('span', { class: 'code' }, key.jurisdiction) : t('ak_national');
  return t('ak_none');
}

let rows = 0;

async function showKeys(region, page, go, result, isCurrent) {
  const answer = await loading(region, api('/api-keys'), () => showKeys(region, page, go, result, isCurrent));
  if (!answer || !isCurrent()) return;
  // Newest first; the API answers every key at once, the list shows them a page at a time.
  const items = [...answer.items].sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
  const pages = Math.max(1, Math.ceil(items.length / PAGE_SIZE));
  const current = Math.min(page, pages);
  const paging = { page: current, pageSize: PAGE_SIZE, total: items.length };
  replace(region, pager(paging, go), scrolling(t('ak_caption'), table(t('ak_caption'), [
    { head: t('ak_prefix'), cell: k => h('span', { class: 'code', id: `ak-prefix-${k.id}` }, k.prefix), rowHeader: true },
    { head: t('ak_name'), cell: k => h('span', { 'data-user-text': '', id: `ak-name-${k.id}` }, k.name) },
    { head: t('ak_role'), cell: k => t(`role_${k.role}`) },
    { head: t('ak_scope'), cell: k => scopeOf(k) },
    { head: t('ak_created'), cell: k => date(k.createdAt) },
    { head: t('ak_revoked'), cell: k => (k.revokedAt ? date(k.revokedAt) : t('ak_active')) },
    { head: t('ak_actions'), cell: k => (k.revokedAt ? '—' : revokeButton(k, result, () => showKeys(region, page, go, result, isCurrent))) },
  ], items.slice((current - 1) * PAGE_SIZE, current * PAGE_SIZE), { class: 'adm-keys' })), h('p', { class: 'sr' }, t('total', { n: number(items.length, 0) })));
}

/** "Revoke", named with the key's name; it asks first, naming the key, then revokes it and moves focus to the result. */
function revokeButton(key, result, reload) {
  const id = `ak-revoke-${++rows}`;
  const button = h('button', { type: 'button', class: 'secondary', id, 'aria-labelledby': `${id} ak-name-${key.id}` }, t('ak_revoke'));
  button.addEventListener('click', () => {
    const confirm = h('button', { type: 'submit' }, t('ak_confirm'));
    const problem = h('div', { 'aria-live': 'assertive' });
    const text = t('ak_revokeText', { name: '\u0000', prefix: '\u0001' }).split(/(\u0000|\u0001)/).map(part =>
      part === '\u0000' ? h('span', { 'data-user-text': '' }, key.name) : part === '\u0001' ? h('span', { class: 'code' }, key.prefix) : part);
    const dialog = h('dialog', { 'aria-labelledby': 'ak-revoke-title', 'aria-describedby': 'ak-revoke-text' },
      h('form', {
        method: 'dialog',
        onsubmit: async event => {
          event.preventDefault();
          confirm.disabled = true;
          replace(problem, h('p', {}, t('loading')));
          try {
            await api(`/api-keys/${encodeURIComponent(key.id)}`, { method: 'DELETE' });
            dialog.close();
            const said = t('ak_revokedDone', { name: '\u0000' }).split('\u0000');
            replace(result, h('p', { role: 'status' }, said[0], h('span', { 'data-user-text': '' }, key.name), said[1] ?? ''));
            await reload();
            result.focus();
          } catch (error) {
            confirm.disabled = false;
            replace(problem, problemView(error));
          }
        },
      },
      h('h2', { id: 'ak-revoke-title' }, t('ak_revokeTitle')),
      h('p', { id: 'ak-revoke-text' }, text),
      problem,
      h('div', { class: 'actions' }, confirm, h('button', { type: 'button', class: 'secondary', onclick: () => { dialog.close(); button.focus(); } }, t('ak_cancel')))));
    dialog.addEventListener('close', () => dialog.remove());
    button.closest('main').append(dialog);
    dialog.showModal();
    confirm.focus();
  });
  return button;
}

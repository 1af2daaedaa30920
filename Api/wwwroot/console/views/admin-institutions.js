// #/admin/institutions: the institutions, a page at a time, each linked to its page and editable; "New institution"
// registers one (its webhook secret shown once). #/admin/institutions/{code}: one institution's every field of api.md,
// and its credit plans by year (console.md, "An admin's screens").

import { h, replace, table, field } from '../dom.js';
import { t, addStrings, date } from '../i18n.js';
import { api, problemView } from '../api.js';
import { loading, pager, keepQuery, stylesheet, lastMonth } from './common.js';
import { CATEGORIES, LEVELS, categoryName, levelName, scrolling, secretBox, fieldErrors } from './admin-common.js';
import { creditPlans } from './credit-plans.js';

addStrings({
  zh: {
    ai_title: '机构管理', ai_caption: '机构', ai_new: '新增机构', ai_newTitle: '新增机构', ai_editTitle: '编辑机构', ai_back: '← 全部机构',
    ai_code: '机构代码', ai_name: '机构名称', ai_category: '机构类别', ai_legalPerson: '法人类型', ai_level: '机构层级', ai_parent: '上级机构',
    ai_localLegalPerson: '地方法人金融机构', ai_region: '地区代码', ai_reportingFrom: '起报期', ai_webhook: '通知回调地址', ai_save: '保存', ai_cancel: '取消',
    ai_isLegalPerson: '法人', ai_isBranch: '分支机构', ai_noParent: '无上级机构', ai_edit: '编辑', ai_actions: '操作', ai_updated: '更新时间',
    ai_codeHint: '1–32 位字母、数字、- 或 _，创建后不可修改。', ai_regionHint: '6 位行政区划代码。', ai_parentHint: '仅分支机构有上级机构（上级分行或总行）。',
    ai_webhookHint: '可不填；报送提醒将发送到该地址。', ai_reportingHint: '首个应报送台账的报告期；不填则为本月。',
    ai_created: '已新增机构 {code}。', ai_saved: '已保存。机构类别、法人类型、层级或地区代码有变化时，该机构已接受的报告期将重新评估。',
    ai_secret: '通知签名密钥', ai_secretWarning: '该密钥只显示这一次，离开本页后无法再次查看。请立即复制并交给该机构，用于校验通知的签名。',
    ai_invalid: '请检查标出的字段。',
  },
  en: {
    ai_title: 'Institutions', ai_caption: 'Institutions', ai_new: 'New institution', ai_newTitle: 'New institution', ai_editTitle: 'Edit institution', ai_back: '← All institutions',
    ai_code: 'Code', ai_name: 'Name', ai_category: 'Category', ai_legalPerson: 'Legal person', ai_level: 'Level', ai_parent: 'Parent',
    ai_localLegalPerson: 'Local legal person', ai_region: 'Region code', ai_reportingFrom: 'Reporting from', ai_webhook: 'Webhook URL', ai_save: 'Save', ai_cancel: 'Cancel',
    ai_isLegalPerson: 'Legal person', ai_isBranch: 'Branch', ai_noParent: 'No parent', ai_edit: 'Edit', ai_actions: 'Actions', ai_updated: 'Updated',
    ai_codeHint: '1–32 letters, digits, - or _; it cannot change once created.', ai_regionHint: 'The 6-digit administrative region code.', ai_parentHint: 'Only a branch has a parent (its superior branch or head office).',
    ai_webhookHint: 'Optional; reminders are sent to this address.', ai_reportingHint: 'The first period whose ledger is due; this month if left empty.',
    ai_created: 'Institution {code} is registered.', ai_saved: 'Saved. A change of category, legal person, level or region code evaluates the institution\'s accepted periods again.',
    ai_secret: 'Webhook secret', ai_secretWarning: 'This secret is shown only now and cannot be seen again once you leave this page. Copy it now and give it to the institution, which checks the signature of each notification with it.',
    ai_invalid: 'Check the marked fields.',
  },
});

export default async function render(main, { parts, query, me, isCurrent }) {
  stylesheet('./admin.css');
  if (parts[2]) {
    await renderOne(main, parts[2], me, isCurrent);
  } else {
    await renderList(main, query, me, isCurrent);
  }
}

/** Every institution (each page of 500), for the choice of a parent. */
async function allInstitutions() {
  const items = [];
  for (let page = 1; ; page++) {
    const answer = await api(`/institutions?page=${page}&pageSize=500`);
    items.push(...answer.items);
    if (page * answer.pageSize >= answer.total || answer.items.length === 0) return items;
  }
}

async function renderList(main, query, me, isCurrent) {
  const region = h('div', {});
  const formRegion = h('div', {});
  const newButton = h('button', { type: 'button', 'aria-expanded': 'false', 'aria-controls': 'ai-new' }, t('ai_new'));
  replace(main, h('h1', {}, t('ai_title')), h('div', { class: 'actions' }, newButton), h('div', { id: 'ai-new' }, formRegion), region);

  newButton.addEventListener('click', async () => {
    if (newButton.getAttribute('aria-expanded') === 'true') {
      newButton.setAttribute('aria-expanded', 'false');
      replace(formRegion);
      return;
    }
    newButton.setAttribute('aria-expanded', 'true');
    const institutions = await loading(formRegion, allInstitutions());
    if (!institutions || !isCurrent()) return;
    replace(formRegion, h('section', { 'aria-labelledby': 'ai-new-title' }, h('h2', { id: 'ai-new-title' }, t('ai_newTitle')),
      institutionForm(null, institutions, async created => {
        // The new institution's page, with its secret shown this once: it is kept nowhere, so it is gone once left.
        keepQuery(`admin/institutions/${encodeURIComponent(created.code)}`, new URLSearchParams());
        await renderOne(main, created.code, me, isCurrent, created);
        main.querySelector('#ai-secret-title')?.focus();
      }, () => newButton.click())));
    formRegion.querySelector('input')?.focus();
  });

  const show = async page => {
    const answer = await loading(region, api(`/institutions?page=${page}`), () => show(page));
    if (!answer || !isCurrent()) return;
    replace(region, pager(answer, go), scrolling(t('ai_caption'), table(t('ai_caption'), [
      { head: t('ai_code'), cell: i => h('a', { href: `#/institutions/${encodeURIComponent(i.code)}` }, h('span', { class: 'code', id: `ai-row-${i.code}` }, i.code)), rowHeader: true },
      { head: t('ai_name'), cell: i => h('span', { 'data-user-text': '' }, i.name) },
      { head: t('ai_category'), cell: i => categoryName(i.category) },
      { head: t('ai_legalPerson'), cell: i => (i.legalPerson ? t('ai_isLegalPerson') : t('ai_isBranch')) },
      { head: t('ai_level'), cell: i => levelName(i.level) },
      { head: t('ai_parent'), cell: i => (i.parent ? h('span', { class: 'code' }, i.parent) : '—') },
      { head: t('ai_region'), cell: i => h('span', { class: 'code' }, i.regionCode) },
      { head: t('ai_localLegalPerson'), cell: i => (i.localLegalPerson ? t('adm_yes') : t('adm_no')) },
      { head: t('ai_reportingFrom'), cell: i => i.reportingFrom },
      { head: t('ai_actions'), cell: i => editLink(i.code) },
    ], answer.items, { class: 'adm-institutions' })));
  };
  const go = next => {
    query.set('page', String(next));
    keepQuery('admin/institutions', query);
    show(next);
  };
  await show(Number(query.get('page')) || 1);
}

let editLinks = 0;

/** A link to an institution's edit screen, named "Edit" and the institution's code (which the row shows beside it). */
function editLink(code) {
  const id = `ai-edit-${++editLinks}`;
  return h('a', { href: `#/admin/institutions/${encodeURIComponent(code)}`, id, 'aria-labelledby': `${id} ai-row-${code}` }, t('ai_edit'));
}

async function renderOne(main, code, me, isCurrent, created = null) {
  const [institution, institutions] = await Promise.all([
    created ?? api(`/institutions/${encodeURIComponent(code)}`),
    allInstitutions(),
  ]);
  if (!isCurrent()) return;
  const result = h('div', { class: 'adm-result', tabindex: -1, 'aria-live': 'polite' });
  replace(main,
    h('p', {}, h('a', { href: '#/admin/institutions' }, t('ai_back'))),
    h('h1', {}, t('ai_editTitle'), ' ', h('span', { 'data-user-text': '' }, institution.name), ' ', h('span', { class: 'code' }, institution.code)),
    created ? secretSection(created) : null,
    h('section', { 'aria-labelledby': 'ai-edit-title' }, h('h2', { id: 'ai-edit-title', class: 'sr' }, t('ai_editTitle')),
      institutionForm(institution, institutions, () => {
        replace(result, h('p', {}, t('ai_saved')));
        result.focus();
      }), result),
    creditPlans(institution.code, me));
}

/** The webhook secret of a new institution, once, with a copy button and a warning. */
function secretSection(created) {
  return h('section', { 'aria-labelledby': 'ai-secret-title', class: 'adm-once' },
    h('h2', { id: 'ai-secret-title', tabindex: -1 }, t('ai_secret')),
    h('p', { role: 'status' }, t('ai_created', { code: created.code })),
    h('p', { class: 'adm-warning' }, t('ai_secretWarning')),
    secretBox(created.webhookSecret));
}

/**
 * The form of every field of an institution (api.md): empty to register one (POST), else filled to update it (PUT).
 * The API's field errors are shown beside their fields. done(answer) after a save; cancel() where given.
 */
function institutionForm(institution, institutions, done, cancel) {
  const creating = institution === null;
  const controls = {
    code: h('input', { type: 'text', required: true, maxlength: 32, pattern: '[A-Za-z0-9_\\-]{1,32}', autocomplete: 'off', spellcheck: 'false', value: institution?.code ?? '', disabled: !creating }),
    name: h('input', { type: 'text', required: true, maxlength: 200, value: institution?.name ?? '' }),
    category: h('select', { required: true }, h('option', { value: '' }, '—'), CATEGORIES.map(c => h('option', { value: c }, t(`adm_cat_${c}`)))),
    legalPerson: h('select', {}, h('option', { value: 'true' }, t('ai_isLegalPerson')), h('option', { value: 'false' }, t('ai_isBranch'))),
    level: h('select', {}, LEVELS.map(l => h('option', { value: l }, levelName(l)))),
    // The parents' names are as the admins typed them, and their codes codes.
    parent: h('select', { 'data-user-text': '' }, h('option', { value: '' }, t('ai_noParent')),
      institutions.filter(i => i.code !== institution?.code).map(i => h('option', { value: i.code }, `${i.name} (${i.code})`))),
    localLegalPerson: h('input', { type: 'checkbox', checked: institution?.localLegalPerson ?? false }),
    regionCode: h('input', { type: 'text', required: true, inputmode: 'numeric', pattern: '[0-9]{6}', maxlength: 6, value: institution?.regionCode ?? '' }),
    reportingFrom: h('input', { type: 'month', value: institution?.reportingFrom ?? (creating ? '' : lastMonth()) }),
    webhookUrl: h('input', { type: 'url', maxlength: 2000, value: institution?.webhookUrl ?? '', spellcheck: 'false', 'data-user-text': '' }),
  };
  controls.category.value = institution?.category ?? '';
  controls.legalPerson.value = String(institution?.legalPerson ?? true);
  controls.level.value = institution?.level ?? 'head_office';
  controls.parent.value = institution?.parent ?? '';
  const labels = {
    code: t('ai_code'), name: t('ai_name'), category: t('ai_category'), legalPerson: t('ai_legalPerson'), level: t('ai_level'), parent: t('ai_parent'),
    localLegalPerson: t('ai_localLegalPerson'), regionCode: t('ai_region'), reportingFrom: t('ai_reportingFrom'), webhookUrl: t('ai_webhook'),
  };
  const hints = { code: t('ai_codeHint'), parent: t('ai_parentHint'), regionCode: t('ai_regionHint'), reportingFrom: t('ai_reportingHint'), webhookUrl: t('ai_webhookHint') };
  const errors = Object.fromEntries(Object.keys(controls).map(name => [name, h('p', { class: 'adm-field-error', id: `ai-error-${name}-${++editLinks}`, hidden: true })]));
  const fields = Object.entries(controls).map(([name, control]) => {
    const wrapper = name === 'localLegalPerson'
      ? h('div', { class: 'field adm-check' }, control, h('label', { for: control.id || (control.id = `ai-${name}-${editLinks}`) }, labels[name]))
      : field(labels[name], control, hints[name]);
    control.setAttribute('aria-describedby', errors[name].id);
    wrapper.append(errors[name]);
    return wrapper;
  });
  const problem = h('div', { 'aria-live': 'assertive' });
  const save = h('button', { type: 'submit' }, t('ai_save'));

  const form = h('form', { class: 'adm-form', novalidate: true }, h('div', { class: 'adm-grid' }, fields), problem,
    h('div', { class: 'actions' }, save, cancel ? h('button', { type: 'button', class: 'secondary', onclick: cancel }, t('ai_cancel')) : null));
  form.addEventListener('submit', async event => {
    event.preventDefault();
    for (const [name, element] of Object.entries(errors)) {
      element.hidden = true;
      element.textContent = '';
      controls[name].removeAttribute('aria-invalid');
    }
    replace(problem);
    const body = {
      name: controls.name.value.trim(),
      category: controls.category.value || null,
      legalPerson: controls.legalPerson.value === 'true',
      level: controls.level.value,
      localLegalPerson: controls.localLegalPerson.checked,
      regionCode: controls.regionCode.value.trim(),
      webhookUrl: controls.webhookUrl.value.trim() || null,
      // "parent": null removes a parent (api.md); a new institution without one leaves it out.
      parent: controls.parent.value || null,
    };
    if (controls.reportingFrom.value) body.reportingFrom = controls.reportingFrom.value;
    if (creating) body.code = controls.code.value.trim();
    save.disabled = true;
    try {
      const answer = creating
        ? await api('/institutions', { method: 'POST', body })
        : await api(`/institutions/${encodeURIComponent(institution.code)}`, { method: 'PUT', body });
      await done(answer);
    } catch (error) {
      const byField = fieldErrors(error);
      let first = null;
      for (const [name, messages] of Object.entries(byField)) {
        const key = Object.keys(controls).find(k => k.toLowerCase() === name.toLowerCase());
        if (!key) continue;
        errors[key].textContent = [].concat(messages).join(' ');
        errors[key].hidden = false;
        controls[key].setAttribute('aria-invalid', 'true');
        first ??= controls[key];
      }
      replace(problem, problemView(error));
      (first ?? save).focus();
    } finally {
      save.disabled = false;
    }
  });
  return form;
}

// An institution's credit plans by year (api.md, "Institutions and keys"): the region "Credit plans" with each year's
// plan, who set it and its earlier versions; for an admin or a regulator (who sees the institution, so covers it) the
// form that records a year's plan and a button that deletes one with a note. The institution page and the admin's
// institution screen both show it.

import { h, replace, table, field } from '../dom.js';
import { t, addStrings, number, date } from '../i18n.js';
import { api, problemView } from '../api.js';
import { loading, stylesheet, thisYear, amountToggle } from './common.js';

addStrings({
  zh: {
    cp_title: '信贷计划', cp_scroll: '计划列表', cp_caption: '各年度信贷计划（上级下达的普惠型小微企业贷款增量）', cp_none: '尚未录入信贷计划。',
    cp_year: '年度', cp_increaseHead: '计划增量', cp_increase: '计划增量（元）', cp_note: '说明', cp_version: '版本', cp_setBy: '录入人',
    cp_setAt: '录入时间', cp_history: '历史版本', cp_earlier: '早前版本（{n}）', cp_deleted: '已删除', cp_actions: '操作',
    cp_historyCaption: '{year} 年信贷计划的早前版本', cp_form: '录入信贷计划', cp_save: '保存计划',
    cp_saved: '已保存 {year} 年信贷计划（第 {version} 版），该年度已接受的报告期将重新评估。',
    cp_hint: '上级下达的全年普惠型小微企业贷款增量，单位为元，最多两位小数；每次修改都会保留为新版本。',
    cp_delete: '删除', cp_deleteTitle: '删除 {year} 年信贷计划', cp_deleteText: '删除后该年度不再有信贷计划，早前版本仍保留在历史中；该年度已接受的报告期将重新评估。',
    cp_deleteNote: '删除原因', cp_confirm: '确认', cp_cancel: '取消', cp_deletedDone: '已删除 {year} 年信贷计划，该年度已接受的报告期将重新评估。',
  },
  en: {
    cp_title: 'Credit plans', cp_scroll: 'Plan list', cp_caption: 'Credit plans by year (the inclusive increase the head office hands down)', cp_none: 'No credit plan is recorded yet.',
    cp_year: 'Year', cp_increaseHead: 'Planned increase', cp_increase: 'Planned increase (yuan)', cp_note: 'Note', cp_version: 'Version', cp_setBy: 'Set by',
    cp_setAt: 'Set at', cp_history: 'History', cp_earlier: 'Earlier versions ({n})', cp_deleted: 'Deleted', cp_actions: 'Actions',
    cp_historyCaption: 'Earlier versions of the {year} credit plan', cp_form: 'Record a credit plan', cp_save: 'Save plan',
    cp_saved: 'The {year} credit plan is saved (version {version}); the accepted periods of that year are evaluated again.',
    cp_hint: 'The inclusive increase the head office hands down for the year, in yuan, at most 2 decimals; every change is kept as a new version.',
    cp_delete: 'Delete', cp_deleteTitle: 'Delete the {year} credit plan', cp_deleteText: 'The year then has no credit plan; its earlier versions stay in the history, and the accepted periods of that year are evaluated again.',
    cp_deleteNote: 'Reason', cp_confirm: 'Confirm', cp_cancel: 'Cancel', cp_deletedDone: 'The {year} credit plan is deleted; the accepted periods of that year are evaluated again.',
  },
});

let regions = 0;

/**
 * The region "Credit plans" of the institution `code`, loading on its own: answers the section element at once. `me`
 * is the caller (GET /me): an admin or a regulator may record and delete plans; an institution key only reads them.
 */
export function creditPlans(code, me) {
  stylesheet('./credit-plans.css');
  const id = `cp-title-${++regions}`;
  const list = h('div', {});
  const result = h('div', { role: 'status', class: 'cp-result', tabindex: -1 });
  const mayRecord = me.role === 'admin' || me.role === 'regulator';
  const reload = () => listPlans(list, code, mayRecord, result);
  const element = h('section', { 'aria-labelledby': id, class: 'credit-plans-region' },
    h('h2', { id }, t('cp_title')), list, result, mayRecord ? planForm(code, me, result, reload) : null);
  reload();
  return element;
}

/** Who set a version: the key's name and role, or the role alone (what an institution key is sent). */
function setter(setBy) {
  const role = t(`role_${setBy.role}`);
  return setBy.name ? [h('span', { 'data-user-text': '' }, setBy.name), ` (${role})`] : role;
}

/** A planned increase (亿元 / 万元, the exact yuan a click away), or the mark of a version that deleted the plan. */
function planned(value) {
  return value == null ? h('span', { class: 'cp-deleted' }, t('cp_deleted')) : amountToggle(value);
}

async function listPlans(region, code, mayRecord, result) {
  const answer = await loading(region, api(`/institutions/${encodeURIComponent(code)}/credit-plans`), () => listPlans(region, code, mayRecord, result));
  if (!answer) return;
  if (answer.items.length === 0) {
    replace(region, h('p', {}, t('cp_none')));
    return;
  }
  const columns = [
    { head: t('cp_year'), cell: p => String(p.year), rowHeader: true },
    { head: t('cp_increaseHead'), cell: p => planned(p.inclusiveIncrease), numeric: true },
    { head: t('cp_note'), cell: p => h('span', { 'data-user-text': '', class: 'cp-note' }, p.note) },
    { head: t('cp_version'), cell: p => number(p.version, 0), numeric: true },
    { head: t('cp_setBy'), cell: p => setter(p.setBy) },
    { head: t('cp_setAt'), cell: p => date(p.setAt) },
    { head: t('cp_history'), cell: p => (p.history.length === 0 ? '—' : planHistory(p)) },
  ];
  if (mayRecord) {
    columns.push({
      head: t('cp_actions'),
      cell: p => (p.inclusiveIncrease == null ? '—' : h('button', {
        type: 'button', class: 'secondary', 'aria-label': `${t('cp_delete')} ${p.year}`,
        onclick: event => deletePlan(event.currentTarget, code, p.year, result, () => listPlans(region, code, mayRecord, result)),
      }, t('cp_delete'))),
    });
  }
  replace(region, h('div', { class: 'scroll', tabindex: 0, role: 'region', 'aria-label': t('cp_scroll') },
    table(t('cp_caption'), columns, answer.items, { class: 'credit-plans' })));
}

/** A year's earlier versions, newest first, folded. */
function planHistory(plan) {
  return h('details', {}, h('summary', {}, t('cp_earlier', { n: plan.history.length })),
    table(t('cp_historyCaption', { year: plan.year }), [
      { head: t('cp_version'), cell: v => number(v.version, 0), numeric: true, rowHeader: true },
      { head: t('cp_increaseHead'), cell: v => planned(v.inclusiveIncrease), numeric: true },
      { head: t('cp_note'), cell: v => h('span', { 'data-user-text': '', class: 'cp-note' }, v.note) },
      { head: t('cp_setBy'), cell: v => setter(v.setBy) },
      { head: t('cp_setAt'), cell: v => date(v.setAt) },
    ], plan.history, { class: 'cp-history' }));
}

/** The form that records a year's plan: year, planned increase in yuan and a required note; then the list again. */
function planForm(code, me, result, reload) {
  const year = h('input', { type: 'number', min: 2000, max: 2100, step: 1, required: true, value: String(me.latestPeriod ? Number(me.latestPeriod.slice(0, 4)) : thisYear()) });
  const increase = h('input', { type: 'number', min: 0, step: '0.01', required: true, inputmode: 'decimal' });
  const note = h('textarea', { required: true, maxlength: 2000, rows: 2 });
  const save = h('button', { type: 'submit' }, t('cp_save'));
  const form = h('form', { class: 'cp-form', 'aria-label': t('cp_form') },
    h('div', { class: 'filters' }, field(t('cp_year'), year), field(t('cp_increase'), increase)),
    field(t('cp_note'), note, t('cp_hint')),
    h('div', { class: 'actions' }, save));
  form.addEventListener('submit', async event => {
    event.preventDefault();
    if (!form.reportValidity()) return;
    save.disabled = true;
    try {
      const saved = await api(`/institutions/${encodeURIComponent(code)}/credit-plans/${encodeURIComponent(year.value)}`, {
        method: 'PUT',
        // The amount goes as the number typed: JSON carries it exactly, and the server refuses more than 2 decimals.
        body: { inclusiveIncrease: Number(increase.value), note: note.value },
      });
      replace(result, h('p', {}, t('cp_saved', { year: saved.year, version: saved.version })));
      increase.value = '';
      note.value = '';
      await reload();
    } catch (error) {
      replace(result, problemView(error));
    } finally {
      save.disabled = false;
    }
  });
  return form;
}

/** Asks for the reason in a dialog; on Confirm deletes the year's plan, shows the list again and moves focus to the result. */
function deletePlan(opener, code, year, result, reload) {
  const note = h('textarea', { required: true, maxlength: 2000, rows: 3 });
  const problem = h('div', { 'aria-live': 'assertive' });
  const confirm = h('button', { type: 'submit' }, t('cp_confirm'));
  const titleId = `cp-delete-${year}-${++regions}`;
  const dialog = h('dialog', { 'aria-labelledby': titleId },
    h('form', {
      method: 'dialog',
      onsubmit: async event => {
        event.preventDefault();
        if (!note.value.trim()) {
          note.reportValidity();
          return;
        }
        confirm.disabled = true;
        replace(problem, h('p', { role: 'status' }, t('loading')));
        try {
          await api(`/institutions/${encodeURIComponent(code)}/credit-plans/${encodeURIComponent(year)}`, { method: 'DELETE', body: { note: note.value.trim() } });
          dialog.close();
          replace(result, h('p', {}, t('cp_deletedDone', { year })));
          await reload();
          result.focus();
        } catch (error) {
          confirm.disabled = false;
          replace(problem, problemView(error));
        }
      },
    },
    h('h2', { id: titleId }, t('cp_deleteTitle', { year })),
    h('p', {}, t('cp_deleteText')),
    field(t('cp_deleteNote'), note),
    problem,
    h('div', { class: 'actions' }, confirm, h('button', { type: 'button', class: 'secondary', onclick: () => { dialog.close(); opener?.focus(); } }, t('cp_cancel')))));
  dialog.addEventListener('close', () => dialog.remove());
  (opener?.closest('section') ?? document.body).append(dialog);
  dialog.showModal();
  note.focus();
}

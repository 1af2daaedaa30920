// #/admin/obligations: the reporting obligations (deadlines.md, "An obligation is data") by their names, with the
// years they are in force, the institutions they bind, their due-date rule and reminders; each editable in a form of
// its fields (no JSON), saved with PUT /obligations/{code}, the API's problems shown beside the fields they name.

import { h, replace, table, field } from '../dom.js';
import { t, addStrings, localized } from '../i18n.js';
import { api, problemView } from '../api.js';
import { loading, stylesheet } from './common.js';
import { CATEGORIES, LEVELS, levelName, scrolling, fieldErrors } from './admin-common.js';

addStrings({
  zh: {
    ao_title: '报送义务', ao_caption: '报送义务', ao_name: '名称', ao_region: '适用地区', ao_populations: '适用机构', ao_years: '适用年度', ao_due: '到期规则',
    ao_reminders: '提醒时点', ao_filedBy: '报送方式', ao_actions: '操作', ao_edit: '编辑', ao_new: '新增报送义务', ao_national: '全国',
    ao_everyone: '该地区全部机构', ao_or: '或', ao_and: '且', ao_legal: '法人', ao_branch: '分支机构', ao_noEnd: '起长期有效',
    fb_submission: '报送台账', fb_deliverable: '提交材料',
    due_endOfMonth: '{m} 月最后一个工作日', due_dayOfMonth: '{m} 月 {d} 日（遇休息日顺延）', due_nthWorkingDay: '{m} 月第 {n} 个工作日',
    due_afterPeriod: '报告期次月 {d} 日（遇休息日顺延）',
    ao_days: '{list} 天', ao_editTitle: '编辑报送义务', ao_newTitle: '新增报送义务', ao_code: '义务代码', ao_codeHint: '1–32 位大写字母、数字或 _，创建后不可修改。',
    ao_nameZh: '中文名称', ao_nameEn: '英文名称', ao_regionPrefix: '地区代码前缀', ao_regionHint: '行政区划代码的前 2、4 或 6 位；留空为全国。',
    ao_from: '起始年度', ao_to: '截止年度', ao_toHint: '留空为长期有效。', ao_dueKind: '到期规则', ao_month: '月份', ao_day: '日', ao_nth: '第几个工作日',
    ao_offsets: '提醒时点（相对到期日的天数）', ao_offsetsHint: '用逗号分隔的整数，负数为到期前，如 -14, -7, -3, -1, 0, 1, 7；留空用默认时点。',
    ao_all: '该地区全部机构', ao_alternative: '适用条件 {n}', ao_categories: '机构类别', ao_levels: '机构层级', ao_legalPerson: '法人类型', ao_any: '不限',
    ao_addAlternative: '添加适用条件', ao_removeAlternative: '删除适用条件 {n}', ao_populationsHint: '机构符合任一条件即适用；同一条件内各项须同时满足。',
    ao_save: '保存', ao_cancel: '取消', ao_saved: '已保存“{name}”，下次提醒扫描将按新规则计算。', ao_badOffsets: '提醒时点应为用逗号分隔的整数。',
    kind_endOfMonth: '某月最后一个工作日', kind_dayOfMonth: '某月某日', kind_nthWorkingDay: '某月第几个工作日', kind_afterPeriod: '报告期次月某日',
  },
  en: {
    ao_title: 'Obligations', ao_caption: 'Obligations', ao_name: 'Name', ao_region: 'Region', ao_populations: 'Institutions bound', ao_years: 'Years', ao_due: 'Due',
    ao_reminders: 'Reminders', ao_filedBy: 'Filed by', ao_actions: 'Actions', ao_edit: 'Edit', ao_new: 'New obligation', ao_national: 'National',
    ao_everyone: 'Every institution of the region', ao_or: 'or', ao_and: 'and', ao_legal: 'legal person', ao_branch: 'branch', ao_noEnd: 'on, no end',
    fb_submission: 'Ledger submission', fb_deliverable: 'Deliverable',
    due_endOfMonth: 'Last working day of month {m}', due_dayOfMonth: 'Day {d} of month {m} (next working day if a rest day)', due_nthWorkingDay: 'Working day {n} of month {m}',
    due_afterPeriod: 'Day {d} of the month after each period (next working day if a rest day)',
    ao_days: '{list} days', ao_editTitle: 'Edit obligation', ao_newTitle: 'New obligation', ao_code: 'Code', ao_codeHint: '1–32 of A–Z 0–9 _; it cannot change once created.',
    ao_nameZh: 'Chinese name', ao_nameEn: 'English name', ao_regionPrefix: 'Region prefix', ao_regionHint: 'The first 2, 4 or 6 digits of the region code; empty for national.',
    ao_from: 'From year', ao_to: 'To year', ao_toHint: 'Empty for no end.', ao_dueKind: 'Due-date rule', ao_month: 'Month', ao_day: 'Day', ao_nth: 'Working day number',
    ao_offsets: 'Reminder offsets (days from the due date)', ao_offsetsHint: 'Whole numbers separated by commas, negative before the due date, e.g. -14, -7, -3, -1, 0, 1, 7; empty for the default.',
    ao_all: 'Every institution of the region', ao_alternative: 'Condition {n}', ao_categories: 'Categories', ao_levels: 'Levels', ao_legalPerson: 'Legal person', ao_any: 'Any',
    ao_addAlternative: 'Add a condition', ao_removeAlternative: 'Remove condition {n}', ao_populationsHint: 'An institution is bound when it meets any condition; within one, every item.',
    ao_save: 'Save', ao_cancel: 'Cancel', ao_saved: '"{name}" is saved; the next sweep plans with it.', ao_badOffsets: 'Reminder offsets are whole numbers separated by commas.',
    kind_endOfMonth: 'Last working day of a month', kind_dayOfMonth: 'A day of a month', kind_nthWorkingDay: 'The n-th working day of a month', kind_afterPeriod: 'A day of the month after each period',
  },
});

const KINDS = ['endOfMonth', 'dayOfMonth', 'nthWorkingDay', 'afterPeriod'];

export default async function render(main, { isCurrent }) {
  stylesheet('./admin.css');
  const list = h('div', {});
  const editor = h('div', {});
  const result = h('div', { class: 'adm-result', tabindex: -1, 'aria-live': 'polite' });
  const newButton = h('button', { type: 'button' }, t('ao_new'));
  replace(main, h('h1', {}, t('ao_title')), h('div', { class: 'actions' }, newButton), result, editor, list);
  const reload = () => showList(list, editor, result, reload, isCurrent);
  newButton.addEventListener('click', () => openEditor(editor, null, result, reload));
  await reload();
}

/** A due-date rule (`nthWorkingDay(7, 5)`) in words; the rule as written where it is none of deadlines.md's. */
function dueText(due) {
  const rule = parseDue(due);
  if (!rule) return h('span', { class: 'code' }, due);
  const [a, b] = rule.args;
  return rule.kind === 'afterPeriod' ? t('due_afterPeriod', { d: a }) : t(`due_${rule.kind}`, { m: a, d: b, n: b });
}

function parseDue(due) {
  const match = /^\s*(endOfMonth|dayOfMonth|nthWorkingDay|afterPeriod)\s*\(\s*([0-9]+)\s*(?:,\s*([0-9]+)\s*)?\)\s*$/.exec(due ?? '');
  return match ? { kind: match[1], args: [match[2], match[3]].filter(Boolean).map(Number) } : null;
}

/** An obligation's populations in words: each alternative's members joined by "and", the alternatives by "or". */
function populationsText(populations) {
  if (!populations) return t('ao_everyone');
  return h('ul', { class: 'adm-populations' }, populations.map((p, i) => h('li', {}, i ? `${t('ao_or')} ` : '', [
    p.categories?.length ? p.categories.map(c => t(`adm_cat_${c}`)).join('、') : null,
    p.levels?.length ? p.levels.map(levelName).join('、') : null,
    p.legalPerson === true ? t('ao_legal') : p.legalPerson === false ? t('ao_branch') : null,
  ].filter(Boolean).join(` ${t('ao_and')} `))));
}

let rows = 0;

async function showList(region, editor, result, reload, isCurrent) {
  const answer = await loading(region, api('/obligations'), reload);
  if (!answer || !isCurrent()) return;
  region.replaceChildren(h('p', {}, t('total', { n: answer.items.length })), scrolling(t('ao_caption'), table(t('ao_caption'), [
    { head: t('ao_name'), cell: o => [h('span', { id: `ao-name-${o.code}` }, localized(o.name)), ' ', h('small', { class: 'code' }, o.code)], rowHeader: true },
    { head: t('ao_region'), cell: o => (o.regionPrefix ? h('span', { class: 'code' }, o.regionPrefix) : t('ao_national')) },
    { head: t('ao_populations'), cell: o => populationsText(o.populations) },
    { head: t('ao_years'), cell: o => (o.years.to == null ? `${o.years.from} ${t('ao_noEnd')}` : `${o.years.from}–${o.years.to}`) },
    { head: t('ao_due'), cell: o => dueText(o.due) },
    { head: t('ao_reminders'), cell: o => t('ao_days', { list: o.reminderOffsets.map(signed).join(', ') }) },
    { head: t('ao_filedBy'), cell: o => t(`fb_${o.filedBy}`) },
    {
      head: t('ao_actions'),
      cell: o => {
        const id = `ao-edit-${++rows}`;
        return h('button', { type: 'button', class: 'secondary', id, 'aria-labelledby': `${id} ao-name-${o.code}`, onclick: () => openEditor(editor, o, result, reload) }, t('ao_edit'));
      },
    },
  ], answer.items, { class: 'adm-obligations' })));
}

const signed = n => (n > 0 ? `+${n}` : n < 0 ? `−${-n}` : '0');

/** The form of an obligation's fields: filled from `obligation`, or empty for a new one (with its code). */
function openEditor(editor, obligation, result, reload) {
  const creating = obligation === null;
  const rule = parseDue(obligation?.due) ?? { kind: 'endOfMonth', args: [6] };
  const controls = {
    code: h('input', { type: 'text', required: true, maxlength: 32, pattern: '[A-Z0-9_]{1,32}', spellcheck: 'false', autocomplete: 'off' }),
    nameZh: h('input', { type: 'text', required: true, maxlength: 200, value: obligation?.name?.zh ?? '' }),
    nameEn: h('input', { type: 'text', required: true, maxlength: 200, value: obligation?.name?.en ?? '' }),
    regionPrefix: h('input', { type: 'text', inputmode: 'numeric', pattern: '([0-9]{2}){0,3}', maxlength: 6, value: obligation?.regionPrefix ?? '' }),
    from: h('input', { type: 'number', required: true, min: 2000, max: 2100, step: 1, value: String(obligation?.years?.from ?? '') }),
    to: h('input', { type: 'number', min: 2000, max: 2100, step: 1, value: obligation?.years?.to == null ? '' : String(obligation.years.to) }),
    kind: h('select', {}, KINDS.map(k => h('option', { value: k }, t(`kind_${k}`)))),
    month: h('input', { type: 'number', min: 1, max: 12, step: 1 }),
    day: h('input', { type: 'number', min: 1, max: 31, step: 1 }),
    offsets: h('input', { type: 'text', spellcheck: 'false', value: obligation ? obligation.reminderOffsets.join(', ') : '' }),
    all: h('input', { type: 'checkbox', checked: !obligation?.populations }),
  };
  controls.kind.value = rule.kind;
  const [first, second] = rule.args;
  controls.month.value = rule.kind === 'afterPeriod' ? '' : String(first ?? '');
  controls.day.value = rule.kind === 'afterPeriod' ? String(first ?? '') : String(second ?? '');
  const dayField = field(t('ao_day'), controls.day);
  const monthField = field(t('ao_month'), controls.month);
  const dayLabel = dayField.querySelector('label');
  const kindChanged = () => {
    monthField.hidden = controls.kind.value === 'afterPeriod';
    dayField.hidden = controls.kind.value === 'endOfMonth';
    dayLabel.textContent = controls.kind.value === 'nthWorkingDay' ? t('ao_nth') : t('ao_day');
  };
  controls.kind.addEventListener('change', kindChanged);
  kindChanged();

  const alternatives = h('div', {});
  const addButton = h('button', { type: 'button', class: 'secondary' }, t('ao_addAlternative'));
  const renumber = () => [...alternatives.children].forEach((fieldset, i) => {
    fieldset.querySelector('legend').textContent = t('ao_alternative', { n: i + 1 });
    fieldset.querySelector('button.remove').textContent = t('ao_removeAlternative', { n: i + 1 });
  });
  const addAlternative = population => {
    alternatives.append(alternativeEditor(population ?? {}, fieldset => { fieldset.remove(); renumber(); addButton.focus(); }));
    renumber();
  };
  for (const population of obligation?.populations ?? []) addAlternative(population);
  addButton.addEventListener('click', () => { addAlternative(); alternatives.lastElementChild.querySelector('input')?.focus(); });
  const populationsBox = h('div', {}, alternatives, addButton);
  const allChanged = () => {
    populationsBox.hidden = controls.all.checked;
    if (!controls.all.checked && alternatives.children.length === 0) addAlternative();
  };
  controls.all.addEventListener('change', allChanged);
  allChanged();

  const problem = h('div', { 'aria-live': 'assertive' });
  const save = h('button', { type: 'submit' }, t('ao_save'));
  const titleId = 'ao-editor-title';
  const allId = `ao-all-${++rows}`;
  controls.all.id = allId;
  const form = h('form', { class: 'adm-form', novalidate: true },
    h('div', { class: 'adm-grid' },
      creating ? field(t('ao_code'), controls.code, t('ao_codeHint')) : null,
      field(t('ao_nameZh'), controls.nameZh), field(t('ao_nameEn'), controls.nameEn),
      field(t('ao_regionPrefix'), controls.regionPrefix, t('ao_regionHint')),
      field(t('ao_from'), controls.from), field(t('ao_to'), controls.to, t('ao_toHint'))),
    h('div', { class: 'adm-due' }, field(t('ao_dueKind'), controls.kind), monthField, dayField),
    field(t('ao_offsets'), controls.offsets, t('ao_offsetsHint')),
    h('fieldset', { class: 'adm-alternative' }, h('legend', {}, t('ao_populations')),
      h('p', { class: 'adm-hint' }, t('ao_populationsHint')),
      h('div', { class: 'field adm-check' }, controls.all, h('label', { for: allId }, t('ao_all'))), populationsBox),
    problem,
    h('div', { class: 'actions' }, save, h('button', { type: 'button', class: 'secondary', onclick: () => replace(editor) }, t('ao_cancel'))));

  form.addEventListener('submit', async event => {
    event.preventDefault();
    replace(problem);
    const offsets = controls.offsets.value.trim();
    const numbers = offsets === '' ? null : offsets.split(/[,，、\s]+/).filter(Boolean).map(s => s.replace('−', '-'));
    if (numbers && numbers.some(n => !/^[+-]?[0-9]+$/.test(n))) {
      replace(problem, h('p', { class: 'problem', role: 'alert' }, t('ao_badOffsets')));
      controls.offsets.focus();
      return;
    }
    const code = creating ? controls.code.value.trim() : obligation.code;
    const kind = controls.kind.value;
    const due = kind === 'afterPeriod' ? `afterPeriod(${controls.day.value})`
      : kind === 'endOfMonth' ? `endOfMonth(${controls.month.value})`
        : `${kind}(${controls.month.value}, ${controls.day.value})`;
    const body = {
      name: { zh: controls.nameZh.value.trim(), en: controls.nameEn.value.trim() },
      regionPrefix: controls.regionPrefix.value.trim(),
      populations: controls.all.checked ? null : [...alternatives.children].map(readAlternative),
      years: { from: Number(controls.from.value), to: controls.to.value === '' ? null : Number(controls.to.value) },
      due,
    };
    if (numbers) body.reminderOffsets = numbers.map(Number);
    if (obligation) body.filedBy = obligation.filedBy;
    save.disabled = true;
    try {
      const saved = await api(`/obligations/${encodeURIComponent(code)}`, { method: 'PUT', body });
      replace(editor);
      const said = t('ao_saved', { name: '\u0000' }).split('\u0000');
      replace(result, h('p', { role: 'status' }, said[0], localized(saved.name), said[1] ?? ''));
      await reload();
      result.focus();
    } catch (error) {
      replace(problem, problemView(error));
      const names = Object.keys(fieldErrors(error));
      const target = { code: controls.code, name: controls.nameZh, regionPrefix: controls.regionPrefix, years: controls.from, due: controls.kind, reminderOffsets: controls.offsets }[names[0]];
      (target ?? save).focus();
    } finally {
      save.disabled = false;
    }
  });

  replace(editor, h('section', { 'aria-labelledby': titleId },
    h('h2', { id: titleId, tabindex: -1 }, creating ? t('ao_newTitle') : [t('ao_editTitle'), ' · ', localized(obligation.name), ' ', h('small', { class: 'code' }, obligation.code)]),
    form));
  (creating ? controls.code : controls.nameZh).focus();
}

let alternativesMade = 0;

/** One alternative of the populations: categories, levels and legal person, each left open where nothing is chosen. */
function alternativeEditor(population, remove) {
  const n = ++alternativesMade;
  const box = (name, value, checked, label) => {
    const id = `ao-${name}-${n}-${value}`;
    return h('span', {}, h('input', { type: 'checkbox', id, name, value, checked }), ' ', h('label', { for: id }, label));
  };
  const legal = h('select', {}, h('option', { value: '' }, t('ao_any')), h('option', { value: 'true' }, t('ao_legal')), h('option', { value: 'false' }, t('ao_branch')));
  legal.value = population.legalPerson === true ? 'true' : population.legalPerson === false ? 'false' : '';
  const fieldset = h('fieldset', { class: 'adm-alternative' }, h('legend', {}),
    h('fieldset', { class: 'adm-choices', 'data-members': 'categories' }, h('legend', {}, t('ao_categories')),
      CATEGORIES.map(c => box('categories', c, population.categories?.includes(c), t(`adm_cat_${c}`)))),
    h('fieldset', { class: 'adm-choices', 'data-members': 'levels' }, h('legend', {}, t('ao_levels')),
      LEVELS.map(l => box('levels', l, population.levels?.includes(l), levelName(l)))),
    field(t('ao_legalPerson'), legal),
    h('button', { type: 'button', class: 'secondary remove' }));
  fieldset.querySelector('button.remove').addEventListener('click', () => remove(fieldset));
  fieldset.legal = legal;
  return fieldset;
}

/** An alternative as the API takes it: only the members chosen. */
function readAlternative(fieldset) {
  const chosen = members => [...fieldset.querySelectorAll(`[data-members="${members}"] input:checked`)].map(input => input.value);
  const population = {};
  const categories = chosen('categories');
  const levels = chosen('levels');
  if (categories.length) population.categories = categories;
  if (levels.length) population.levels = levels;
  if (fieldset.legal.value) population.legalPerson = fieldset.legal.value === 'true';
  return population;
}

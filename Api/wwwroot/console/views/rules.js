// #/rules: the rule catalogue and the rule sets; #/rules/{id}: one set with its history, and for a regulator over
// it or an admin a draft to preview (analytics.md, "Shadow replay") and, for an admin, to enact.

import { h, replace, table, field } from '../dom.js';
import { t, addStrings, date, number, localized, scopedName, named } from '../i18n.js';
import { api, problemView } from '../api.js';
import { loading, pager, badge, keepQuery, stylesheet, lastMonth, ruleCatalogue, byUnit } from './common.js';
import { differences, reevaluation } from './rule-diff.js';

addStrings({
  zh: {
    ru_title: '规则', ru_sets: '规则集', ru_catalogue: '规则目录', ru_id: '编号', ru_name: '名称', ru_version: '版本', ru_scope: '口径', ru_years: '适用年度',
    ru_rules: '规则', ru_parameters: '参数', ru_default: '默认 {value}', ru_created: '创建时间', ru_authority: '发布机构', ru_source: '依据文件',
    ru_history: '历史版本', ru_current: '（现行）', ru_retired: '已停用', ru_back: '← 全部规则集', ru_editDraft: '编辑草案', ru_closeDraft: '收起草案',
    ru_draft: '草案', ru_draftHint: '新版本的 JSON 内容：辖区、适用年度、口径和规则。', ru_from: '起始期', ru_to: '截止期',
    ru_preview: '预览', ru_enact: '生效', ru_previewing: '正在用草案重新评估该区间内的所有机构和报告期…', ru_badJson: '草案不是有效的 JSON：{message}',
    ru_notObject: '草案应为一个 JSON 对象：{jurisdiction, years, scope, rules}。', ru_result: '预览结果', ru_basedOn: '基于版本', ru_evaluated: '评估的机构-报告期',
    ru_unchanged: '无变化', ru_elapsed: '耗时（毫秒）', ru_opened: '新增', ru_cleared: '消除', ru_changed: '级别变化', ru_exception: '异常',
    ru_figures: '指标', ru_before: '原级别', ru_after: '新级别', ru_count: '{n} 项', ru_noneListed: '无。',
    ru_enactTitle: '生效新版本', ru_enactText: '这将新增规则集 {id} 的第 {version} 版。生效本身不会重新评估任何报告期。', ru_confirm: '确认', ru_cancel: '取消',
    ru_enacted: '第 {version} 版已生效。', ru_enacting: '正在保存…', ru_noSet: '无', ru_all: '全部',
    ru_scope_cbirc: '原银保监会口径（普惠型小微企业贷款）', ru_scope_pboc: '人民银行口径（普惠小微贷款）',
    ru_population: '适用对象', ru_everyone: '适用的全部机构', ru_categories: '类别：{list}', ru_levels: '层级：{list}', ru_fromYear: '{year}年起', ru_yearRange: '{from}—{to}年',
    ru_basis_ytd: '较年初', ru_basis_yoy: '同比', ru_strictFrom: '自{year}年起从严',
  },
  en: {
    ru_title: 'Rules', ru_sets: 'Rule sets', ru_catalogue: 'Rule catalogue', ru_id: 'Id', ru_name: 'Name', ru_version: 'Version', ru_scope: 'Scope', ru_years: 'Years',
    ru_rules: 'Rules', ru_parameters: 'Parameters', ru_default: 'default {value}', ru_created: 'Created', ru_authority: 'Authority', ru_source: 'Source',
    ru_history: 'History', ru_current: ' (current)', ru_retired: 'Retired', ru_back: '← All rule sets', ru_editDraft: 'Edit draft', ru_closeDraft: 'Close draft',
    ru_draft: 'Draft', ru_draftHint: 'The body of PUT /rule-sets/{id} (JSON): jurisdiction, years, scope, rules.', ru_from: 'From', ru_to: 'To',
    ru_preview: 'Preview', ru_enact: 'Enact', ru_previewing: 'Evaluating every stored institution-period in range with the draft…', ru_badJson: 'The draft is not valid JSON: {message}',
    ru_notObject: 'The draft is one JSON object: {jurisdiction, years, scope, rules}.', ru_result: 'Preview', ru_basedOn: 'Based on version', ru_evaluated: 'Evaluated',
    ru_unchanged: 'Unchanged', ru_elapsed: 'Elapsed (ms)', ru_opened: 'Opened', ru_cleared: 'Cleared', ru_changed: 'Changed', ru_exception: 'Exception',
    ru_figures: 'Figures', ru_before: 'Before', ru_after: 'After', ru_count: '{n} in all', ru_noneListed: 'None.',
    ru_enactTitle: 'Enact a new version', ru_enactText: 'This adds version {version} of the rule set {id}. Enacting re-evaluates nothing by itself.', ru_confirm: 'Confirm', ru_cancel: 'Cancel',
    ru_enacted: 'Version {version} is in force.', ru_enacting: 'Saving…', ru_noSet: 'None', ru_all: 'All',
    ru_scope_cbirc: 'CBIRC (inclusive loans to small and micro enterprises)', ru_scope_pboc: 'PBoC (inclusive small and micro loans)',
    ru_population: 'Judges', ru_everyone: 'Every institution of the set', ru_categories: 'categories: {list}', ru_levels: 'levels: {list}', ru_fromYear: 'from {year}', ru_yearRange: '{from}–{to}',
    ru_basis_ytd: 'since the start of the year', ru_basis_yoy: 'year on year', ru_strictFrom: 'strict from {year}',
  },
});

const PAGE_SIZE = 100;

export default async function render(main, { parts, query, me, isCurrent }) {
  stylesheet('./rules.css');
  if (parts[1]) {
    await renderSet(main, parts[1], query, me, isCurrent);
  } else {
    await renderList(main, isCurrent);
  }
}

// ---- what both pages show ----

function jurisdictionText(jurisdiction) {
  return jurisdiction ? jurisdiction : t('national');
}

function yearsText(years) {
  if (!years) return '—';
  return `${years.from}–${years.to ?? ''}`;
}

function valueText(value) {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'number') return number(value, 4);
  if (typeof value === 'boolean') return byUnit(value, 'boolean');
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/** A parameter's value in words: a growth basis by its name, strictness as yes, no or from a year, numbers as numbers. */
function parameterValue(name, value) {
  if (name === 'basis' && (value === 'ytd' || value === 'yoy')) return t(`ru_basis_${value}`);
  if (name === 'strict' && typeof value === 'number') return t('ru_strictFrom', { year: value });
  return valueText(value);
}

/** A parameter by its label (GET /rules), its name in smaller type. */
function parameterName(rule, name) {
  const label = localized(rule?.parameters?.find(p => p.name === name)?.label);
  return label ? [label, ' ', h('small', { class: 'code' }, name)] : h('code', { class: 'code' }, name);
}

/** Whom a set's rule judges (rules.md, "Who each rule judges"), in words. */
function populationText(spec) {
  const parts = [];
  const applies = spec.appliesTo;
  if (applies?.legalPerson === true || applies?.legalPerson === false) parts.push(named('legal', String(applies.legalPerson)));
  if (applies?.categories?.length) parts.push(t('ru_categories', { list: applies.categories.map(c => named('cat', c)).join('、') }));
  if (applies?.levels?.length) parts.push(t('ru_levels', { list: applies.levels.map(l => named('lvl', l)).join('、') }));
  if (spec.years?.from) parts.push(spec.years.to ? t('ru_yearRange', { from: spec.years.from, to: spec.years.to }) : t('ru_fromYear', { year: spec.years.from }));
  return parts.length ? parts.join('；') : t('ru_everyone');
}

/** A 口径 by its name; the code itself where it is neither. */
function scopeText(scope) {
  return scope === 'cbirc' || scope === 'pboc' ? t(`ru_scope_${scope}`) : (scope ?? '—');
}

/** A catalogue severity (`warning/breach`) in the supervisor's words. */
function severityText(severity) {
  return severity ? severity.split('/').map(s => t(`sev_${s}`)).join(' / ') : '—';
}

/** A set's rule by its name in the set's scope (rules.md, "Names"), its code after it in smaller type. */
function ruleCell(id, catalogue, scope) {
  const rule = catalogue.get(id);
  return rule ? [h('span', { class: 'rule-name' }, scopedName(rule, scope)), ' ', h('small', { class: 'code' }, id)] : h('code', { class: 'code' }, id);
}

/** A catalogue rule's names under each 口径: one where both speak alike. */
function namesCell(rule) {
  const [cbirc, pboc] = [scopedName(rule, 'cbirc'), scopedName(rule, 'pboc')];
  return cbirc === pboc
    ? cbirc
    : h('ul', { class: 'params' }, h('li', {}, cbirc, ' ', h('small', {}, scopeText('cbirc'))), h('li', {}, pboc, ' ', h('small', {}, scopeText('pboc'))));
}

/** A set's rules, each by its name in the set's scope, with the parameters the set gives it. */
function rulesList(set, catalogue) {
  return h('ul', { class: 'params' }, (set.rules ?? []).map(r => h('li', {}, ruleCell(r.rule, catalogue, set.scope),
    r.parameters && Object.keys(r.parameters).length
      ? [' (', Object.entries(r.parameters).flatMap(([k, v], i) => [i ? ', ' : '', parameterName(catalogue.get(r.rule), k), ' = ', parameterValue(k, v)]), ')']
      : null)));
}

/** A set's rule with its parameters: the value given, else the catalogue's default (marked so). */
function parametersOf(spec, catalogue) {
  const rule = catalogue.get(spec.rule);
  const known = rule?.parameters ?? [];
  const given = spec.parameters ?? {};
  const names = [...new Set([...known.map(p => p.name), ...Object.keys(given)])];
  if (!names.length) return '—';
  return h('ul', { class: 'params' }, names.map(name => {
    const parameter = known.find(p => p.name === name);
    return name in given
      ? h('li', {}, parameterName(rule, name), ' = ', parameterValue(name, given[name]))
      : h('li', { class: 'default' }, parameterName(rule, name), ' = ', parameterValue(name, parameter?.default), ' ', h('small', {}, `(${t('ru_default', { value: parameterValue(name, parameter?.default) })})`));
  }));
}

function setLink(id) {
  return h('a', { href: `#/rules/${encodeURIComponent(id)}`, class: 'code' }, id);
}

// ---- #/rules ----

async function renderList(main, isCurrent) {
  const setsRegion = h('section', { 'aria-labelledby': 'ru-sets' });
  const catalogueRegion = h('section', { 'aria-labelledby': 'ru-catalogue' });
  replace(main, h('h1', {}, t('ru_title')), setsRegion, catalogueRegion);

  const [sets, catalogue] = await Promise.all([
    loading(setsRegion, api('/rule-sets'), () => renderList(main, isCurrent)),
    loading(catalogueRegion, ruleCatalogue(), () => renderList(main, isCurrent)),
  ]);
  if (!isCurrent()) return;
  const rules = catalogue ?? new Map();

  if (sets) {
    const items = sets.items ?? [];
    replace(setsRegion, h('h2', { id: 'ru-sets' }, t('ru_sets')), h('p', { class: 'counts' }, t('total', { n: number(items.length, 0) })),
      h('div', { class: 'scroll' }, table(t('ru_sets'), [
        { head: t('ru_id'), cell: s => [setLink(s.id), s.retired ? [' ', h('span', { class: 'badge retired' }, t('ru_retired'))] : null] },
        { head: t('ru_name'), cell: s => localized(s.name) || '—' },
        { head: t('ru_version'), cell: s => number(s.version, 0), numeric: true },
        { head: t('jurisdiction'), cell: s => jurisdictionText(s.jurisdiction) },
        { head: t('ru_years'), cell: s => yearsText(s.years) },
        { head: t('ru_scope'), cell: s => scopeText(s.scope) },
        { head: t('ru_rules'), cell: s => rulesList(s, rules) },
        { head: t('ru_created'), cell: s => date(s.createdAt) },
      ], items, { class: 'rule-sets titled' })));
  }

  if (catalogue) {
    const items = [...rules.values()];
    replace(catalogueRegion, h('h2', { id: 'ru-catalogue' }, t('ru_catalogue')), h('p', { class: 'counts' }, t('total', { n: number(items.length, 0) })),
      h('div', { class: 'scroll' }, table(t('ru_catalogue'), [
        { head: t('ru_id'), cell: r => h('code', { class: 'code' }, r.id) },
        { head: t('ru_name'), cell: r => namesCell(r) },
        { head: t('ru_parameters'), cell: r => (r.parameters ?? []).length
          ? h('ul', { class: 'params' }, r.parameters.map(p => h('li', {}, parameterName(r, p.name), ' ', t('ru_default', { value: parameterValue(p.name, p.default) }))))
          : '—' },
        { head: t('severity'), cell: r => severityText(r.severity) },
      ], items, { class: 'catalogue titled' })));
  }
}

// ---- #/rules/{id} ----

/** The body of PUT /rule-sets/{id} for a set as GET answers it (what the draft starts from). */
export function draftOf(set) {
  const body = {
    jurisdiction: set.jurisdiction ?? '',
    years: set.years,
    scope: set.scope,
    rules: (set.rules ?? []).map(r => (r.parameters && Object.keys(r.parameters).length ? { rule: r.rule, parameters: r.parameters } : { rule: r.rule })),
  };
  if (set.name) body.name = set.name;
  if (set.authority) body.authority = set.authority;
  if (set.source) body.source = set.source;
  return body;
}

function mayPreview(set, me) {
  if (me.role === 'admin') return true;
  return me.role === 'regulator' && (set.jurisdiction ?? '').startsWith(me.jurisdiction ?? '');
}

async function renderSet(main, id, query, me, isCurrent, notice, enacted) {
  const [set, catalogue] = await Promise.all([api(`/rule-sets/${encodeURIComponent(id)}`), ruleCatalogue().catch(() => new Map())]);
  if (!isCurrent()) return;

  const facts = h('dl', { class: 'figures' },
    h('dt', {}, t('ru_id')), h('dd', {}, h('code', { class: 'code' }, set.id)),
    h('dt', {}, t('ru_version')), h('dd', {}, number(set.version, 0)),
    h('dt', {}, t('jurisdiction')), h('dd', {}, jurisdictionText(set.jurisdiction)),
    h('dt', {}, t('ru_scope')), h('dd', {}, scopeText(set.scope)),
    h('dt', {}, t('ru_years')), h('dd', {}, yearsText(set.years)),
    h('dt', {}, t('ru_authority')), h('dd', {}, set.authority || '—'),
    h('dt', {}, t('ru_source')), h('dd', {}, set.source || '—'),
    h('dt', {}, t('ru_created')), h('dd', {}, date(set.createdAt)));

  const rulesTable = table(t('ru_rules'), [
    { head: t('ru_rules'), cell: r => ruleCell(r.rule, catalogue, set.scope) },
    { head: t('ru_parameters'), cell: r => parametersOf(r, catalogue) },
    { head: t('ru_population'), cell: r => populationText(r) },
    { head: t('severity'), cell: r => severityText(catalogue.get(r.rule)?.severity) },
  ], set.rules ?? [], { class: 'set-rules' });

  const versions = [set, ...(set.history ?? [])];
  const historyTable = table(t('ru_history'), [
    { head: t('ru_version'), cell: v => `${number(v.version, 0)}${v === set ? t('ru_current') : ''}`, numeric: true },
    { head: t('ru_created'), cell: v => date(v.createdAt) },
    { head: t('jurisdiction'), cell: v => jurisdictionText(v.jurisdiction) },
    { head: t('ru_years'), cell: v => yearsText(v.years) },
    { head: t('ru_scope'), cell: v => scopeText(v.scope) },
    { head: t('ru_rules'), cell: v => rulesList(v, catalogue) },
  ], versions, { class: 'history' });

  const editorRegion = h('div');
  const tools = [];
  if (mayPreview(set, me)) {
    const toggle = h('button', { type: 'button', 'aria-expanded': 'false', 'aria-controls': 'ru-editor' }, t('ru_editDraft'));
    toggle.addEventListener('click', () => {
      const open = toggle.getAttribute('aria-expanded') === 'true';
      toggle.setAttribute('aria-expanded', open ? 'false' : 'true');
      toggle.textContent = open ? t('ru_editDraft') : t('ru_closeDraft');
      if (open) {
        replace(editorRegion);
      } else {
        replace(editorRegion, editor(set, query, me, isCurrent, saved => renderSet(main, id, query, me, isCurrent, t('ru_enacted', { version: number(saved.version, 0) }), { saved, previous: set })));
        editorRegion.querySelector('textarea')?.focus();
      }
    });
    tools.push(toggle);
  }

  replace(main,
    h('p', {}, h('a', { href: '#/rules' }, t('ru_back'))),
    h('h1', {}, localized(set.name) || set.id, ' ', h('code', { class: 'set-id code' }, set.id), set.retired ? [' ', h('span', { class: 'badge retired' }, t('ru_retired'))] : null),
    notice ? h('p', { role: 'status', class: 'notice' }, notice) : null,
    enacted && me.role === 'admin' ? reevaluation(enacted.saved, enacted.previous) : null,
    h('section', {}, facts, tools.length ? h('div', { class: 'actions' }, tools) : null, editorRegion),
    h('section', {}, h('div', { class: 'scroll' }, rulesTable)),
    h('section', {}, h('div', { class: 'scroll' }, historyTable)));
}

/** The draft editor: the PUT body as JSON, the range, Preview and (admin) Enact. */
function editor(set, query, me, isCurrent, reload) {
  const route = `rules/${set.id}`;
  const last = lastMonth();
  const draft = h('textarea', { rows: 22, spellcheck: 'false', autocomplete: 'off', class: 'draft', value: JSON.stringify(draftOf(set), null, 2) });
  const from = h('input', { type: 'month', value: query.get('from') || `${Number(last.slice(0, 4)) - 1}-${last.slice(5)}` });
  const to = h('input', { type: 'month', value: query.get('to') || last });
  const message = h('div', { 'aria-live': 'polite' });
  const result = h('div', { class: 'preview', 'aria-live': 'polite' });
  const previewButton = h('button', { type: 'button' }, t('ru_preview'));
  const enactButton = me.role === 'admin' ? h('button', { type: 'button', class: 'secondary' }, t('ru_enact')) : null;

  /** The draft as an object, or null with the reason shown (and no request made). */
  function parsed() {
    let body;
    try {
      body = JSON.parse(draft.value);
    } catch (error) {
      replace(message, h('p', { class: 'problem', role: 'alert' }, t('ru_badJson', { message: error.message })));
      draft.focus();
      return null;
    }
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      replace(message, h('p', { class: 'problem', role: 'alert' }, t('ru_notObject')));
      draft.focus();
      return null;
    }
    replace(message);
    return body;
  }

  previewButton.addEventListener('click', async () => {
    const body = parsed();
    if (!body) return;
    const params = new URLSearchParams();
    if (from.value) params.set('from', from.value);
    if (to.value) params.set('to', to.value);
    keepQuery(route, params);
    previewButton.disabled = true;
    if (enactButton) enactButton.disabled = true;
    replace(result, h('div', { class: 'running' }, h('p', { role: 'status' }, t('ru_previewing')), h('progress', { 'aria-label': t('ru_previewing') })));
    try {
      const answer = await api(`/rule-sets/${encodeURIComponent(set.id)}/preview?${params}`, { method: 'POST', body });
      if (!isCurrent()) return;
      replace(result, previewView(answer));
    } catch (error) {
      if (!isCurrent()) return;
      replace(result, problemView(error));
    } finally {
      previewButton.disabled = false;
      if (enactButton) enactButton.disabled = false;
    }
  });

  let dialog = null;
  if (enactButton) {
    const confirm = h('button', { type: 'button' }, t('ru_confirm'));
    const cancel = h('button', { type: 'button', class: 'secondary' }, t('ru_cancel'));
    const dialogStatus = h('div', { 'aria-live': 'polite' });
    const changes = h('div', {});
    dialog = h('dialog', { 'aria-labelledby': 'ru-enact-title', class: 'enact' },
      h('h2', { id: 'ru-enact-title' }, t('ru_enactTitle')),
      h('p', {}, t('ru_enactText', { id: set.id, version: set.version + 1 })),
      changes,
      dialogStatus,
      h('div', { class: 'actions' }, confirm, cancel));
    cancel.addEventListener('click', () => dialog.close());
    enactButton.addEventListener('click', async () => {
      const body = parsed();
      if (!body) return;
      replace(dialogStatus);
      // What the draft changes, rule by rule, against the version in force (the catalogue for names and labels).
      const catalogue = await ruleCatalogue().catch(() => new Map());
      replace(changes, differences(set, body, catalogue));
      dialog.showModal();
      confirm.focus();
    });
    confirm.addEventListener('click', async () => {
      const body = parsed();
      if (!body) {
        dialog.close();
        return;
      }
      confirm.disabled = true;
      replace(dialogStatus, h('p', { role: 'status' }, t('ru_enacting')));
      try {
        const saved = await api(`/rule-sets/${encodeURIComponent(set.id)}`, { method: 'PUT', body });
        dialog.close();
        if (!isCurrent()) return;
        await reload(saved);
      } catch (error) {
        replace(dialogStatus, problemView(error));
      } finally {
        confirm.disabled = false;
      }
    });
  }

  return h('div', { id: 'ru-editor', class: 'editor' },
    field(t('ru_draft'), draft, t('ru_draftHint')),
    h('div', { class: 'filters' }, field(t('ru_from'), from), field(t('ru_to'), to), previewButton, enactButton),
    message, result, dialog);
}

function exceptionLink(id) {
  return h('a', { href: `#/exceptions/${encodeURIComponent(id)}` }, id);
}

function institutionLink(code) {
  return h('a', { href: `#/institutions/${encodeURIComponent(code)}` }, code);
}

function figuresText(figures) {
  if (!figures || typeof figures !== 'object') return '—';
  const entries = Object.entries(figures);
  if (!entries.length) return '—';
  return h('dl', { class: 'compact' }, entries.map(([name, value]) => [h('dt', {}, h('span', { class: 'code' }, name)), h('dd', {}, valueText(value))]));
}

function previewView(answer) {
  const opened = answer.opened ?? [];
  const cleared = answer.cleared ?? [];
  const changed = answer.changed ?? [];
  const ruleColumn = { head: t('rule'), cell: i => h('code', { class: 'code' }, i.rule) };
  return h('section', { 'aria-labelledby': 'ru-result', class: 'result' },
    h('h2', { id: 'ru-result' }, t('ru_result')),
    h('dl', { class: 'figures summary' },
      h('dt', {}, t('ru_basedOn')), h('dd', {}, answer.draft ? `${answer.draft.id} v${answer.draft.basedOn}` : '—'),
      h('dt', {}, t('ru_evaluated')), h('dd', { class: 'evaluated' }, number(answer.evaluated, 0)),
      h('dt', {}, t('ru_unchanged')), h('dd', { class: 'unchanged' }, number(answer.unchanged, 0)),
      h('dt', {}, t('ru_opened')), h('dd', {}, number(opened.length, 0)),
      h('dt', {}, t('ru_cleared')), h('dd', {}, number(cleared.length, 0)),
      h('dt', {}, t('ru_changed')), h('dd', {}, number(changed.length, 0)),
      h('dt', {}, t('ru_elapsed')), h('dd', { class: 'elapsed' }, number(answer.elapsedMs, 0))),
    list(t('ru_opened'), [
      { head: t('institution'), cell: i => institutionLink(i.institution) },
      { head: t('period'), cell: i => i.period },
      { head: t('ruleSet'), cell: i => (i.ruleSet ? h('span', { class: 'code' }, i.ruleSet) : '—') },
      ruleColumn,
      { head: t('severity'), cell: i => badge('severity', i.severity) },
      { head: t('ru_figures'), cell: i => figuresText(i.figures) },
    ], opened),
    list(t('ru_cleared'), [
      { head: t('ru_exception'), cell: i => exceptionLink(i.exceptionId) },
      { head: t('institution'), cell: i => institutionLink(i.institution) },
      { head: t('period'), cell: i => i.period },
      { head: t('ruleSet'), cell: i => (i.ruleSet ? h('span', { class: 'code' }, i.ruleSet) : '—') },
      ruleColumn,
    ], cleared),
    list(t('ru_changed'), [
      { head: t('ru_exception'), cell: i => exceptionLink(i.exceptionId) },
      { head: t('institution'), cell: i => institutionLink(i.institution) },
      { head: t('period'), cell: i => i.period },
      { head: t('ruleSet'), cell: i => (i.ruleSet ? h('span', { class: 'code' }, i.ruleSet) : '—') },
      ruleColumn,
      { head: t('ru_before'), cell: i => badge('severity', i.severityBefore) },
      { head: t('ru_after'), cell: i => badge('severity', i.severityAfter) },
    ], changed));
}

/** One of the preview's lists, with its count, a page at a time. */
function list(caption, columns, items) {
  const region = h('div', { class: 'preview-list' });
  const body = h('div', { class: 'scroll' });
  const nav = h('div');
  const go = page => {
    replace(body, table(caption, columns, items.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE), { class: 'titled' }));
    replace(nav, items.length > PAGE_SIZE ? pager({ page, pageSize: PAGE_SIZE, total: items.length }, go) : null);
  };
  replace(region, h('h3', {}, caption, ' ', h('small', {}, t('ru_count', { n: number(items.length, 0) }))), nav, body);
  go(1);
  return region;
}

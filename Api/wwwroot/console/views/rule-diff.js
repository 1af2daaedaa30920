// For an admin's #/rules/{id}: what a draft changes against the version in force, rule by rule, shown in the enact
// dialog; and after enacting, the button that re-evaluates the periods the set touches (POST /evaluations).

import { h, replace, table } from '../dom.js';
import { t, addStrings, number, localized, scopedName } from '../i18n.js';
import { api, problemView } from '../api.js';
import { lastMonth, stylesheet } from './common.js';
import { levelName } from './admin-common.js';

addStrings({
  zh: {
    rd_title: '与现行版本（第 {version} 版）相比', rd_caption: '草案与现行版本的差异', rd_none: '草案与现行版本相同。', rd_rule: '规则', rd_change: '变化', rd_what: '内容',
    rd_before: '现行', rd_after: '草案', rd_added: '新增', rd_removed: '删除', rd_changed: '修改', rd_set: '规则集',
    rd_severity: '级别', rd_appliesTo: '适用机构', rd_years: '适用年度', rd_jurisdiction: '辖区', rd_scope: '口径', rd_name: '名称', rd_authority: '发布机构', rd_source: '依据文件',
    rd_default: '{value}（默认）', rd_unset: '未设置', rd_every: '全部机构', rd_noEnd: '起', rd_legal: '法人', rd_branch: '分支机构', rd_national: '全国',
    rd_yes: '是', rd_no: '否', rd_fromYear: '自 {year} 年起',
    rd_reevaluate: '重新评估', rd_reevaluateHint: '按现行规则重新评估该规则集适用的机构在 {from} 至 {to} 各报告期已接受的台账（该规则集各版本的适用年度内、至有台账的最近报告期）。',
    rd_queued: '已排队重新评估 {n} 个机构报告期。', rd_nothing: '该规则集适用的年度内没有已接受的台账，无需重新评估。', rd_running: '正在提交…',
  },
  en: {
    rd_title: 'Against the version in force (version {version})', rd_caption: 'Differences between the draft and the version in force', rd_none: 'The draft is the same as the version in force.', rd_rule: 'Rule', rd_change: 'Change', rd_what: 'What',
    rd_before: 'In force', rd_after: 'Draft', rd_added: 'Added', rd_removed: 'Removed', rd_changed: 'Changed', rd_set: 'Rule set',
    rd_severity: 'Severity', rd_appliesTo: 'Applies to', rd_years: 'Years', rd_jurisdiction: 'Jurisdiction', rd_scope: 'Scope', rd_name: 'Name', rd_authority: 'Authority', rd_source: 'Source',
    rd_default: '{value} (default)', rd_unset: 'not set', rd_every: 'every institution', rd_noEnd: 'on', rd_legal: 'legal person', rd_branch: 'branch', rd_national: 'National',
    rd_yes: 'yes', rd_no: 'no', rd_fromYear: 'from {year}',
    rd_reevaluate: 'Re-evaluate', rd_reevaluateHint: 'Evaluates again, with the rules now in force, the accepted ledgers of the periods {from} to {to} of the institutions the set applies to (the years of every version of the set, up to the latest period with a ledger).',
    rd_queued: '{n} institution-periods are queued for evaluation.', rd_nothing: 'No accepted ledger falls in the years of this set: nothing to re-evaluate.', rd_running: 'Sending…',
  },
});

const same = (a, b) => JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));

/** A value with its object keys sorted, so that two equal values compare equal. */
function canonical(value) {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') return Object.fromEntries(Object.keys(value).sort().map(k => [k, canonical(value[k])]));
  return value ?? null;
}

/** A parameter's value in words: a year where the parameter takes one (`strict`: true, false or from a year). */
function valueText(value, parameter) {
  if (value === null || value === undefined) return t('rd_unset');
  if (Number.isInteger(value) && parameter?.type?.includes('year')) return t('rd_fromYear', { year: value });
  if (value === true) return t('rd_yes');
  if (value === false) return t('rd_no');
  if (typeof value === 'number') return number(value, 4);
  if (typeof value === 'string') return /^\d{4}$/.test(value) ? t('rd_fromYear', { year: value }) : h('span', { class: 'code' }, value);
  return h('span', { class: 'code' }, JSON.stringify(value));
}

function yearsText(years) {
  if (!years) return t('rd_unset');
  return years.to == null ? `${years.from} ${t('rd_noEnd')}` : `${years.from}–${years.to}`;
}

/** An appliesTo population in words, as the admin's obligations show one. */
function populationText(population) {
  if (!population) return t('rd_every');
  const parts = [
    population.categories?.length ? population.categories.map(c => t(`adm_cat_${c}`)).join('、') : null,
    population.levels?.length ? population.levels.map(levelName).join('、') : null,
    population.legalPerson === true ? t('rd_legal') : population.legalPerson === false ? t('rd_branch') : null,
  ].filter(Boolean);
  return parts.length ? parts.join(' · ') : t('rd_every');
}

/** Each rule of a set with its occurrence, so that a rule named twice is matched with its own counterpart. */
function keyed(rules) {
  const seen = new Map();
  return (rules ?? []).map(spec => {
    const n = (seen.get(spec.rule) ?? 0) + 1;
    seen.set(spec.rule, n);
    return [`${spec.rule}#${n}`, spec];
  });
}

/** The changes of one rule: its parameters by label (the catalogue's default where one side leaves it out), appliesTo, years, any other field. */
function ruleChanges(before, after, rule) {
  const changes = [];
  const known = rule?.parameters ?? [];
  const given = [before.parameters ?? {}, after.parameters ?? {}];
  const names = [...new Set([...Object.keys(given[0]), ...Object.keys(given[1])])];
  for (const name of names) {
    const [a, b] = given.map(p => p[name]);
    if (same(a, b)) continue;
    const parameter = known.find(p => p.name === name);
    const shown = value => (value === undefined && parameter ? t('rd_default', { value: textOf(valueText(parameter.default, parameter)) }) : valueText(value, parameter));
    changes.push({ what: parameter ? localized(parameter.label) : h('span', { class: 'code' }, name), before: shown(a), after: shown(b) });
  }
  if (!same(before.appliesTo, after.appliesTo)) changes.push({ what: t('rd_appliesTo'), before: populationText(before.appliesTo), after: populationText(after.appliesTo) });
  if (!same(before.years, after.years)) changes.push({ what: t('rd_years'), before: yearsText(before.years), after: yearsText(after.years) });
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (['rule', 'parameters', 'appliesTo', 'years'].includes(key) || same(before[key], after[key])) continue;
    changes.push({ what: key === 'severity' ? t('rd_severity') : h('span', { class: 'code' }, key), before: valueText(before[key]), after: valueText(after[key]) });
  }
  return changes;
}

function textOf(node) {
  return typeof node === 'string' ? node : node.textContent;
}

/** A rule by its name in the set's scope, its id after it in smaller type. */
function ruleLabel(id, catalogue, scope) {
  const rule = catalogue.get(id);
  return rule ? [scopedName(rule, scope), ' ', h('small', { class: 'code' }, id)] : h('span', { class: 'code' }, id);
}

function severityText(rule) {
  return rule?.severity ? rule.severity.split('/').map(s => t(`sev_${s}`)).join(' / ') : '—';
}

/**
 * The draft's differences from the set in force, rule by rule: rules added (with their parameters and severity),
 * removed, and changed (each parameter by its label, appliesTo, years); then the set's own fields that change.
 */
export function differences(set, draft, catalogue) {
  stylesheet('./rule-diff.css');
  const scope = draft.scope ?? set.scope;
  const rows = [];
  const before = new Map(keyed(set.rules));
  const after = new Map(keyed(draft.rules));
  for (const [key, spec] of after) {
    const rule = catalogue.get(spec.rule);
    if (!before.has(key)) {
      rows.push({ rule: spec.rule, kind: 'added', changes: [
        { what: t('rd_severity'), before: '—', after: severityText(rule) },
        ...ruleChanges({}, spec, rule).filter(c => !(c.what === t('rd_appliesTo') && !spec.appliesTo)),
      ] });
    } else {
      const changes = ruleChanges(before.get(key), spec, rule);
      if (changes.length) rows.push({ rule: spec.rule, kind: 'changed', changes });
    }
  }
  for (const [key, spec] of before) {
    if (!after.has(key)) rows.push({ rule: spec.rule, kind: 'removed', changes: [{ what: t('rd_severity'), before: severityText(catalogue.get(spec.rule)), after: '—' }] });
  }
  const setChanges = [];
  if (!same(set.jurisdiction ?? '', draft.jurisdiction ?? '')) {
    setChanges.push({ what: t('rd_jurisdiction'), before: set.jurisdiction ? h('span', { class: 'code' }, set.jurisdiction) : t('rd_national'), after: draft.jurisdiction ? h('span', { class: 'code' }, draft.jurisdiction) : t('rd_national') });
  }
  if (!same(set.years, draft.years)) setChanges.push({ what: t('rd_years'), before: yearsText(set.years), after: yearsText(draft.years) });
  if (!same(set.scope, draft.scope)) setChanges.push({ what: t('rd_scope'), before: t(`ru_scope_${set.scope}`), after: draft.scope ? t(`ru_scope_${draft.scope}`) : t('rd_unset') });
  for (const key of ['name', 'authority', 'source']) {
    if (key in draft && !same(set[key], draft[key])) {
      const shown = v => (v == null ? t('rd_unset') : h('span', { 'data-user-text': '' }, localized(v)));
      setChanges.push({ what: t(`rd_${key}`), before: shown(set[key]), after: shown(draft[key]) });
    }
  }
  if (setChanges.length) rows.unshift({ rule: null, kind: 'changed', changes: setChanges });

  const heading = h('h3', {}, t('rd_title', { version: number(set.version, 0) }));
  if (!rows.length) return h('div', { class: 'rule-diff' }, heading, h('p', {}, t('rd_none')));
  const lines = rows.flatMap(row => row.changes.map((change, i) => ({ row, change, first: i === 0, span: row.changes.length })));
  const body = h('tbody', {}, lines.map(({ row, change, first, span }) => h('tr', { class: `diff-${row.kind}` },
    first ? h('th', { scope: 'row', rowspan: span }, row.rule ? ruleLabel(row.rule, catalogue, scope) : t('rd_set')) : null,
    first ? h('td', { rowspan: span }, h('span', { class: `badge diff-${row.kind}` }, t(`rd_${row.kind}`))) : null,
    h('td', {}, change.what), h('td', {}, change.before), h('td', {}, change.after))));
  const diffTable = table(t('rd_caption'), [
    { head: t('rd_rule'), cell: () => '' }, { head: t('rd_change'), cell: () => '' }, { head: t('rd_what'), cell: () => '' },
    { head: t('rd_before'), cell: () => '' }, { head: t('rd_after'), cell: () => '' },
  ], [], { class: 'rule-diff-table' });
  diffTable.querySelector('tbody').replaceWith(body);
  return h('div', { class: 'rule-diff' }, heading,
    h('div', { class: 'scroll', tabindex: 0, role: 'region', 'aria-label': t('rd_caption') }, diffTable));
}

/**
 * The periods a set touches: from January of the earliest year any of its versions (the one in force and those
 * before it) starts, to December of the latest year one ends or, where one has no end or ends later, the latest
 * period with an accepted ledger the admin sees (GET /me `latestPeriod`, else last month). Null where there is none.
 */
export function touchedPeriods(versions, latestPeriod) {
  const years = versions.map(v => v.years).filter(Boolean);
  if (!years.length) return null;
  const latest = latestPeriod ?? lastMonth();
  const from = `${Math.min(...years.map(y => y.from))}-01`;
  const open = years.some(y => y.to == null);
  const end = open ? latest : `${Math.max(...years.map(y => y.to))}-12`;
  const to = end < latest ? end : latest;
  return from <= to ? { from, to } : null;
}

/**
 * After enacting: a button "Re-evaluate" that posts POST /evaluations?ruleSet=&from=&to= for the periods the set
 * touches and says how many institution-periods were queued (the result takes focus).
 */
export function reevaluation(saved, previous) {
  stylesheet('./rule-diff.css');
  const result = h('div', { class: 'reevaluated', tabindex: -1, 'aria-live': 'polite' });
  const button = h('button', { type: 'button' }, t('rd_reevaluate'));
  const hint = h('p', { class: 'counts' });
  let range = null;
  const versions = [saved, previous, ...(previous.history ?? [])];
  api('/me').then(me => {
    range = touchedPeriods(versions, me.latestPeriod);
    hint.textContent = range ? t('rd_reevaluateHint', range) : t('rd_nothing');
    button.disabled = !range;
  }).catch(error => replace(result, problemView(error)));
  button.disabled = true;
  button.addEventListener('click', async () => {
    if (!range) return;
    button.disabled = true;
    replace(result, h('p', {}, t('rd_running')));
    try {
      const params = new URLSearchParams({ ruleSet: saved.id, from: range.from, to: range.to });
      const answer = await api(`/evaluations?${params}`, { method: 'POST' });
      replace(result, h('p', { class: 'queued' }, t('rd_queued', { n: number(answer.queued, 0) })));
    } catch (error) {
      replace(result, problemView(error));
    } finally {
      button.disabled = false;
    }
    result.focus();
  });
  return h('div', { class: 'reevaluate' }, h('div', { class: 'actions' }, button), hint, result);
}

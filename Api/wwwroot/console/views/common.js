// What the views share: progress while loading, pages, marks of outcomes and statuses.

import { h, replace } from '../dom.js';
import { t, addStrings, localized, money, number, date, lang, named } from '../i18n.js';
import { api, problemView } from '../api.js';

addStrings({
  zh: { retry: '重试', unit_percent: '%', unit_pp: '个百分点', unit_yuan: '元', unit_count: '户' },
  en: { retry: 'Retry', unit_percent: '%', unit_pp: 'pp', unit_yuan: 'yuan', unit_count: 'count' },
});

/** Shows progress in a region while the promise runs; its problem, with a retry, if it fails. Answers the result or null. */
export async function loading(region, promise, retry) {
  replace(region, h('p', { role: 'status', class: 'loading' }, t('loading')));
  try {
    return await promise;
  } catch (error) {
    replace(region, problemView(error), retry ? h('button', { type: 'button', onclick: retry }, t('retry')) : null);
    return null;
  }
}

/** How many items there are, and buttons to the previous and next page: go(page). */
export function pager({ page, pageSize, total }, go) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  return h('nav', { class: 'pager', 'aria-label': t('page', { page, pages }) },
    h('span', {}, t('total', { n: total })), ' · ', h('span', {}, t('page', { page, pages })), ' ',
    h('button', { type: 'button', disabled: page <= 1, onclick: () => go(page - 1) }, t('previous')),
    h('button', { type: 'button', disabled: page >= pages, onclick: () => go(page + 1) }, t('next')));
}

/** The short text mark of an outcome, shown besides its colour. */
export const marks = { pass: '✓', warning: '!', breach: '✗', notApplicable: '–', baselineMissing: '?', notFiled: '○', pending: '…' };

/** An outcome's mark and name, coloured by its class. */
export function outcome(value) {
  if (!value) return h('span', { class: 'outcome none', title: t('none') }, '');
  return h('span', { class: `outcome o-${value}`, title: t(`out_${value}`) }, marks[value] ?? value, h('span', { class: 'sr' }, ` ${t(`out_${value}`)}`));
}

/** A severity or status as a badge with its name. */
export function badge(kind, value) {
  if (!value) return '—';
  return h('span', { class: `badge ${kind}-${value}` }, t(`${kind === 'severity' ? 'sev' : 'st'}_${value}`));
}

// Today in China Standard Time, as a Date whose UTC fields are the Chinese calendar's.
const chinaNow = () => new Date(Date.now() + 8 * 3600_000);

/** The latest month that may have been filed: the previous one, yyyy-MM, in China Standard Time. */
export function lastMonth() {
  const now = chinaNow();
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

/**
 * The period a view opens on (console.md, "Opens where the data is"): the latest period with an accepted ledger the
 * key may see (`latestPeriod` of GET /me), else the previous month in China Standard Time.
 */
export function startPeriod(me) {
  return me?.latestPeriod ?? lastMonth();
}

/** A name with its code after it in smaller type (`.code`), or the code alone where there is no name. */
export function withCode(name, code) {
  if (code === null || code === undefined || code === '') return name || '—';
  return name && name !== code ? [name, ' ', h('span', { class: 'code' }, code)] : h('span', { class: 'code' }, code);
}

/** A baseline by its kind's name (年初 startOfYear, 去年同期 samePeriodLastYear, 上年年初 lastYearStart, 年内各月 ytdMonths). */
export function baselineName(kind) {
  return named('base', kind);
}

/** The current year in China Standard Time. */
export function thisYear() {
  return chinaNow().getUTCFullYear();
}

let catalogue = null;

/** The rule catalogue (GET /rules) by rule id, read once for every view; a failed read is asked again next time. */
export function ruleCatalogue() {
  catalogue ??= api('/rules')
    .then(answer => new Map((answer?.items ?? []).map(rule => [rule.id, rule])))
    .catch(error => { catalogue = null; throw error; });
  return catalogue;
}

let sets = null;

/** The rule sets (GET /rule-sets) by id, read once for every view; a failed read is asked again next time. */
export function ruleSetList() {
  sets ??= api('/rule-sets')
    .then(answer => new Map((answer?.items ?? []).map(set => [set.id, set])))
    .catch(error => { sets = null; throw error; });
  return sets;
}

let obligations = null;

/** The obligations (GET /obligations) by code, read once for every view; a failed read is asked again next time. */
export function obligationList() {
  obligations ??= api('/obligations')
    .then(answer => new Map((answer?.items ?? []).map(o => [o.code, o])))
    .catch(error => { obligations = null; throw error; });
  return obligations;
}

/** A set's name with its id in smaller type, from the rule sets read (the id alone where it is unknown). */
export function ruleSetName(setMap, id) {
  if (!id) return '—';
  return withCode(localized(setMap?.get(id)?.name), id);
}

/** A rule's name in its set's scope (rules.md, "Names") with its id in smaller type. */
export function scopedRule(rules, setMap, ruleId, setId) {
  const rule = rules?.get(ruleId);
  const scope = setMap?.get(setId)?.scope;
  const text = rule ? localized(rule.names?.[scope] ?? rule.names?.cbirc ?? rule.name) : '';
  return withCode(text, ruleId);
}

/**
 * A figure's value shown by the unit the server declares for it (an exception's `units`, a rule's `figures`, a
 * target's `unit`), as console.md "Figures a supervisor reads" says: money by `amount()`, percentages with 2 decimals
 * and %, percentage points with 2 decimals, an explicit sign and 个百分点 / pp, counts as integers, dates in the
 * language's convention, lists joined. Without a unit, the value as it is.
 */
export function byUnit(value, unit) {
  if (value === null || value === undefined) return '—';
  switch (unit) {
    case 'yuan': return amount(value);
    case 'count': return number(value, 0);
    case 'percent': return `${fixed(value)}${t('unit_percent')}`;
    case 'pp': return `${fixed(value, true)} ${t('unit_pp')}`;
    case 'date': return date(value);
    case 'boolean': return value ? t('yes') : t('no');
    default:
      if (Array.isArray(value)) return value.join(lang === 'zh' ? '、' : ', ');
      if (typeof value === 'number') return number(value, 4);
      if (typeof value === 'object') return JSON.stringify(value);
      return String(value);
  }
}

/** A number with exactly 2 decimals (half away from zero), with an explicit + or − where signed. */
function fixed(value, signed = false) {
  return new Intl.NumberFormat(lang === 'zh' ? 'zh-CN' : 'en-US', {
    minimumFractionDigits: 2, maximumFractionDigits: 2, roundingMode: 'halfExpand', signDisplay: signed ? 'exceptZero' : 'auto',
  }).format(value);
}

/**
 * An amount of yuan as a supervisor reads it: in Chinese 亿元 where |amount| ≥ 1 亿 and 万元 otherwise, the number
 * being round(yuan / 10⁸ or 10⁴, 2) half away from zero, minus kept; in English CNY with thousands separators and 2
 * decimals. The rounding is done in whole fen, so it is exact for any amount the API answers.
 */
export function amount(value) {
  if (value === null || value === undefined) return '—';
  const yuan = Number(value);
  if (lang !== 'zh') return `CNY ${money(yuan)}`;
  const fen = Math.round(Math.abs(yuan) * 100);
  const large = fen >= 100_000_000 * 100;
  const step = large ? 1_000_000 * 100 : 100 * 100; // fen in 0.01 亿元 or in 0.01 万元
  const hundredths = Math.floor((fen + step / 2) / step);
  const shown = (yuan < 0 && hundredths > 0 ? -hundredths : hundredths) / 100;
  return `${money(shown)} ${large ? '亿元' : '万元'}`;
}

/**
 * An amount shown by `amount()` in a button that shows the exact yuan figure when pressed (and back): the exact figure
 * one click away, as console.md asks.
 */
export function amountToggle(value) {
  if (value === null || value === undefined) return '—';
  const short = amount(value);
  const exact = lang === 'zh' ? `${money(value)} 元` : short;
  const button = h('button', { type: 'button', class: 'figure', 'aria-pressed': 'false', title: exact }, short);
  button.addEventListener('click', () => {
    const showExact = button.getAttribute('aria-pressed') !== 'true';
    button.setAttribute('aria-pressed', String(showExact));
    button.textContent = showExact ? exact : short;
  });
  return button;
}

/** A rule's declared figure of that key (GET /rules' `figures`), or undefined. */
export function declaredFigure(rules, ruleId, key) {
  return rules?.get(ruleId)?.figures?.find(figure => figure.key === key);
}

/** A rule's name in the current language, from the catalogue, or its id where the catalogue lacks it. */
export function ruleName(rules, id) {
  const rule = rules?.get(id);
  return rule ? localized(rule.name) : id;
}

// The address the router last showed (or a view last kept): a view rewrites its query only while it is still that.
let routed = location.hash;

/** Called by the router as it shows the address in the hash. */
export function routedTo(hash) {
  routed = hash;
}

/**
 * Keeps a view's query in the hash without a new history entry or a re-render; not once the address has changed
 * since it was shown (a view still loading must not take back an address the user has moved to, even its own route
 * with another query).
 */
export function keepQuery(route, query) {
  if (location.hash !== routed) return;
  const search = new URLSearchParams([...query].filter(([, v]) => v !== '' && v != null)).toString();
  history.replaceState(null, '', `#/${route}${search ? `?${search}` : ''}`);
  routed = location.hash;
}

/** Adds a view's own stylesheet (a file of the console: the CSP allows no inline style), once. */
export function stylesheet(path) {
  const href = new URL(path, import.meta.url).pathname;
  if (!document.querySelector(`link[rel="stylesheet"][href="${href}"]`)) {
    document.head.append(h('link', { rel: 'stylesheet', href }));
  }
}

// What an institution has due in the next 14 days and what is overdue (console.md, "Filing from the deadlines page"),
// each linking to where it is filed: a monthly ledger to #/submit, a deliverable to #/deadlines. Also the words of a
// deadline's status as a supervisor says them (已报送, 迟报 N 天, 待报送, 逾期 N 天), which the deadlines view shares.

import { h } from '../dom.js';
import { t, addStrings, date, localized, lang } from '../i18n.js';
import { api, problemView } from '../api.js';
import { stylesheet } from './common.js';

addStrings({
  zh: {
    ds_title: '近期待办', ds_overdue: '已逾期', ds_upcoming: '14 天内到期', ds_none: '未来 14 天内没有到期事项，也没有逾期事项。',
    ds_dueOn: '{date}到期', ds_dueToday: '今天到期', ds_dueIn: '还有 {n} 天', ds_period: '{period} 报告期',
    dl_filed: '已报送', dl_filedLate: '迟报 {n} 天', dl_pending: '待报送', dl_overdue: '逾期', dl_overdueDays: '逾期 {n} 天',
  },
  en: {
    ds_title: 'Due soon and overdue', ds_overdue: 'Overdue', ds_upcoming: 'Due in the next 14 days', ds_none: 'Nothing is due in the next 14 days and nothing is overdue.',
    ds_dueOn: 'due {date}', ds_dueToday: 'due today', ds_dueIn: 'in {n} days', ds_period: 'period {period}',
    dl_filed: 'Filed', dl_filedLate: 'Filed {n} days late', dl_pending: 'Pending', dl_overdue: 'Overdue', dl_overdueDays: 'Overdue {n} days',
    dl_filedLate_one: 'Filed 1 day late', dl_overdueDays_one: 'Overdue 1 day', ds_dueIn_one: 'in 1 day',
  },
});

/** How far ahead a deadline counts as due soon, in calendar days. */
export const DUE_SOON_DAYS = 14;

const DAY = 86_400_000;

/** The China Standard Time date (yyyy-MM-dd) of an instant, or of now. */
export function chinaDate(instant) {
  const at = instant ? new Date(instant).getTime() : Date.now();
  return new Date(at + 8 * 3_600_000).toISOString().slice(0, 10);
}

/** Calendar days from one yyyy-MM-dd date to another (negative where `to` is before `from`). */
export function daysBetween(from, to) {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY);
}

/** A text with a count: in English, the `_one` variant where n is 1 (Chinese has no singular). */
function counted(key, n) {
  return t(n === 1 && lang === 'en' ? `${key}_one` : key, { n: String(n) });
}

/**
 * A deadline's standing as a supervisor says it: filed (on time), filed N days late (the China Standard Time date of
 * the filing after the due date), pending, or overdue N days (today after the due date); `kind` is its colour.
 */
export function standing(item, today = chinaDate()) {
  if (item.status === 'filed') {
    const late = item.filedAt ? daysBetween(item.dueDate, chinaDate(item.filedAt)) : 0;
    return late > 0 ? { kind: 'late', text: counted('dl_filedLate', late) } : { kind: 'filed', text: t('dl_filed') };
  }
  if (item.status === 'overdue') {
    const days = daysBetween(item.dueDate, today);
    return { kind: 'overdue', text: days > 0 ? counted('dl_overdueDays', days) : t('dl_overdue') };
  }
  return { kind: 'pending', text: t('dl_pending') };
}

/** A deadline's standing as a badge: its colour and its words. */
export function standingBadge(item, today) {
  const { kind, text } = standing(item, today);
  return h('span', { class: `badge deadline-${kind}` }, text);
}

/** The year a deliverable is filed for: its nominal period's (the month of its nominal due date), else its due date's. */
export function deliverableYear(item) {
  return Number((item.period ?? item.dueDate).slice(0, 4));
}

/** Where a deadline is filed: a monthly ledger on #/submit for its period, anything else on #/deadlines of its year. */
export function filingLink(item, filedBy) {
  return filedBy === 'submission' && item.period
    ? { href: `#/submit?period=${encodeURIComponent(item.period)}` }
    : { href: `#/deadlines?year=${deliverableYear(item)}` };
}

/** What files a deadline: `submission` (the monthly ledger) or `deliverable`, as its obligation says. */
export function filedBy(item, obligations) {
  return obligations.get(item.obligation)?.filedBy ?? (item.obligation === 'LEDGER_MONTHLY' ? 'submission' : 'deliverable');
}

/** The obligations by code (GET /obligations): {name, filedBy}; an empty map where they cannot be read. */
export function obligationsByCode() {
  return api('/obligations').then(
    answer => new Map((answer.items ?? []).map(o => [o.code, { name: localized(o.name), filedBy: o.filedBy }])),
    () => new Map());
}

/** An obligation by its name, its code after it in smaller type (the code alone where its name is unknown). */
export function obligationName(code, obligations) {
  const name = obligations.get(code)?.name;
  return name ? [name, ' ', h('code', { class: 'code' }, code)] : h('code', { class: 'code' }, code);
}

/**
 * For an institution, a section (with its h2) listing its deadlines overdue (this year's and last year's) and those
 * due in the next 14 days, each linking to where it is filed; null for any other role. A failed read shows its problem
 * in the section.
 */
export async function dueSoon(me) {
  if (me?.role !== 'institution') return null;
  stylesheet('./deadlines.css');
  const today = chinaDate();
  const year = Number(today.slice(0, 4));
  const horizon = new Date(Date.parse(`${today}T00:00:00Z`) + DUE_SOON_DAYS * DAY).toISOString().slice(0, 10);
  const years = [year - 1, year, ...(Number(horizon.slice(0, 4)) > year ? [year + 1] : [])];
  const section = h('section', { class: 'due-soon', 'aria-labelledby': 'due-soon-title' }, h('h2', { id: 'due-soon-title' }, t('ds_title')));
  let obligations;
  let answers;
  try {
    [obligations, ...answers] = await Promise.all([obligationsByCode(), ...years.map(y => api(`/deadlines?year=${y}`))]);
  } catch (error) {
    section.append(problemView(error));
    return section;
  }

  const seen = new Set();
  const items = answers.flatMap(answer => answer.items ?? []).filter(item => {
    const key = [item.obligation, item.institution, item.period ?? '', item.dueDate].join('|');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const overdue = items.filter(i => i.status === 'overdue').sort((a, b) => a.dueDate.localeCompare(b.dueDate));
  const upcoming = items
    .filter(i => i.status === 'pending' && i.dueDate >= today && i.dueDate <= horizon)
    .sort((a, b) => a.dueDate.localeCompare(b.dueDate));

  // Each entry links, by the obligation's name and period, to where it is filed.
  const entry = (item, when) => {
    const link = filingLink(item, filedBy(item, obligations));
    return h('li', {},
      h('a', { href: link.href, class: 'due-what' }, obligationName(item.obligation, obligations), item.period ? [' · ', t('ds_period', { period: item.period })] : null),
      ' ', h('span', { class: 'due-when' }, when));
  };
  const list = (id, title, entries) => (entries.length
    ? [h('h3', { id }, title), h('ul', { class: 'due-list', 'aria-labelledby': id }, entries)]
    : []);

  if (overdue.length === 0 && upcoming.length === 0) {
    section.append(h('p', { class: 'empty' }, t('ds_none')));
    return section;
  }
  section.append(
    ...list('due-soon-overdue', t('ds_overdue'), overdue.map(item => entry(item, [
      h('time', { datetime: item.dueDate }, t('ds_dueOn', { date: date(item.dueDate) })), ' · ', standingBadge(item, today)]))),
    ...list('due-soon-upcoming', t('ds_upcoming'), upcoming.map(item => {
      const days = daysBetween(today, item.dueDate);
      return entry(item, [
        h('time', { datetime: item.dueDate }, days === 0 ? t('ds_dueToday') : t('ds_dueOn', { date: date(item.dueDate) })),
        days > 0 ? [' · ', counted('ds_dueIn', days)] : null]);
    })));
  return section;
}

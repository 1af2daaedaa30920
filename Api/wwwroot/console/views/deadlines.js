// #/deadlines: the year's deadlines (filed, pending, overdue) and the reminders sent (deadlines.md).

import { h, replace, table, field } from '../dom.js';
import { t, addStrings, date, number, localized } from '../i18n.js';
import { api } from '../api.js';
import { loading, pager, keepQuery, stylesheet, thisYear } from './common.js';

addStrings({
  zh: {
    dl_title: '报送期限', dl_year: '年度', dl_show: '查询', dl_deadlines: '报送期限', dl_reminders: '提醒记录', dl_obligation: '报送事项',
    dl_dueDate: '截止日期', dl_filedAt: '报送时间', dl_kind: '类型', dl_offset: '相对天数', dl_created: '发送时间', dl_delivery: '推送状态',
    dl_attempts: '尝试次数', dl_lastError: '最近错误', dl_warnings: '提示', dl_counts: '共 {n} 项：已报送 {filed}，待报送 {pending}，逾期 {overdue}',
    dl_reminderCount: '共 {n} 条提醒', dl_noDeadlines: '该年度没有报送期限。', dl_noReminders: '该年度尚未发送提醒。', dl_badYear: '年度应为 2000–2100 之间的整数。',
    dl_filed: '已报送', dl_pending: '待报送', dl_overdue: '逾期',
    dl_kind_upcoming: '即将到期', dl_kind_due: '今日到期', dl_kind_overdue: '逾期',
    dl_days: '{n} 天',
  },
  en: {
    dl_title: 'Deadlines', dl_year: 'Year', dl_show: 'Show', dl_deadlines: 'Deadlines', dl_reminders: 'Reminders', dl_obligation: 'Obligation',
    dl_dueDate: 'Due date', dl_filedAt: 'Filed at', dl_kind: 'Kind', dl_offset: 'Offset', dl_created: 'Created', dl_delivery: 'Delivery',
    dl_attempts: 'Attempts', dl_lastError: 'Last error', dl_warnings: 'Warnings', dl_counts: '{n} in all: {filed} filed, {pending} pending, {overdue} overdue',
    dl_reminderCount: '{n} reminders', dl_noDeadlines: 'No deadline falls in this year.', dl_noReminders: 'No reminder has been sent for this year.', dl_badYear: 'The year is a whole number from 2000 to 2100.',
    dl_filed: 'Filed', dl_pending: 'Pending', dl_overdue: 'Overdue',
    dl_kind_upcoming: 'Upcoming', dl_kind_due: 'Due', dl_kind_overdue: 'Overdue',
    dl_days: '{n} days',
  },
});

const PAGE_SIZE = 100;

/** This year in China Standard Time. */
/** A yyyy-MM-dd date (or an instant) as a <time> that keeps the machine-readable value. */
function when(value) {
  return value ? h('time', { datetime: value }, date(value)) : '—';
}

function statusMark(status) {
  return h('span', { class: `badge deadline-${status}` }, t(`dl_${status}`));
}

export default async function render(main, { query, me, isCurrent }) {
  stylesheet('./deadlines.css');
  const mayFilter = me.role === 'admin' || me.role === 'regulator';
  const asked = Number.parseInt(query.get('year') ?? '', 10);
  const state = {
    year: Number.isInteger(asked) && asked >= 2000 && asked <= 2100 ? asked : thisYear(),
    institution: mayFilter ? (query.get('institution') ?? '').trim() : '',
  };

  const year = h('input', { type: 'number', min: 2000, max: 2100, step: 1, required: true, value: String(state.year) });
  const institution = mayFilter ? h('input', { type: 'text', value: state.institution, autocomplete: 'off', spellcheck: 'false', maxlength: 32 }) : null;
  const message = h('div', { 'aria-live': 'polite' });
  const deadlinesRegion = h('section', { 'aria-labelledby': 'dl-deadlines' });
  const remindersRegion = h('section', { 'aria-labelledby': 'dl-reminders' });
  const form = h('form', {
    class: 'filters',
    onsubmit: event => {
      event.preventDefault();
      const value = Number(year.value);
      if (!Number.isInteger(value) || value < 2000 || value > 2100) {
        replace(message, h('p', { class: 'problem', role: 'alert' }, t('dl_badYear')));
        return;
      }
      replace(message);
      state.year = value;
      state.institution = institution ? institution.value.trim() : '';
      load();
    },
  }, field(t('dl_year'), year), institution ? field(t('institution'), institution) : null, h('button', { type: 'submit' }, t('dl_show')));
  year.addEventListener('change', () => form.requestSubmit());

  replace(main, h('h1', {}, t('dl_title')), form, message, deadlinesRegion, remindersRegion);

  let obligationNames = null;
  let loads = 0;

  async function load() {
    const run = ++loads;
    const params = new URLSearchParams({ year: String(state.year) });
    if (state.institution) params.set('institution', state.institution);
    keepQuery('deadlines', params);
    const current = () => run === loads && isCurrent();

    obligationNames ??= api('/obligations').then(
      answer => new Map((answer.items ?? []).map(o => [o.code, localized(o.name)])),
      () => new Map());
    const deadlines = loading(deadlinesRegion, api(`/deadlines?${params}`), load);
    const reminders = loading(remindersRegion, api(`/reminders?${params}`), load);
    const names = await obligationNames;
    const [d, r] = await Promise.all([deadlines, reminders]);
    if (!current()) return;
    if (d) showDeadlines(d, names);
    if (r) showReminders(r, names);
  }

  function obligationCell(code, names) {
    const name = names.get(code);
    return [h('code', {}, code), name ? h('small', { class: 'obligation-name' }, name) : null];
  }

  function institutionCell(code) {
    return h('a', { href: `#/institutions/${encodeURIComponent(code)}` }, code);
  }

  function showDeadlines(answer, names) {
    const items = answer.items ?? [];
    const count = status => items.filter(i => i.status === status).length;
    const columns = [
      { head: t('dl_obligation'), cell: i => obligationCell(i.obligation, names) },
      { head: t('institution'), cell: i => institutionCell(i.institution) },
      { head: t('period'), cell: i => i.period ?? '—' },
      { head: t('dl_dueDate'), cell: i => when(i.dueDate) },
      { head: t('status'), cell: i => statusMark(i.status) },
      { head: t('dl_filedAt'), cell: i => when(i.filedAt) },
    ];
    const warnings = (answer.warnings ?? []).length
      ? h('div', { class: 'warnings', role: 'note', 'aria-label': t('dl_warnings') }, h('ul', {}, answer.warnings.map(w => h('li', {}, w))))
      : null;
    const summary = h('p', { class: 'counts' }, t('dl_counts', {
      n: number(items.length, 0), filed: number(count('filed'), 0), pending: number(count('pending'), 0), overdue: number(count('overdue'), 0),
    }));
    paged(deadlinesRegion, h('h2', { id: 'dl-deadlines' }, t('dl_deadlines')), [warnings, summary], items,
      page => table(t('dl_deadlines'), columns, page, { class: 'deadlines titled' }), t('dl_noDeadlines'));
  }

  function showReminders(answer, names) {
    const items = answer.items ?? [];
    const columns = [
      { head: t('dl_obligation'), cell: i => obligationCell(i.obligation, names) },
      { head: t('institution'), cell: i => institutionCell(i.institution) },
      { head: t('dl_dueDate'), cell: i => when(i.dueDate) },
      { head: t('dl_kind'), cell: i => h('span', { class: `badge reminder-${i.kind}` }, t(`dl_kind_${i.kind}`)) },
      { head: t('dl_offset'), cell: i => t('dl_days', { n: i.offsetDays > 0 ? `+${i.offsetDays}` : String(i.offsetDays) }), numeric: true },
      { head: t('dl_created'), cell: i => when(i.createdAt) },
      { head: t('dl_delivery'), cell: i => i.delivery?.status ?? '—' },
      { head: t('dl_attempts'), cell: i => number(i.delivery?.attempts ?? 0, 0), numeric: true },
      { head: t('dl_lastError'), cell: i => i.delivery?.lastError ? h('span', { class: 'error-text' }, i.delivery.lastError) : '—' },
    ];
    paged(remindersRegion, h('h2', { id: 'dl-reminders' }, t('dl_reminders')), [h('p', { class: 'counts' }, t('dl_reminderCount', { n: number(items.length, 0) }))],
      items, page => table(t('dl_reminders'), columns, page, { class: 'reminders titled' }), t('dl_noReminders'));
  }

  /** A list the API answers whole, shown a page at a time with its count. */
  function paged(region, heading, before, items, build, empty) {
    const body = h('div', { class: 'scroll' });
    const nav = h('div');
    const go = page => {
      replace(body, build(items.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE)));
      replace(nav, items.length > PAGE_SIZE ? pager({ page, pageSize: PAGE_SIZE, total: items.length }, go) : null);
    };
    replace(region, heading, before, items.length ? [nav, body] : h('p', { class: 'empty' }, empty));
    if (items.length) go(1);
  }

  await load();
}

// #/deadlines: the year's deadlines with their standing as a supervisor says it (已报送, 迟报 N 天, 待报送, 逾期 N 天), and
// the reminders sent (deadlines.md). An institution (or an admin for it) files a deliverable against its deadline here,
// with the upload's progress; an institution sees first what is due soon and what is overdue.

import { h, replace, table, field } from '../dom.js';
import { t, addStrings, date, number } from '../i18n.js';
import { api, upload, problemView, Problem } from '../api.js';
import { loading, pager, keepQuery, stylesheet, thisYear } from './common.js';
import { dueSoon, standingBadge, chinaDate, deliverableYear, obligationsByCode, obligationName, filedBy } from './due-soon.js';

addStrings({
  zh: {
    dl_title: '报送期限', dl_year: '年度', dl_show: '查询', dl_deadlines: '报送期限', dl_reminders: '提醒记录', dl_obligation: '报送事项',
    dl_dueDate: '截止日期', dl_filedAt: '报送时间', dl_kind: '类型', dl_offset: '相对天数', dl_created: '发送时间', dl_delivery: '推送状态',
    dl_attempts: '尝试次数', dl_lastError: '最近错误', dl_warnings: '提示', dl_counts: '共 {n} 项：已报送 {filed}，待报送 {pending}，逾期 {overdue}',
    dl_reminderCount: '共 {n} 条提醒', dl_noDeadlines: '该年度没有报送期限。', dl_noReminders: '该年度尚未发送提醒。', dl_badYear: '年度应为 2000–2100 之间的整数。',
    dl_kind_upcoming: '即将到期', dl_kind_due: '今日到期', dl_kind_overdue: '逾期',
    dl_days: '{n} 天', dl_action: '操作', dl_file: '报送', dl_fileTitle: '报送：{name}', dl_fileFor: '{year} 年度，截止日期 {date}',
    dl_document: '报送文件', dl_upload: '上传', dl_cancel: '取消', dl_progress: '上传进度', dl_uploading: '正在上传…', dl_checking: '已上传，正在保存…',
    dl_noDocument: '请选择要报送的文件。', dl_filedResult: '已报送“{name}”：', dl_receipt: '回执编号', dl_bytes: '{n} 字节',
    dl_delivery_pending: '待推送', dl_delivery_delivered: '已推送', dl_delivery_failed: '推送失败', dl_delivery_none: '未设推送地址',
  },
  en: {
    dl_title: 'Deadlines', dl_year: 'Year', dl_show: 'Show', dl_deadlines: 'Deadlines', dl_reminders: 'Reminders', dl_obligation: 'Obligation',
    dl_dueDate: 'Due date', dl_filedAt: 'Filed at', dl_kind: 'Kind', dl_offset: 'Offset', dl_created: 'Created', dl_delivery: 'Delivery',
    dl_attempts: 'Attempts', dl_lastError: 'Last error', dl_warnings: 'Warnings', dl_counts: '{n} in all: {filed} filed, {pending} pending, {overdue} overdue',
    dl_reminderCount: '{n} reminders', dl_noDeadlines: 'No deadline falls in this year.', dl_noReminders: 'No reminder has been sent for this year.', dl_badYear: 'The year is a whole number from 2000 to 2100.',
    dl_kind_upcoming: 'Upcoming', dl_kind_due: 'Due', dl_kind_overdue: 'Overdue',
    dl_days: '{n} days', dl_action: 'Action', dl_file: 'File', dl_fileTitle: 'File: {name}', dl_fileFor: 'Year {year}, due {date}',
    dl_document: 'Document', dl_upload: 'Upload', dl_cancel: 'Cancel', dl_progress: 'Upload progress', dl_uploading: 'Uploading…', dl_checking: 'Uploaded; saving…',
    dl_noDocument: 'Choose the document to file.', dl_filedResult: 'Filed "{name}": ', dl_receipt: 'receipt', dl_bytes: '{n} bytes',
    dl_delivery_pending: 'Pending', dl_delivery_delivered: 'Delivered', dl_delivery_failed: 'Failed', dl_delivery_none: 'No webhook',
  },
});

const PAGE_SIZE = 100;

/** A yyyy-MM-dd date (or an instant) as a <time> that keeps the machine-readable value. */
function when(value) {
  return value ? h('time', { datetime: value }, date(value)) : '—';
}

let obligationCount = 0;

export default async function render(main, { query, me, isCurrent }) {
  stylesheet('./deadlines.css');
  const mayFilter = me.role === 'admin' || me.role === 'regulator';
  // A regulator may only read; an institution files its own deliverables, an admin files them for the institution.
  const mayFile = me.role === 'institution' || me.role === 'admin';
  const asked = Number.parseInt(query.get('year') ?? '', 10);
  // The year picker opens where the data is: the year of the latest period with an accepted ledger.
  const latestYear = me.latestPeriod ? Number(me.latestPeriod.slice(0, 4)) : thisYear();
  const state = {
    year: Number.isInteger(asked) && asked >= 2000 && asked <= 2100 ? asked : latestYear,
    institution: mayFilter ? (query.get('institution') ?? '').trim() : '',
  };

  const year = h('input', { type: 'number', min: 2000, max: 2100, step: 1, required: true, value: String(state.year) });
  const institution = mayFilter ? h('input', { type: 'text', value: state.institution, autocomplete: 'off', spellcheck: 'false', maxlength: 32 }) : null;
  const message = h('div', { 'aria-live': 'polite' });
  const filed = h('div', { 'aria-live': 'polite' });
  const soonRegion = h('div', {});
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

  replace(main, h('h1', {}, t('dl_title')), form, message, filed, soonRegion, deadlinesRegion, remindersRegion);

  let obligationNames = null;
  let loads = 0;

  async function load() {
    const run = ++loads;
    const params = new URLSearchParams({ year: String(state.year) });
    if (state.institution) params.set('institution', state.institution);
    keepQuery('deadlines', params);
    const current = () => run === loads && isCurrent();

    obligationNames ??= obligationsByCode();
    const soon = dueSoon(me);
    const deadlines = loading(deadlinesRegion, api(`/deadlines?${params}`), load);
    const reminders = loading(remindersRegion, api(`/reminders?${params}`), load);
    const names = await obligationNames;
    const [d, r, s] = await Promise.all([deadlines, reminders, soon]);
    if (!current()) return;
    replace(soonRegion, s);
    if (d) showDeadlines(d, names);
    if (r) showReminders(r, names);
  }

  /** The obligation's name, its code after it; `id` lets a row's button be described by it. */
  function obligationCell(code, names, id) {
    return h('span', { id }, obligationName(code, names));
  }

  function institutionCell(code) {
    return h('a', { href: `#/institutions/${encodeURIComponent(code)}`, class: 'code' }, code);
  }

  /** A deliverable's deadline has a "File" button, described by its obligation's name; a ledger is filed on #/submit. */
  function fileCell(item, names, id) {
    if (filedBy(item, names) !== 'deliverable') {
      return '';
    }
    const button = h('button', { type: 'button', class: 'secondary', 'aria-describedby': id }, t('dl_file'));
    button.addEventListener('click', () => fileDialog(item, names, button));
    return button;
  }

  /**
   * The dialog that files a deliverable: field "Document", button "Upload", the upload's progress. Once filed, the list
   * is read again (the row shows 已报送) and focus moves to the result.
   */
  function fileDialog(item, names, opener) {
    const documentInput = h('input', { type: 'file', required: true });
    const progress = h('div', { class: 'upload' });
    const problem = h('div', { 'aria-live': 'assertive' });
    const uploadButton = h('button', { type: 'submit' }, t('dl_upload'));
    const name = names.get(item.obligation)?.name ?? item.obligation;
    const year = deliverableYear(item);
    const close = () => { if (dialog.open) dialog.close(); };
    const dialog = h('dialog', { class: 'file-dialog', 'aria-labelledby': 'dl-file-title' },
      h('form', { novalidate: true, onsubmit: event => { event.preventDefault(); send(); } },
        h('h2', { id: 'dl-file-title' }, t('dl_fileTitle', { name })),
        h('p', {}, t('dl_fileFor', { year, date: date(item.dueDate) })),
        field(t('dl_document'), documentInput),
        progress,
        problem,
        h('div', { class: 'actions' }, uploadButton, h('button', { type: 'button', class: 'secondary', onclick: close }, t('dl_cancel')))));
    dialog.addEventListener('close', () => {
      dialog.remove();
      if (opener.isConnected && !filed.contains(document.activeElement)) opener.focus();
    });

    async function send() {
      const chosen = documentInput.files?.[0];
      if (!chosen) {
        replace(problem, problemView(new Problem(0, { title: t('dl_noDocument') })));
        documentInput.focus();
        return;
      }
      const search = new URLSearchParams({ obligation: item.obligation, year: String(year) });
      if (me.role === 'admin') search.set('institution', item.institution);
      const bar = h('progress', { max: 100, value: 0, 'aria-label': t('dl_progress') });
      const note = h('p', { role: 'status' }, t('dl_uploading'));
      replace(problem);
      replace(progress, bar, note);
      uploadButton.disabled = true;
      let answer;
      try {
        answer = await upload(`/deliverables?${search}`, chosen, chosen.type || 'application/octet-stream', (loaded, total) => {
          const value = total > 0 ? Math.min(100, Math.floor((loaded * 100) / total)) : 0;
          bar.value = value;
          if (value >= 100) replace(note, t('dl_checking'));
        });
      } catch (error) {
        answer = { error };
      }
      uploadButton.disabled = false;
      replace(progress);
      if (answer.error || answer.status !== 201) {
        replace(problem, problemView(answer.error ?? new Problem(answer.status, answer.body)));
        return;
      }
      if (!isCurrent()) return;
      const receipt = answer.body;
      const result = h('p', { class: 'filed-result', role: 'status', tabindex: '-1' },
        t('dl_filedResult', { name }), h('span', { 'data-user-text': '' }, chosen.name), ' · ', standingBadge({ ...item, status: 'filed', filedAt: receipt.receivedAt }),
        ' · ', t('dl_receipt'), ' ', h('span', { class: 'code' }, receipt.id), ' · ', t('dl_bytes', { n: number(receipt.bytes, 0) }));
      replace(filed, result);
      close();
      await load();
      if (isCurrent() && result.isConnected) result.focus();
    }

    main.append(dialog);
    dialog.showModal();
    documentInput.focus();
  }

  function showDeadlines(answer, names) {
    const items = answer.items ?? [];
    const count = status => items.filter(i => i.status === status).length;
    const today = chinaDate();
    const ids = new Map(items.map(i => [i, `dl-ob-${++obligationCount}`]));
    const columns = [
      { head: t('dl_obligation'), cell: i => obligationCell(i.obligation, names, ids.get(i)) },
      { head: t('institution'), cell: i => institutionCell(i.institution) },
      { head: t('period'), cell: i => i.period ?? '—' },
      { head: t('dl_dueDate'), cell: i => when(i.dueDate) },
      { head: t('status'), cell: i => standingBadge(i, today) },
      { head: t('dl_filedAt'), cell: i => when(i.filedAt) },
      ...(mayFile ? [{ head: t('dl_action'), cell: i => fileCell(i, names, ids.get(i)) }] : []),
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
      { head: t('dl_delivery'), cell: i => (i.delivery?.status ? t(`dl_delivery_${i.delivery.status}`) : '—') },
      { head: t('dl_attempts'), cell: i => number(i.delivery?.attempts ?? 0, 0), numeric: true },
      { head: t('dl_lastError'), cell: i => i.delivery?.lastError ? h('span', { class: 'error-text code' }, i.delivery.lastError) : '—' },
    ];
    paged(remindersRegion, h('h2', { id: 'dl-reminders' }, t('dl_reminders')), [h('p', { class: 'counts' }, t('dl_reminderCount', { n: number(items.length, 0) }))],
      items, page => table(t('dl_reminders'), columns, page, { class: 'reminders titled' }), t('dl_noReminders'));
  }

  /** A list the API answers whole, shown a page at a time with its count. */
  function paged(region, heading, before, items, build, empty) {
    // A wide table scrolls inside its own focusable region, so that no page scrolls sideways on a phone.
    const body = h('div', { class: 'scroll', tabindex: '0', role: 'region', 'aria-label': heading.textContent });
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

// #/exceptions: the supervisor's work list, with every filter of the API, its orders, pages, exports and actions on
// the rows selected; #/exceptions/{id}: one exception, its events and the workflow actions the server offers on it.

import { h, replace, field, table } from '../dom.js';
import { t, addStrings, localized, date, scopedName, lang } from '../i18n.js';
import { api, download, problemView } from '../api.js';
import { loading, pager, badge, keepQuery, ruleCatalogue, byUnit, declaredFigure, lastMonth, stylesheet } from './common.js';
import { dueSoon as dueSoonBlock } from './due-soon.js';

addStrings({
  zh: {
    exceptionsTitle: '监测事项', region: '地区代码', from: '起始报告期', to: '截止报告期', apply: '查询', reset: '清除', any: '全部',
    exportCsv: '导出 CSV', exportXlsx: '导出 XLSX', pageSize: '每页', id: '编号', updated: '更新时间', created: '创建时间',
    message: '说明', figures: '指标与阈值', baselines: '基期', events: '处理记录', actor: '操作方', submission: '台账',
    explain: '说明', resolve: '办结', waive: '暂缓', reopen: '重新打开', confirm: '确认', cancel: '取消', note: '备注',
    reasonCode: '原因', explanation: '说明内容', waiveUntil: '暂缓至',
    ev_created: '创建', ev_updated: '更新', ev_explained: '已说明', ev_resolved: '已办结', ev_waived: '暂缓', ev_reopened: '重新打开',
    ev_cleared: '已消除', ev_foundAgain: '再次发现', ev_filedLate: '逾期报送', actor_system: '系统',
    rc_DATA_CORRECTION: '数据更正', rc_ONE_OFF_EVENT: '一次性事件', rc_POLICY_TRANSITION: '政策过渡', rc_OTHER: '其他',
    bl_startOfYear: '年初', bl_samePeriodLastYear: '去年同期', bl_lastYearStart: '上年年初', bl_ytdMonths: '年内各月',
    x_ageDays: '持续天数', x_selectPage: '选择本页全部', x_selected: '已选 {n} 项',
    x_resolveSelected: '批量办结', x_waiveSelected: '批量暂缓', x_reopenSelected: '批量重新打开',
    x_bulkResult: '批量处理结果', x_bulkSummary: '已完成 {done} 项，未完成 {refused} 项。', x_bulkDone: '已完成', x_bulkRefused: '未完成',
    x_bulkTitle: '{action}（已选 {n} 项）',
    'prob_/problems/not-found': '不存在或无权查看', 'prob_/problems/forbidden': '无权执行该操作', 'prob_/problems/invalid-transition': '当前状态不允许该操作',
    x_backToList: '返回列表', x_untilPast: '暂缓日期不得早于今天（{today}）。', x_noteRequired: '请填写备注。', x_textRequired: '请填写说明内容。',
    x_nothing: '没有符合条件的监测事项。', x_showLatest: '查看最近有数据的报告期（{period}）',
  },
  en: {
    exceptionsTitle: 'Exceptions', region: 'Region', from: 'From period', to: 'To period', apply: 'Apply', reset: 'Clear', any: 'Any',
    exportCsv: 'Export CSV', exportXlsx: 'Export XLSX', pageSize: 'Page size', id: 'Id', updated: 'Updated', created: 'Created',
    message: 'Message', figures: 'Figures and thresholds', baselines: 'Baselines', events: 'Events', actor: 'By', submission: 'Ledger',
    explain: 'Explain', resolve: 'Resolve', waive: 'Waive', reopen: 'Reopen', confirm: 'Confirm', cancel: 'Cancel', note: 'Note',
    reasonCode: 'Reason code', explanation: 'Explanation', waiveUntil: 'Waive until',
    ev_created: 'Created', ev_updated: 'Updated', ev_explained: 'Explained', ev_resolved: 'Resolved', ev_waived: 'Waived', ev_reopened: 'Reopened',
    ev_cleared: 'Cleared', ev_foundAgain: 'Found again', ev_filedLate: 'Filed late', actor_system: 'System',
    rc_DATA_CORRECTION: 'Data correction', rc_ONE_OFF_EVENT: 'One-off event', rc_POLICY_TRANSITION: 'Policy transition', rc_OTHER: 'Other',
    bl_startOfYear: 'Start of the year', bl_samePeriodLastYear: 'Same period last year', bl_lastYearStart: 'Start of last year', bl_ytdMonths: 'Months of the year',
    x_ageDays: 'Age (days)', x_selectPage: 'Select the whole page', x_selected: '{n} selected',
    x_resolveSelected: 'Resolve selected', x_waiveSelected: 'Waive selected', x_reopenSelected: 'Reopen selected',
    x_bulkResult: 'Bulk result', x_bulkSummary: '{done} done, {refused} refused.', x_bulkDone: 'Done', x_bulkRefused: 'Refused',
    x_bulkTitle: '{action} ({n} selected)',
    'prob_/problems/not-found': 'Not found', 'prob_/problems/forbidden': 'Forbidden', 'prob_/problems/invalid-transition': 'Invalid transition',
    x_backToList: 'Back to the list', x_untilPast: 'The waiver date may not be before today ({today}).', x_noteRequired: 'Enter a note.',
    x_textRequired: 'Enter the explanation.',
    x_nothing: 'No exceptions match these filters.', x_showLatest: 'Show the latest period with data ({period})',
  },
});

const FILTERS = ['ruleSet', 'rule', 'severity', 'period', 'from', 'to', 'institution', 'region'];
const STATUSES = ['open', 'explained', 'resolved', 'waived', 'cleared'];
const REASONS = ['DATA_CORRECTION', 'ONE_OFF_EVENT', 'POLICY_TRANSITION', 'OTHER'];
const BASELINES = ['startOfYear', 'samePeriodLastYear', 'lastYearStart', 'ytdMonths'];

/** The actions that may be taken on selected rows (POST /exceptions/bulk), with their buttons' labels. */
const BULK = { resolve: 'x_resolveSelected', waive: 'x_waiveSelected', reopen: 'x_reopenSelected' };

/** Where the list's last query is kept, for the detail's link back to it. */
const LIST_QUERY = 'compliance.exceptions.query';

// Whole days in China Standard Time: the day number of an instant (ms since the epoch) there.
const DAY = 86_400_000;
const cstDay = ms => Math.floor((ms + 8 * 3_600_000) / DAY);

/** Today in China Standard Time, yyyy-MM-dd, by the browser's clock. */
function todayInChina() {
  return new Date(cstDay(Date.now()) * DAY).toISOString().slice(0, 10);
}

/** Whole China Standard Time days since an instant, by the browser's clock. */
function ageDays(instant) {
  return cstDay(Date.now()) - cstDay(Date.parse(instant));
}

export default async function render(main, context) {
  stylesheet('./exceptions.css');
  if (context.parts[1]) {
    await detail(main, context.parts[1], context.me, context.isCurrent);
  } else {
    await list(main, context);
  }
}

/**
 * The orders of the list by column (api.md, `sort`): a column's first order on the first click, its other (where
 * it has one) on the next; each with the aria-sort it shows.
 */
const COLUMN_SORTS = {
  institution: [['institution', 'ascending']],
  period: [['-period', 'descending'], ['period', 'ascending']],
  severity: [['-severity', 'descending']],
  age: [['-createdAt', 'ascending'], ['createdAt', 'descending']],
};

async function list(main, { query, me, isCurrent }) {
  const [ruleList, sets] = await Promise.all([ruleCatalogue().catch(() => new Map()), api('/rule-sets').then(a => a.items ?? a).catch(() => [])]);
  if (!isCurrent()) return;
  const setNames = new Map(sets.map(s => [s.id, s.name]));
  // A regulator opens on its work: the open and explained exceptions of its latest period (console.md, "A work list").
  if ([...query.keys()].length === 0 && me.role === 'regulator') {
    query = new URLSearchParams([['period', me.latestPeriod ?? lastMonth()], ['status', 'open'], ['status', 'explained']]);
  }
  const controls = {
    ruleSet: h('select', {}, h('option', { value: '' }, t('any')), sets.map(s => h('option', { value: s.id }, s.name ? localized(s.name) : s.id))),
    rule: h('select', {}, h('option', { value: '' }, t('any')), [...ruleList.values()].map(r => h('option', { value: r.id }, bothNames(r)))),
    severity: h('select', {}, h('option', { value: '' }, t('any')), ['breach', 'warning'].map(s => h('option', { value: s }, t(`sev_${s}`)))),
    period: h('input', { type: 'month' }),
    from: h('input', { type: 'month' }),
    to: h('input', { type: 'month' }),
    institution: h('input', { type: 'text', size: 12, value: me.role === 'institution' ? me.institution : '', disabled: me.role === 'institution' }),
    region: h('input', { type: 'text', size: 8, inputmode: 'numeric' }),
  };
  const labels = { ruleSet: t('ruleSet'), rule: t('rule'), severity: t('severity'), period: t('period'), from: t('from'), to: t('to'), institution: t('institution'), region: t('region') };
  const statuses = Object.fromEntries(STATUSES.map(s => [s, h('input', { type: 'checkbox', value: s, checked: query.getAll('status').includes(s) })]));
  const pageSize = h('select', {}, [50, 100, 200, 500].map(n => h('option', { value: n }, String(n))));
  for (const name of FILTERS) controls[name].value = query.get(name) ?? controls[name].value;
  pageSize.value = query.get('pageSize') ?? '50';
  let page = Number(query.get('page') ?? 1) || 1;
  let sort = query.get('sort') ?? '-period';

  const selected = new Set();
  const count = h('span', { class: 'x-selected', 'aria-live': 'polite' });
  const bulkButtons = Object.fromEntries(Object.entries(BULK).map(([action, label]) =>
    [action, h('button', { type: 'button', class: 'secondary', disabled: true, hidden: true, onclick: () => bulk(action) }, t(label))]));
  const selectionChanged = () => {
    for (const button of Object.values(bulkButtons)) button.disabled = selected.size === 0;
    replace(count, selected.size ? t('x_selected', { n: selected.size }) : '');
  };
  const result = h('section', { class: 'x-bulk-result', 'aria-labelledby': 'x-bulk-result', hidden: true });
  const results = h('div', { 'aria-live': 'polite' });
  let shown = new Map();

  const filter = () => {
    const params = new URLSearchParams();
    for (const name of FILTERS) if (controls[name].value && !(name === 'institution' && me.role === 'institution')) params.set(name, controls[name].value.trim());
    for (const status of STATUSES) if (statuses[status].checked) params.append('status', status);
    if (sort !== '-period') params.set('sort', sort);
    return params;
  };
  let loads = 0;
  const load = async () => {
    const mine = ++loads;
    const params = filter();
    params.set('page', page);
    params.set('pageSize', pageSize.value);
    keepQuery('exceptions', params);
    sessionStorage.setItem(LIST_QUERY, params.toString());
    const answer = await loading(results, api(`/exceptions?${params}`), load);
    // Only the latest request's answer is shown: an earlier one may arrive after it.
    if (!answer || mine !== loads) return;
    selected.clear();
    shown = new Map(answer.items.map(e => [e.id, e]));
    // A bulk action is offered where the server offers it on a row of the page (an exception's `actions`).
    const offered = new Set(answer.items.flatMap(e => e.actions ?? []));
    for (const [action, button] of Object.entries(bulkButtons)) button.hidden = !offered.has(action);
    selectionChanged();
    if (answer.total === 0) {
      const latest = me.latestPeriod && controls.period.value !== me.latestPeriod ? me.latestPeriod : null;
      replace(results, h('p', { class: 'x-nothing' }, t('x_nothing')),
        latest ? h('button', { type: 'button', class: 'secondary', onclick: () => { controls.period.value = latest; controls.from.value = ''; controls.to.value = ''; page = 1; load(); } },
          t('x_showLatest', { period: latest })) : null);
      return;
    }
    // One listener for every row's checkbox (a page may hold 500 rows).
    const all = h('input', { type: 'checkbox', 'aria-label': t('x_selectPage') });
    const check = e => h('input', { type: 'checkbox', value: e.id, 'aria-label': e.id, class: 'x-row' });
    const onSelect = event => {
      const box = event.target;
      if (box === all) {
        for (const row of grid.querySelectorAll('tbody input.x-row')) {
          row.checked = all.checked;
          if (all.checked) selected.add(row.value); else selected.delete(row.value);
        }
      } else if (box.classList?.contains('x-row')) {
        if (box.checked) selected.add(box.value); else selected.delete(box.value);
      }
      selectionChanged();
    };
    const sortable = (column, label) => {
      const orders = COLUMN_SORTS[column];
      const current = orders.findIndex(([name]) => name === sort);
      const next = orders[(current + 1) % orders.length][0];
      return h('button', { type: 'button', class: 'x-sort', 'data-sort': column, onclick: () => { sort = next; page = 1; load(); } }, label);
    };
    const grid = table(t('exceptionsTitle'), [
      { head: all, cell: check },
      { head: t('id'), cell: e => h('a', { href: `#/exceptions/${e.id}` }, e.id) },
      { head: sortable('institution', t('institution')), cell: e => institutionOf(e) },
      { head: sortable('period', t('period')), cell: e => e.period },
      { head: t('rule'), cell: e => ruleOf(e) },
      { head: t('ruleSet'), cell: e => ruleSetOf(setNames, e) },
      { head: sortable('severity', t('severity')), cell: e => severityOf(e) },
      { head: t('status'), cell: e => statusOf(e) },
      { head: sortable('age', t('x_ageDays')), cell: e => String(ageDays(e.createdAt)), numeric: true },
    ], answer.items, { class: 'exceptions', onchange: onSelect });
    for (const button of grid.querySelectorAll('thead button.x-sort')) {
      const order = COLUMN_SORTS[button.dataset.sort].find(([name]) => name === sort);
      button.closest('th').setAttribute('aria-sort', order ? order[1] : 'none');
    }
    replace(results,
      pager(answer, p => { page = p; load(); }),
      h('div', { class: 'scroll', tabindex: 0, role: 'region', 'aria-label': t('exceptionsTitle') }, grid),
      answer.total > answer.pageSize ? pager(answer, p => { page = p; load(); }) : null);
  };
  const exportAs = format => async () => {
    const params = filter();
    params.set('format', format);
    try {
      await download(`/exceptions/export?${params}`, `exceptions.${format}`);
    } catch (error) {
      replace(results, problemView(error));
    }
  };

  /** Opens the dialog of a bulk action on the selected rows; on Confirm, posts it and shows what was done and refused. */
  const bulk = action => {
    const ids = [...selected];
    const controls = { note: h('textarea', { maxlength: 4000 }), ...(action === 'waive' ? { until: h('input', { type: 'date', min: todayInChina() }) } : {}) };
    actionDialog(main, {
      title: t('x_bulkTitle', { action: t(action), n: ids.length }),
      controls,
      labels: { note: t('note'), until: t('waiveUntil') },
      send: async body => {
        const answer = await api('/exceptions/bulk', { method: 'POST', body: { ids, action, ...body } });
        const rows = new Map(shown);
        await load();
        return () => showBulkResult(result, answer.items ?? [], rows);
      },
    });
  };

  // An institution's landing: what is due in the next 14 days and what is overdue (views/due-soon.js), loaded beside the list.
  const dueSoon = me.role === 'institution' ? h('section', { class: 'x-due', 'aria-busy': 'true' }) : null;
  if (dueSoon) {
    dueSoonBlock(me).then(block => {
      if (block && dueSoon.isConnected) dueSoon.replaceWith(block);
      else if (!block) dueSoon.remove();
    }, () => dueSoon.remove());
  }
  replace(main,
    h('h1', { tabindex: -1 }, t('exceptionsTitle')),
    // An institution's landing: what is due soon and overdue is shown here, before its list.
    dueSoon,
    h('form', {
      class: 'filters',
      onsubmit: event => { event.preventDefault(); page = 1; load(); },
    }, FILTERS.map(name => field(labels[name], controls[name])),
    h('fieldset', { class: 'x-statuses' }, h('legend', {}, t('status')),
      STATUSES.map(s => h('label', {}, statuses[s], ' ', t(`st_${s}`)))),
    field(t('pageSize'), pageSize),
    h('div', { class: 'actions' },
      h('button', { type: 'submit' }, t('apply')),
      h('button', { type: 'button', class: 'secondary', onclick: exportAs('csv') }, t('exportCsv')),
      h('button', { type: 'button', class: 'secondary', onclick: exportAs('xlsx') }, t('exportXlsx')))),
    h('div', { class: 'actions x-bulk' }, Object.values(bulkButtons), count),
    result,
    results);
  main.querySelector('h1').focus();
  await load();
}

/** The answer of a bulk action: how many were done and refused, each refusal with its reason, focused. */
function showBulkResult(region, items, rows) {
  const done = items.filter(i => i.outcome === 'done');
  const refused = items.filter(i => i.outcome !== 'done');
  const which = item => {
    const row = rows.get(item.id);
    return [h('a', { href: `#/exceptions/${encodeURIComponent(item.id)}` }, item.id),
      row ? [' ', h('span', { 'data-user-text': '' }, row.institutionName ?? row.institution), ' · ', localized(row.ruleName) || h('span', { class: 'code' }, row.rule)] : null];
  };
  region.hidden = false;
  replace(region,
    h('h2', { id: 'x-bulk-result', tabindex: -1 }, t('x_bulkResult')),
    h('p', {}, t('x_bulkSummary', { done: done.length, refused: refused.length })),
    done.length ? [h('h3', {}, t('x_bulkDone')), h('ul', { class: 'x-done' }, done.map(i => h('li', {}, which(i), ' · ', badge('status', i.status))))] : null,
    refused.length ? [h('h3', {}, t('x_bulkRefused')), h('ul', { class: 'x-refused' }, refused.map(i => h('li', {}, which(i), ' · ', h('strong', {}, problemTitle(i.problem)))))] : null);
  region.querySelector('h2').focus();
}

/** A refusal's reason: the title of the problem its own action would have answered, in the page's language. */
function problemTitle(type) {
  const key = `prob_${type}`;
  const title = t(key);
  return title === key ? h('span', { class: 'code' }, type ?? '—') : title;
}

/** A rule of the catalogue by its names: the CBIRC's, and the PBoC's after it where the words differ (rules.md, "Names"). */
function bothNames(rule) {
  const [cbirc, pboc] = [scopedName(rule, 'cbirc'), scopedName(rule, 'pboc')];
  return cbirc === pboc ? cbirc : `${cbirc} / ${pboc}`;
}

/** An exception's institution by its name (as its admin typed it), the code beside it, linking to its page. */
function institutionOf(exception) {
  return h('a', { href: `#/institutions/${encodeURIComponent(exception.institution)}` },
    exception.institutionName ? [h('span', { 'data-user-text': '' }, exception.institutionName), ' '] : null,
    h('small', { class: 'code' }, exception.institution));
}

/** An exception's rule by its name in its set's scope (`ruleName`), the code after it in smaller type. */
function ruleOf(exception) {
  const name = localized(exception.ruleName);
  return [name || null, name ? ' ' : null, h('small', { class: 'code' }, exception.rule)];
}

/** An exception's rule set by its name, its id beside it. */
function ruleSetOf(names, exception) {
  if (!exception.ruleSet) return '—';
  const name = names.get(exception.ruleSet.id);
  return [name ? `${localized(name)} ` : null, h('small', { class: 'code' }, exception.ruleSet.id)];
}

/** An exception's severity in the supervisor's words: 预警 / 未达标, and 逾期 for a missed deadline. */
function severityOf(exception) {
  return exception.rule === 'DEADLINE_MISSED' && exception.severity === 'breach'
    ? h('span', { class: 'badge severity-breach' }, t('sev_overdue'))
    : badge('severity', exception.severity);
}

/** An exception's status in the supervisor's words, a waiver with its date: 暂缓（至某日）. */
function statusOf(exception) {
  return exception.status === 'waived' && exception.waivedUntil
    ? h('span', { class: 'badge status-waived' }, t('st_waivedUntil', { date: date(exception.waivedUntil) }))
    : badge('status', exception.status);
}

/** The label of each action the server offers (an exception's `actions`, api.md); each posts to its own name. */
const ACTION_LABELS = { explanation: 'explain', resolve: 'resolve', waive: 'waive', reopen: 'reopen' };

async function detail(main, id, me, isCurrent = () => true) {
  const [exception, ruleList] = await Promise.all([api(`/exceptions/${encodeURIComponent(id)}`), ruleCatalogue().catch(() => new Map())]);
  if (!isCurrent()) return;
  const figures = Object.entries(exception.figures ?? {});
  const baselines = Object.entries(exception.baselines ?? {});
  const actions = (exception.actions ?? []).filter(name => name in ACTION_LABELS);
  const status = h('div', { 'aria-live': 'polite' });
  const back = sessionStorage.getItem(LIST_QUERY);

  replace(main,
    h('p', { class: 'x-back' }, h('a', { href: `#/exceptions${back ? `?${back}` : ''}` }, t('x_backToList'))),
    h('h1', { tabindex: -1 }, ruleOf(exception)),
    h('p', {},
      institutionOf(exception), ' · ', exception.period, ' · ',
      severityOf(exception), ' ', statusOf(exception)),
    h('section', { 'aria-labelledby': 'x-message' }, h('h2', { id: 'x-message' }, t('message')), h('p', { class: 'message' }, localized(exception.message))),
    h('div', { class: 'actions' }, actions.map(name =>
      h('button', { type: 'button', onclick: () => act(main, exception, name, me, status) }, t(ACTION_LABELS[name])))),
    status,
    h('section', { 'aria-labelledby': 'x-figures' }, h('h2', { id: 'x-figures' }, t('figures')),
      figures.length ? h('dl', { class: 'figures' }, figures.flatMap(([key, value]) => [
        h('dt', {}, figureLabel(ruleList, exception.rule, key)),
        h('dd', {}, figureValue(value, exception.units?.[key])),
      ])) : h('p', {}, t('none'))),
    h('section', { 'aria-labelledby': 'x-baselines' }, h('h2', { id: 'x-baselines' }, t('baselines')),
      baselines.length ? h('dl', { class: 'figures' }, baselines.flatMap(([kind, value]) => [h('dt', {}, baselineName(kind)), h('dd', {}, baselineLinks(value))])) : h('p', {}, t('none')),
      exception.submissionId ? h('p', {}, `${t('submission')}: `, h('a', { href: `#/submissions/${exception.submissionId}` }, exception.submissionId)) : null),
    h('section', { 'aria-labelledby': 'x-events' }, h('h2', { id: 'x-events' }, t('events')),
      h('ol', { class: 'events', 'aria-label': t('events') }, (exception.events ?? []).map(event => h('li', {},
        h('strong', {}, t(`ev_${event.kind}`)), ' · ', date(event.at), ' · ', actorOf(event.actor),
        event.fromStatus || event.toStatus ? ` · ${event.fromStatus ? t(`st_${event.fromStatus}`) : '—'} → ${event.toStatus ? t(`st_${event.toStatus}`) : '—'}` : '',
        event.note ? noteOf(event) : null)))));
  main.querySelector('h1').focus();
}

/** Who acted: the system, or the role and the name of the key (as its admin typed it) where the API gives it. */
function actorOf(actor) {
  if (!actor || actor.role === 'system') return t('actor_system');
  return [t(`role_${actor.role}`), actor.name ? [' ', h('span', { 'data-user-text': '' }, actor.name)] : null];
}

/** An event's note: a person's as typed, an explanation's reason code by its name first ("[ONE_OFF_EVENT] text"). */
function noteOf(event) {
  const person = event.actor?.role !== 'system';
  const reason = /^\[(DATA_CORRECTION|ONE_OFF_EVENT|POLICY_TRANSITION|OTHER)\] ?([\s\S]*)$/.exec(event.note);
  if (reason) {
    return h('p', { class: 'note' }, h('span', { class: 'x-reason' }, t(`rc_${reason[1]}`)), lang === 'zh' ? '：' : ': ', h('span', { 'data-user-text': '' }, reason[2]));
  }
  return h('p', { class: 'note', 'data-user-text': person ? '' : null }, event.note);
}

/** A figure by the name its rule declares (GET /rules), its key after it in smaller type; the key alone where none is declared. */
function figureLabel(rules, ruleId, key) {
  const declared = declaredFigure(rules, ruleId, key);
  return declared ? [localized(declared.name), ' ', h('small', { class: 'code' }, key)] : h('span', { class: 'code' }, key);
}

/** A figure's value in its unit (byUnit); text and lists are data as the server holds them, shown as codes. */
function figureValue(value, unit) {
  const shown = byUnit(value, unit);
  return unit === 'text' || unit === 'list' || (typeof value === 'string' && !unit) ? h('span', { class: 'code' }, shown) : shown;
}

/** A baseline by its kind's name (年初, 去年同期, 上年年初, 年内各月), the kind beside it. */
function baselineName(kind) {
  return BASELINES.includes(kind) ? [t(`bl_${kind}`), ' ', h('small', { class: 'code' }, kind)] : h('span', { class: 'code' }, kind);
}

function baselineLinks(value) {
  const list = Array.isArray(value) ? value : [value];
  return list.flatMap((b, i) => [i ? ', ' : null, b && b.submissionId
    ? h('a', { href: `#/submissions/${b.submissionId}` }, b.period ?? b.submissionId)
    : String(b?.period ?? b ?? '—')]);
}

/** Opens the action's dialog with the fields it needs; on Confirm, posts it and shows the refreshed exception. */
function act(main, exception, name, me, status) {
  const controls = name === 'explanation'
    ? {
      reasonCode: h('select', {}, h('option', { value: '' }, '—'), REASONS.map(c => h('option', { value: c }, t(`rc_${c}`)))),
      text: h('textarea', { maxlength: 4000 }),
    }
    : { note: h('textarea', { maxlength: 4000 }), ...(name === 'waive' ? { until: h('input', { type: 'date', min: todayInChina() }) } : {}) };
  actionDialog(main, {
    title: `${t(ACTION_LABELS[name])} · ${localized(exception.ruleName) || exception.rule}`,
    controls,
    labels: { reasonCode: t('reasonCode'), text: t('explanation'), note: t('note'), until: t('waiveUntil') },
    send: async body => {
      await api(`/exceptions/${exception.id}/${name}`, { method: 'POST', body });
      await detail(main, exception.id, me);
      return () => main.querySelector('h1')?.focus();
    },
  });
  replace(status);
}

/**
 * A modal dialog of an action: its fields, checked before anything is sent (a note or an explanation is required, a
 * waiver may not end before today in China Standard Time), then Confirm runs send(body) and, once the dialog is
 * closed, what it answers (which moves the focus to the result); a problem stays in the dialog.
 */
function actionDialog(main, { title, controls, labels, send }) {
  const problem = h('div', { 'aria-live': 'assertive' });
  const confirm = h('button', { type: 'submit' }, t('confirm'));
  const close = () => { dialog.close(); dialog.remove(); };
  const refuse = (control, message) => {
    replace(problem, h('p', { class: 'problem', role: 'alert' }, message));
    control.setAttribute('aria-invalid', 'true');
    control.focus();
  };
  const dialog = h('dialog', { 'aria-labelledby': 'action-title' },
    h('form', {
      method: 'dialog',
      novalidate: true,
      onsubmit: async event => {
        event.preventDefault();
        const body = {};
        for (const [key, control] of Object.entries(controls)) if (control.value.trim()) body[key] = control.value.trim();
        for (const control of Object.values(controls)) control.removeAttribute('aria-invalid');
        if ('note' in controls && !body.note) return refuse(controls.note, t('x_noteRequired'));
        if ('text' in controls && !body.text) return refuse(controls.text, t('x_textRequired'));
        const today = todayInChina();
        if (body.until && body.until < today) return refuse(controls.until, t('x_untilPast', { today: date(today) }));
        confirm.disabled = true;
        replace(problem, h('p', { role: 'status' }, t('loading')));
        try {
          const then = await send(body);
          close();
          then?.();
        } catch (error) {
          confirm.disabled = false;
          replace(problem, problemView(error));
        }
      },
    },
    h('h2', { id: 'action-title' }, title),
    Object.entries(controls).map(([key, control]) => field(labels[key], control)),
    problem,
    h('div', { class: 'actions' }, confirm, h('button', { type: 'button', class: 'secondary', onclick: close }, t('cancel')))));
  dialog.addEventListener('close', () => dialog.remove());
  main.append(dialog);
  dialog.showModal();
  Object.values(controls)[0].focus();
}

// #/exceptions: the list with every filter of the API, pages and exports; #/exceptions/{id}: one exception, its
// events and the workflow actions the caller's role may take.

import { h, replace, field, table } from '../dom.js';
import { t, addStrings, localized, date, scopedName } from '../i18n.js';
import { api, download, problemView } from '../api.js';
import { loading, pager, badge, keepQuery, ruleCatalogue, byUnit, declaredFigure } from './common.js';

addStrings({
  zh: {
    exceptionsTitle: '监测事项', region: '地区代码', from: '起始报告期', to: '截止报告期', apply: '查询', reset: '清除', any: '全部',
    exportCsv: '导出 CSV', exportXlsx: '导出 XLSX', pageSize: '每页', id: '编号', updated: '更新时间', created: '创建时间',
    message: '说明', figures: '指标与阈值', baselines: '基期', events: '处理记录', actor: '操作方', submission: '台账',
    explain: '说明', resolve: '办结', waive: '暂缓', reopen: '重新打开', confirm: '确认', cancel: '取消', note: '备注',
    reasonCode: '原因代码', explanation: '说明内容', waiveUntil: '暂缓至',
    ev_created: '创建', ev_updated: '更新', ev_explained: '已说明', ev_resolved: '已办结', ev_waived: '暂缓', ev_reopened: '重新打开',
    ev_cleared: '已消除', ev_foundAgain: '再次发现', ev_filedLate: '逾期报送', actor_system: '系统',
    rc_DATA_CORRECTION: '数据更正', rc_ONE_OFF_EVENT: '一次性事件', rc_POLICY_TRANSITION: '政策过渡', rc_OTHER: '其他',
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
  },
});

const FILTERS = ['ruleSet', 'rule', 'severity', 'status', 'from', 'to', 'institution', 'region'];
const STATUSES = ['open', 'explained', 'resolved', 'waived', 'cleared'];

export default async function render(main, context) {
  if (context.parts[1]) {
    await detail(main, context.parts[1], context.me, context.isCurrent);
  } else {
    await list(main, context);
  }
}

async function list(main, { query, me, isCurrent }) {
  const [ruleList, sets] = await Promise.all([ruleCatalogue().catch(() => new Map()), api('/rule-sets').then(a => a.items ?? a).catch(() => [])]);
  if (!isCurrent()) return;
  const controls = {
    ruleSet: h('select', {}, h('option', { value: '' }, t('any')), sets.map(s => h('option', { value: s.id }, s.name ? `${localized(s.name)} (${s.id})` : s.id))),
    rule: h('select', {}, h('option', { value: '' }, t('any')), [...ruleList.values()].map(r => h('option', { value: r.id }, bothNames(r)))),
    severity: h('select', {}, h('option', { value: '' }, t('any')), ['breach', 'warning'].map(s => h('option', { value: s }, t(`sev_${s}`)))),
    status: h('select', {}, h('option', { value: '' }, t('any')), STATUSES.map(s => h('option', { value: s }, t(`st_${s}`)))),
    from: h('input', { type: 'month' }),
    to: h('input', { type: 'month' }),
    institution: h('input', { type: 'text', size: 12, value: me.role === 'institution' ? me.institution : '', disabled: me.role === 'institution' }),
    region: h('input', { type: 'text', size: 8, inputmode: 'numeric' }),
  };
  const labels = { ruleSet: t('ruleSet'), rule: t('rule'), severity: t('severity'), status: t('status'), from: t('from'), to: t('to'), institution: t('institution'), region: t('region') };
  const pageSize = h('select', {}, [50, 100, 200, 500].map(n => h('option', { value: n }, String(n))));
  for (const name of FILTERS) controls[name].value = query.get(name) ?? controls[name].value;
  pageSize.value = query.get('pageSize') ?? '50';
  let page = Number(query.get('page') ?? 1) || 1;

  const results = h('div', { 'aria-live': 'polite' });
  const filter = () => {
    const params = new URLSearchParams();
    for (const name of FILTERS) if (controls[name].value && !(name === 'institution' && me.role === 'institution')) params.set(name, controls[name].value.trim());
    return params;
  };
  let loads = 0;
  const load = async () => {
    const mine = ++loads;
    const params = filter();
    params.set('page', page);
    params.set('pageSize', pageSize.value);
    keepQuery('exceptions', params);
    const answer = await loading(results, api(`/exceptions?${params}`), load);
    // Only the latest request's answer is shown: an earlier one may arrive after it.
    if (!answer || mine !== loads) return;
    replace(results,
      pager(answer, p => { page = p; load(); }),
      table(t('exceptionsTitle'), [
        { head: t('id'), cell: e => h('a', { href: `#/exceptions/${e.id}` }, e.id) },
        { head: t('institution'), cell: e => h('a', { href: `#/institutions/${encodeURIComponent(e.institution)}` }, e.institution) },
        { head: t('period'), cell: e => e.period },
        { head: t('rule'), cell: e => ruleOf(e) },
        { head: t('ruleSet'), cell: e => e.ruleSet?.id ?? '—' },
        { head: t('severity'), cell: e => severityOf(e) },
        { head: t('status'), cell: e => statusOf(e) },
        { head: t('updated'), cell: e => date(e.updatedAt) },
      ], answer.items, { class: 'exceptions' }),
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

  replace(main,
    h('h1', {}, t('exceptionsTitle')),
    h('form', {
      class: 'filters',
      onsubmit: event => { event.preventDefault(); page = 1; load(); },
    }, FILTERS.map(name => field(labels[name], controls[name])), field(t('pageSize'), pageSize),
    h('div', { class: 'actions' },
      h('button', { type: 'submit' }, t('apply')),
      h('button', { type: 'button', class: 'secondary', onclick: exportAs('csv') }, t('exportCsv')),
      h('button', { type: 'button', class: 'secondary', onclick: exportAs('xlsx') }, t('exportXlsx')))),
    results);
  await load();
}

/** A rule of the catalogue by its names: the CBIRC's, and the PBoC's after it where the words differ (rules.md, "Names"). */
function bothNames(rule) {
  const [cbirc, pboc] = [scopedName(rule, 'cbirc'), scopedName(rule, 'pboc')];
  return cbirc === pboc ? cbirc : `${cbirc} / ${pboc}`;
}

/** An exception's rule by its name in its set's scope (`ruleName`), the code after it in smaller type. */
function ruleOf(exception) {
  return [localized(exception.ruleName) || exception.rule, ' ', h('small', { class: 'code' }, exception.rule)];
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

  replace(main,
    h('h1', {}, ruleOf(exception)),
    h('p', {},
      h('a', { href: `#/institutions/${encodeURIComponent(exception.institution)}` }, exception.institution), ' · ', exception.period, ' · ',
      severityOf(exception), ' ', statusOf(exception)),
    h('section', { 'aria-labelledby': 'x-message' }, h('h2', { id: 'x-message' }, t('message')), h('p', { class: 'message' }, localized(exception.message))),
    h('div', { class: 'actions' }, actions.map(name =>
      h('button', { type: 'button', onclick: () => act(main, exception, name, me, status) }, t(ACTION_LABELS[name])))),
    status,
    h('section', { 'aria-labelledby': 'x-figures' }, h('h2', { id: 'x-figures' }, t('figures')),
      figures.length ? h('dl', { class: 'figures' }, figures.flatMap(([key, value]) => [
        h('dt', {}, figureLabel(ruleList, exception.rule, key)),
        h('dd', {}, byUnit(value, exception.units?.[key])),
      ])) : h('p', {}, t('none'))),
    h('section', { 'aria-labelledby': 'x-baselines' }, h('h2', { id: 'x-baselines' }, t('baselines')),
      baselines.length ? h('dl', { class: 'figures' }, baselines.flatMap(([name, value]) => [h('dt', {}, name), h('dd', {}, baselineLinks(value))])) : h('p', {}, t('none')),
      exception.submissionId ? h('p', {}, `${t('submission')}: `, h('a', { href: `#/submissions/${exception.submissionId}` }, exception.submissionId)) : null),
    h('section', { 'aria-labelledby': 'x-events' }, h('h2', { id: 'x-events' }, t('events')),
      h('ol', { class: 'events', 'aria-label': 'Events' }, (exception.events ?? []).map(event => h('li', {},
        h('strong', {}, t(`ev_${event.kind}`)), ' · ', date(event.at), ' · ',
        event.actor?.role === 'system' ? t('actor_system') : `${t(`role_${event.actor?.role}`)}${event.actor?.keyId ? ` #${event.actor.keyId}` : ''}`,
        event.fromStatus || event.toStatus ? ` · ${event.fromStatus ? t(`st_${event.fromStatus}`) : '—'} → ${event.toStatus ? t(`st_${event.toStatus}`) : '—'}` : '',
        event.note ? h('p', { class: 'note' }, event.note) : null)))));
}

/** A figure by the name its rule declares (GET /rules), its key after it in smaller type; the key alone where none is declared. */
function figureLabel(rules, ruleId, key) {
  const declared = declaredFigure(rules, ruleId, key);
  return declared ? [localized(declared.name), ' ', h('small', { class: 'code' }, key)] : h('span', { class: 'code' }, key);
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
      reasonCode: h('select', {}, h('option', { value: '' }, '—'), ['DATA_CORRECTION', 'ONE_OFF_EVENT', 'POLICY_TRANSITION', 'OTHER'].map(c => h('option', { value: c }, t(`rc_${c}`)))),
      text: h('textarea', { required: true, maxlength: 4000 }),
    }
    : { note: h('textarea', { required: name !== 'waive', maxlength: 4000 }), ...(name === 'waive' ? { until: h('input', { type: 'date' }) } : {}) };
  const labels = { reasonCode: t('reasonCode'), text: t('explanation'), note: t('note'), until: t('waiveUntil') };
  const problem = h('div', { 'aria-live': 'assertive' });
  const confirm = h('button', { type: 'submit' }, t('confirm'));
  const dialog = h('dialog', { 'aria-labelledby': 'action-title' },
    h('form', {
      method: 'dialog',
      onsubmit: async event => {
        event.preventDefault();
        const body = {};
        for (const [key, control] of Object.entries(controls)) if (control.value.trim()) body[key] = control.value.trim();
        confirm.disabled = true;
        replace(problem, h('p', { role: 'status' }, t('loading')));
        try {
          await api(`/exceptions/${exception.id}/${name}`, { method: 'POST', body });
          dialog.close();
          dialog.remove();
          await detail(main, exception.id, me);
          main.querySelector('h1')?.focus?.();
        } catch (error) {
          confirm.disabled = false;
          replace(problem, problemView(error));
        }
      },
    },
    h('h2', { id: 'action-title' }, `${t(ACTION_LABELS[name])} · ${localized(exception.ruleName) || exception.rule}`),
    Object.entries(controls).map(([key, control]) => field(labels[key], control)),
    problem,
    h('div', { class: 'actions' }, confirm, h('button', { type: 'button', class: 'secondary', onclick: () => { dialog.close(); dialog.remove(); } }, t('cancel')))));
  dialog.addEventListener('close', () => dialog.remove());
  main.append(dialog);
  dialog.showModal();
  Object.values(controls)[0].focus();
  replace(status);
}


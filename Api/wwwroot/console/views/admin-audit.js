// #/admin/audit: the audit log (api.md, GET /audit), newest first, filtered by time (from, to: dates in China Standard
// Time, both inclusive) and by key, a page at a time; the filter is kept in the address.

import { h, replace, table, field } from '../dom.js';
import { t, addStrings, date, number } from '../i18n.js';
import { api } from '../api.js';
import { loading, pager, keepQuery, stylesheet } from './common.js';
import { scrolling } from './admin-common.js';

addStrings({
  zh: {
    au_title: '审计日志', au_caption: '审计日志', au_from: '起始日期', au_to: '截止日期', au_key: '密钥', au_anyKey: '全部密钥', au_apply: '查询', au_reset: '清除',
    au_at: '时间', au_lastAt: '最近一次', au_role: '角色', au_request: '请求', au_status: '结果', au_target: '对象', au_institution: '机构', au_count: '次数',
    au_noKey: '无有效密钥', au_unknownKey: '已删除的密钥', au_pageSize: '每页', au_none: '该条件下没有记录。',
    au_ok: '成功', au_refused: '被拒绝',
  },
  en: {
    au_title: 'Audit log', au_caption: 'Audit log', au_from: 'From date', au_to: 'To date', au_key: 'Key', au_anyKey: 'Every key', au_apply: 'Apply', au_reset: 'Clear',
    au_at: 'At', au_lastAt: 'Latest', au_role: 'Role', au_request: 'Request', au_status: 'Outcome', au_target: 'Target', au_institution: 'Institution', au_count: 'Count',
    au_noKey: 'No valid key', au_unknownKey: 'Unknown key', au_pageSize: 'Page size', au_none: 'Nothing was recorded that matches.',
    au_ok: 'Done', au_refused: 'Refused',
  },
});

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export default async function render(main, { query, isCurrent }) {
  stylesheet('./admin.css');
  const keys = await api('/api-keys').then(a => a.items).catch(() => []);
  if (!isCurrent()) return;
  const byId = new Map(keys.map(k => [k.id, k]));
  const from = h('input', { type: 'date', value: DAY.test(query.get('from') ?? '') ? query.get('from') : '' });
  const to = h('input', { type: 'date', value: DAY.test(query.get('to') ?? '') ? query.get('to') : '' });
  // The keys' names are as the admins typed them, their prefixes codes.
  const key = h('select', { 'data-user-text': '' }, h('option', { value: '' }, t('au_anyKey')),
    keys.map(k => h('option', { value: k.id }, `${k.name} · ${k.prefix}`)));
  key.value = byId.has(query.get('keyId')) ? query.get('keyId') : '';
  const pageSize = h('select', {}, [50, 100, 200, 500].map(n => h('option', { value: n }, String(n))));
  pageSize.value = ['50', '100', '200', '500'].includes(query.get('pageSize')) ? query.get('pageSize') : '50';
  let page = Number(query.get('page')) || 1;
  const results = h('div', { 'aria-live': 'polite' });

  let loads = 0;
  const load = async () => {
    const mine = ++loads;
    const params = new URLSearchParams();
    if (from.value) params.set('from', from.value);
    if (to.value) params.set('to', to.value);
    if (key.value) params.set('keyId', key.value);
    params.set('page', page);
    params.set('pageSize', pageSize.value);
    keepQuery('admin/audit', params);
    const answer = await loading(results, api(`/audit?${params}`), load);
    if (!answer || mine !== loads || !isCurrent()) return;
    const go = p => { page = p; load(); };
    replace(results, pager(answer, go), answer.items.length === 0 ? h('p', {}, t('au_none')) : scrolling(t('au_caption'), table(t('au_caption'), [
      { head: t('au_at'), cell: e => date(e.at) },
      { head: t('au_key'), cell: e => keyOf(e, byId) },
      { head: t('au_role'), cell: e => (e.role ? t(`role_${e.role}`) : '—') },
      { head: t('au_request'), cell: e => h('span', { class: 'code' }, `${e.method} ${e.path}${e.query ? `?${e.query.replace(/^\?/, '')}` : ''}`) },
      { head: t('au_status'), cell: e => [e.status < 400 ? t('au_ok') : t('au_refused'), ' ', h('small', { class: 'code' }, String(e.status))] },
      { head: t('au_target'), cell: e => (e.target ? h('span', { class: 'code' }, e.target) : '—') },
      { head: t('au_institution'), cell: e => (e.institution ? h('span', { class: 'code' }, e.institution) : '—') },
      { head: t('au_count'), cell: e => number(e.count, 0), numeric: true },
      { head: t('au_lastAt'), cell: e => (e.count > 1 ? date(e.lastAt) : '—') },
    ], answer.items, { class: 'adm-audit' })),
    answer.total > answer.pageSize ? pager(answer, go) : null);
  };

  replace(main,
    h('h1', {}, t('au_title')),
    h('form', {
      class: 'filters',
      onsubmit: event => { event.preventDefault(); page = 1; load(); },
    }, field(t('au_from'), from), field(t('au_to'), to), field(t('au_key'), key), field(t('au_pageSize'), pageSize),
    h('div', { class: 'actions' },
      h('button', { type: 'submit' }, t('au_apply')),
      h('button', { type: 'button', class: 'secondary', onclick: () => { from.value = ''; to.value = ''; key.value = ''; page = 1; load(); } }, t('au_reset')))),
    results);
  await load();
}

/** The key of a row: its name and prefix where the key is known, "no valid key" for a counted refusal. */
function keyOf(entry, byId) {
  if (!entry.keyId) return t('au_noKey');
  const key = byId.get(entry.keyId);
  return key ? [h('span', { 'data-user-text': '' }, key.name), ' ', h('small', { class: 'code' }, key.prefix)] : [t('au_unknownKey'), ' ', h('small', { class: 'code' }, entry.keyId)];
}

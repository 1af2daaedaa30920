// #/overview: a jurisdiction at a glance for a period: summary, heat map, target progress, filing statistics.

import { h, replace, field, table } from '../dom.js';
import { t, addStrings, localized, number } from '../i18n.js';
import { api } from '../api.js';
import { loading, outcome, keepQuery, lastMonth, byUnit } from './common.js';

addStrings({
  zh: {
    overviewTitle: '辖区总览', show: '显示', heatmapCaption: '机构 × 规则 异常分布', expected: '应报机构', filed: '已报送', evaluated: '已评估',
    openCount: '未处理异常', breaches: '未达标', code: '机构代码', name: '机构名称', targets: '目标进度', noTargets: '本辖区本年度没有目标。',
    latest: '最新', projection: '年末预测', threshold: '阈值', coverage: '覆盖 {included}/{expected}',
    ts_met: '已达成', ts_onTrack: '按进度', ts_atRisk: '进度滞后', ts_missed: '未达成', ts_noData: '无数据', contribution: '本辖区贡献', consolidated: '并入上级机构报表 {n}',
    contributionOf: '本辖区（{jurisdiction}）对该目标的贡献，不单独评价是否达成', filing: '报送统计（迟报漏报）', obligation: '报送事项',
    due: '应报', onTime: '按时', late: '迟报', missing: '漏报', pending: '待报', daysLate: '迟报天数', filingCaption: '各报送事项的报送情况',
    filingByInstitution: '各机构的报送情况', legend: '图例', byMonth: '逐月数据',
  },
  en: {
    overviewTitle: 'Overview', show: 'Show', heatmapCaption: 'Exceptions by institution and rule', expected: 'Expected', filed: 'Filed', evaluated: 'Evaluated',
    openCount: 'Open exceptions', breaches: 'Breaches', code: 'Code', name: 'Name', targets: 'Target progress', noTargets: 'No targets for this jurisdiction and year.',
    latest: 'Latest', projection: 'Year-end projection', threshold: 'Threshold', coverage: 'coverage {included}/{expected}',
    ts_met: 'Met', ts_onTrack: 'On track', ts_atRisk: 'At risk', ts_missed: 'Missed', ts_noData: 'No data', contribution: 'Contribution of this jurisdiction', consolidated: "{n} within a parent's ledger",
    contributionOf: "The contribution of jurisdiction {jurisdiction} to this target, which a part of the region neither meets nor misses", filing: 'Filing statistics', obligation: 'Obligation',
    due: 'Due', onTime: 'On time', late: 'Late', missing: 'Missing', pending: 'Pending', daysLate: 'Days late', filingCaption: 'Filings by obligation',
    filingByInstitution: 'Filings by institution', legend: 'Legend', byMonth: 'By month',
  },
});

export default async function render(main, { query, me }) {
  const period = h('input', { type: 'month', required: true, value: query.get('period') ?? lastMonth() });
  const jurisdiction = h('input', { type: 'text', size: 8, inputmode: 'numeric', value: query.get('jurisdiction') ?? me.jurisdiction ?? '' });
  const summary = h('section', { 'aria-label': t('overviewTitle') });
  const heat = h('section', { 'aria-labelledby': 'o-heat' });
  const targets = h('section', { 'aria-labelledby': 'o-targets' });
  const filing = h('section', { 'aria-labelledby': 'o-filing' });

  const show = () => {
    const params = new URLSearchParams({ period: period.value });
    if (jurisdiction.value.trim()) params.set('jurisdiction', jurisdiction.value.trim());
    keepQuery('overview', params);
    const year = period.value.slice(0, 4);
    const scope = jurisdiction.value.trim() ? `jurisdiction=${encodeURIComponent(jurisdiction.value.trim())}&` : '';
    return Promise.all([
      showSummary(summary, `/analytics/summary?${params}`),
      showHeatMap(heat, `/analytics/heatmap?${params}`),
      showTargets(targets, `/targets?${scope}year=${year}`, year),
      showFiling(filing, `/analytics/filing?${scope}year=${year}`),
    ]);
  };

  replace(main,
    h('h1', {}, t('overviewTitle')),
    h('form', { class: 'filters', onsubmit: event => { event.preventDefault(); show(); } },
      field(t('period'), period), field(t('jurisdiction'), jurisdiction), h('button', { type: 'submit' }, t('show'))),
    summary, heat, targets, filing);
  await show();
}

async function showSummary(region, path) {
  const s = await loading(region, api(path));
  if (!s) return;
  replace(region, h('dl', { class: 'figures' },
    [[t('jurisdiction'), s.jurisdiction || t('national')], [t('period'), s.period], [t('expected'), s.institutions.expected], [t('filed'), s.institutions.filed],
      [t('evaluated'), s.institutions.evaluated], [t('openCount'), s.open], [t('breaches'), s.breaches]]
      .flatMap(([name, value]) => [h('dt', {}, name), h('dd', {}, String(value))])));
}

async function showHeatMap(region, path) {
  const title = h('h2', { id: 'o-heat' }, t('heatmapCaption'));
  const map = await loading(region, api(path));
  if (!map) {
    region.prepend(title);
    return;
  }
  const legend = h('p', { class: 'legend' }, `${t('legend')}: `, ['pass', 'warning', 'breach', 'notApplicable', 'baselineMissing', 'pending', 'notFiled']
    .flatMap(o => [outcome(o), ` ${t(`out_${o}`)}  `]));
  // Built as one fragment and inserted once: a jurisdiction has thousands of cells.
  const head = h('tr', {}, h('th', { scope: 'col' }, t('code')), h('th', { scope: 'col' }, t('name')),
    // Each column's rule by its name in its set's scope (rules.md, "Names"), the codes of the rule and its set after it.
    map.rules.map(r => h('th', { scope: 'col' }, localized(r.name) || r.rule, h('br'), h('small', { class: 'code' }, `${r.rule} · ${r.ruleSet}`))));
  const body = document.createDocumentFragment();
  for (const row of map.institutions) {
    body.append(h('tr', {},
      h('th', { scope: 'row' }, h('a', { href: `#/institutions/${encodeURIComponent(row.code)}` }, row.code)),
      h('td', {}, row.name),
      row.cells.map(cell => h('td', {}, cell.exceptionId
        ? h('a', { href: `#/exceptions/${cell.exceptionId}`, 'aria-label': `${row.code} ${cell.rule} ${t(`out_${cell.outcome}`)}` }, outcome(cell.outcome))
        : outcome(cell.outcome)))));
  }
  replace(region, title, legend, h('div', { class: 'scroll' },
    h('table', { class: 'heatmap' }, h('caption', {}, t('heatmapCaption')), h('thead', {}, head), h('tbody', {}, body))));
}

async function showTargets(region, path, year) {
  const title = h('h2', { id: 'o-targets' }, t('targets'));
  const list = await loading(region, api(path));
  if (!list) {
    region.prepend(title);
    return;
  }
  const items = list.items ?? list;
  if (!items.length) {
    replace(region, title, h('p', {}, t('noTargets')));
    return;
  }
  const cards = h('div', { class: 'cards' });
  replace(region, title, cards);
  await Promise.all(items.map(async target => {
    const card = h('article', { class: 'card', 'aria-label': localized(target.name) });
    cards.append(card);
    // A target the key may not read is not shown at all (the server lists none, but a jurisdiction typed in may differ).
    const hidden = Symbol('hidden');
    const progress = await loading(card, api(`/targets/${encodeURIComponent(target.id)}/progress?year=${year}`)
      .catch(error => { if (error.status === 403 || error.status === 404) return hidden; throw error; }));
    if (progress === hidden) {
      card.remove();
      if (!cards.children.length) replace(region, title, h('p', {}, t('noTargets')));
      return;
    }
    if (!progress) return;
    // A part of a region's target (extent contribution) is neither met nor missed: it is labelled as a contribution.
    const contribution = progress.extent === 'contribution';
    const standing = contribution
      ? h('span', { class: 'badge target-contribution', title: t('contributionOf', { jurisdiction: progress.jurisdiction }) }, t('contribution'))
      : h('span', { class: `badge target-${progress.status}` }, t(`ts_${progress.status}`));
    // By the unit the server answers for the target's measure; a count may be a projection, so it keeps 2 decimals.
    const format = value => (target.unit === 'count' && value !== null && value !== undefined ? number(value, 2) : byUnit(value, target.unit));
    const latest = [...progress.months].reverse().find(m => m.value !== null && m.value !== undefined);
    // Coverage: those summed of the population, and those whose loans a summed parent's consolidated ledger holds.
    const covered = c => (c.consolidated ? `${t('coverage', c)} · ${t('consolidated', { n: c.consolidated })}` : t('coverage', c));
    replace(card,
      h('h3', {}, localized(target.name)),
      h('p', {}, standing, ' ', h('small', { class: 'code' }, `${target.measure} ${target.op} ${target.versus ? target.versus.measure : format(target.value)}`)),
      h('dl', { class: 'figures' },
        h('dt', {}, `${t('latest')}${latest ? ` (${latest.period})` : ''}`), h('dd', {}, latest ? `${format(latest.value)} · ${covered(latest.coverage)}` : '—'),
        h('dt', {}, t('threshold')), h('dd', {}, latest ? format(latest.threshold) : format(target.value)),
        h('dt', {}, t('projection')), h('dd', {}, progress.projection ? `${format(progress.projection.value)} (${t('threshold')} ${format(progress.projection.threshold)})` : '—')),
      h('details', {}, h('summary', {}, t('byMonth')), table(localized(target.name), [
        { head: t('period'), cell: m => m.period },
        { head: localized(target.name), cell: m => format(m.value), numeric: true },
        { head: t('threshold'), cell: m => format(m.threshold), numeric: true },
        { head: t('coverage', { included: '', expected: '' }).replace(/\s*\/\s*$/, ''), cell: m => `${m.coverage.included}/${m.coverage.expected}`, numeric: true },
      ], progress.months, { class: 'compact' })));
  }));
}

async function showFiling(region, path) {
  const title = h('h2', { id: 'o-filing' }, t('filing'));
  const stats = await loading(region, api(path));
  if (!stats) {
    region.prepend(title);
    return;
  }
  replace(region, title,
    table(t('filingCaption'), [
      { head: t('obligation'), cell: o => o.obligation },
      { head: t('due'), cell: o => o.due, numeric: true },
      { head: t('onTime'), cell: o => o.onTime, numeric: true },
      { head: t('late'), cell: o => o.late, numeric: true },
      { head: t('missing'), cell: o => o.missing, numeric: true },
      { head: t('pending'), cell: o => o.pending, numeric: true },
    ], stats.obligations),
    h('div', { class: 'scroll' }, table(t('filingByInstitution'), [
      { head: t('code'), cell: i => h('a', { href: `#/institutions/${encodeURIComponent(i.code)}` }, i.code) },
      { head: t('name'), cell: i => i.name },
      { head: t('onTime'), cell: i => i.onTime, numeric: true },
      { head: t('late'), cell: i => i.late, numeric: true },
      { head: t('missing'), cell: i => i.missing, numeric: true },
      { head: t('pending'), cell: i => i.pending, numeric: true },
      { head: t('daysLate'), cell: i => i.daysLateTotal, numeric: true },
    ], stats.institutions)));
}

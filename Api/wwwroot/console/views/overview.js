// #/overview: a jurisdiction at a glance for a period: summary, heat map, target progress, filing statistics.

import { h, replace, field, table, scrollBox } from '../dom.js';
import { t, addStrings, localized, number, named } from '../i18n.js';
import { api } from '../api.js';
import { loading, outcome, keepQuery, startPeriod, byUnit, withCode, obligationList } from './common.js';

addStrings({
  zh: {
    overviewTitle: '辖区总览', summary: '概况', show: '显示', heatmapCaption: '机构 × 规则 监测事项分布', expected: '应报机构', filed: '已报送', evaluated: '已评估',
    openCount: '待处理监测事项', breaches: '未达标', code: '机构代码', name: '机构名称', targets: '目标进度', noTargets: '本辖区本年度没有目标。',
    latest: '最新', latestIn: '最新（{period}）', projectionText: '{value}（阈值 {threshold}）', projection: '年末预测', threshold: '阈值', coverage: '覆盖 {included}/{expected}', coverageHead: '覆盖机构',
    contribution: '本辖区贡献', consolidated: '并入上级机构报表 {n}',
    contributionOf: '本辖区（{jurisdiction}）对该目标的贡献，不单独评价是否达成', filing: '报送统计（迟报漏报）', obligation: '报送事项',
    due: '应报', onTime: '按时', late: '迟报', missing: '漏报', pending: '待报', daysLate: '迟报天数', filingCaption: '各报送事项的报送情况',
    filingByInstitution: '各机构的报送情况', legend: '图例', byMonth: '逐月数据',
    nothingFiled: '{period} 尚无已接受的台账，没有可显示的评估结果。', latestWithData: '查看有数据的最新报告期 {period}',
    progressOf: '完成进度', progressText: '已完成阈值的 {pct}', noProgress: '阈值不是正数，不显示进度条。',
    op_ge: '≥', op_gt: '>',
    ind_inclusiveBalance_cbirc: '普惠型小微企业贷款余额', ind_inclusiveBalance_pboc: '普惠小微贷款余额', ind_totalBalance: '各项贷款余额',
    ind_operatingBalance: '经营性贷款余额', ind_inclusiveBorrowers_cbirc: '普惠型小微企业贷款户数', ind_inclusiveBorrowers_pboc: '普惠小微贷款户数',
    ind_inclusiveCreditBalance_cbirc: '普惠型小微企业信用贷款余额', ind_inclusiveCreditBalance_pboc: '普惠小微信用贷款余额',
    ind_newInclusiveAmount_cbirc: '发放普惠型小微企业贷款', ind_newInclusiveAmount_pboc: '发放普惠小微贷款', ind_newFirstLoanBorrowers: '新增首贷户',
    ind_individualBusinessBalance: '个体工商户经营性贷款余额', ind_individualBusinessBorrowers: '个体工商户经营性贷款户数',
    ind_inclusiveNplBalance_cbirc: '普惠型小微企业不良贷款余额', ind_inclusiveNplBalance_pboc: '普惠小微不良贷款余额', ind_totalNplBalance: '各项贷款不良余额',
    ms_growthPct: '{a}较年初增速', ms_increase: '{a}较年初增加', ms_cumulative: '全年累计{a}', ms_change: '{a}较年初变化',
    ms_shareChangePp: '{a}占{b}比重较年初变化', ms_versus: '{measure}（{population}）', pop_all: '全辖', pop_local: '地方法人机构', pop_notLocal: '非地方法人机构',
  },
  en: {
    overviewTitle: 'Overview', summary: 'Summary', show: 'Show', heatmapCaption: 'Exceptions by institution and rule', expected: 'Expected', filed: 'Filed', evaluated: 'Evaluated',
    openCount: 'Open exceptions', breaches: 'Breaches', code: 'Code', name: 'Name', targets: 'Target progress', noTargets: 'No targets for this jurisdiction and year.',
    latest: 'Latest', latestIn: 'Latest ({period})', projectionText: '{value} (threshold {threshold})', projection: 'Year-end projection', threshold: 'Threshold', coverage: 'coverage {included}/{expected}', coverageHead: 'Coverage',
    contribution: 'Contribution of this jurisdiction', consolidated: "{n} within a parent's ledger",
    contributionOf: 'The contribution of jurisdiction {jurisdiction} to this target, which a part of the region neither meets nor misses', filing: 'Filing statistics', obligation: 'Obligation',
    due: 'Due', onTime: 'On time', late: 'Late', missing: 'Missing', pending: 'Pending', daysLate: 'Days late', filingCaption: 'Filings by obligation',
    filingByInstitution: 'Filings by institution', legend: 'Legend', byMonth: 'By month',
    nothingFiled: 'No ledger has been accepted for {period}, so there is nothing to show.', latestWithData: 'Show {period}, the latest period with data',
    progressOf: 'Progress', progressText: '{pct} of the threshold', noProgress: 'The threshold is not positive, so no progress bar is shown.',
    op_ge: '≥', op_gt: '>',
    ind_inclusiveBalance_cbirc: 'inclusive loans to small and micro enterprises', ind_inclusiveBalance_pboc: 'inclusive small and micro loans', ind_totalBalance: 'total loans',
    ind_operatingBalance: 'operating loans', ind_inclusiveBorrowers_cbirc: 'inclusive borrowers', ind_inclusiveBorrowers_pboc: 'inclusive borrowers',
    ind_inclusiveCreditBalance_cbirc: 'inclusive credit loans', ind_inclusiveCreditBalance_pboc: 'inclusive credit loans',
    ind_newInclusiveAmount_cbirc: 'inclusive loans disbursed', ind_newInclusiveAmount_pboc: 'inclusive loans disbursed', ind_newFirstLoanBorrowers: 'new first-loan borrowers',
    ind_individualBusinessBalance: 'individual-business loans', ind_individualBusinessBorrowers: 'individual-business borrowers',
    ind_inclusiveNplBalance_cbirc: 'inclusive non-performing loans', ind_inclusiveNplBalance_pboc: 'inclusive non-performing loans', ind_totalNplBalance: 'total non-performing loans',
    ms_growthPct: 'Growth of {a} since the start of the year', ms_increase: 'Increase in {a} since the start of the year', ms_cumulative: 'Year-to-date {a}',
    ms_change: 'Change in {a} since the start of the year', ms_shareChangePp: 'Change in the share of {a} in {b} since the start of the year',
    ms_versus: '{measure} ({population})', pop_all: 'the whole jurisdiction', pop_local: 'local legal persons', pop_notLocal: 'other than local legal persons',
  },
});

export default async function render(main, { query, me }) {
  const period = h('input', { type: 'month', required: true, value: query.get('period') ?? startPeriod(me) });
  const jurisdiction = h('input', { type: 'text', size: 8, inputmode: 'numeric', value: query.get('jurisdiction') ?? me.jurisdiction ?? '' });
  const summary = h('section', { 'aria-labelledby': 'o-summary' });
  const heat = h('section', { 'aria-labelledby': 'o-heat' });
  const targets = h('section', { 'aria-labelledby': 'o-targets' });
  const filing = h('section', { 'aria-labelledby': 'o-filing' });

  const show = () => {
    const params = new URLSearchParams({ period: period.value });
    if (jurisdiction.value.trim()) params.set('jurisdiction', jurisdiction.value.trim());
    keepQuery('overview', params);
    const year = period.value.slice(0, 4);
    const scope = jurisdiction.value.trim() ? `jurisdiction=${encodeURIComponent(jurisdiction.value.trim())}&` : '';
    const goTo = latest => {
      period.value = latest;
      show();
    };
    return Promise.all([
      showSummary(summary, `/analytics/summary?${params}`, me, goTo),
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

async function showSummary(region, path, me, goTo) {
  const title = h('h2', { id: 'o-summary', class: 'sr' }, t('summary'));
  const s = await loading(region, api(path));
  if (!s) {
    region.prepend(title);
    return;
  }
  // Nothing filed for the period: say so, and offer the latest period that has data (console.md, "Opens where the data is").
  const empty = s.institutions.filed === 0
    ? h('div', { class: 'empty', role: 'note' }, h('p', {}, t('nothingFiled', { period: s.period })),
      me.latestPeriod && me.latestPeriod !== s.period
        ? h('button', { type: 'button', class: 'secondary', onclick: () => goTo(me.latestPeriod) }, t('latestWithData', { period: me.latestPeriod }))
        : null)
    : null;
  replace(region, title, empty, h('dl', { class: 'figures' },
    [[t('jurisdiction'), s.jurisdiction || t('national')], [t('period'), s.period], [t('expected'), s.institutions.expected], [t('filed'), s.institutions.filed],
      [t('evaluated'), s.institutions.evaluated], [t('openCount'), s.open], [t('breaches'), s.breaches]]
      .flatMap(([name, value]) => [h('dt', {}, name), h('dd', {}, typeof value === 'number' ? number(value, 0) : value)])));
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
    map.rules.map((r, c) => h('th', { scope: 'col', id: `hm-c${c}` }, localized(r.name) || r.rule, h('br'), h('small', { class: 'code' }, `${r.rule} · ${r.ruleSet}`))));
  const body = document.createDocumentFragment();
  map.institutions.forEach((row, i) => {
    body.append(h('tr', {},
      // The code in the first cell (as a code), the name as it was registered in the second.
      h('th', { scope: 'row', id: `hm-r${i}` }, h('a', { href: `#/institutions/${encodeURIComponent(row.code)}`, class: 'code' }, row.code)),
      h('td', {}, h('span', { 'data-user-text': '' }, row.name)),
      // A cell's link is named by its row's institution, its column's rule and its outcome, all in the page's words.
      row.cells.map((cell, c) => h('td', {}, cell.exceptionId
        ? h('a', { href: `#/exceptions/${cell.exceptionId}`, id: `hm-${i}-${c}`, 'aria-labelledby': `hm-r${i} hm-c${c} hm-${i}-${c}` }, outcome(cell.outcome))
        : outcome(cell.outcome)))));
  });
  replace(region, title, legend, scrollBox(h('table', { class: 'heatmap' }, h('caption', {}, t('heatmapCaption')), h('thead', {}, head), h('tbody', {}, body))));
}

/** An indicator's name, in the words of the target's 口径 where it has one. */
function indicatorName(indicator, scope) {
  const scoped = `ind_${indicator}_${scope ?? 'pboc'}`;
  const text = t(scoped);
  if (text !== scoped) return text;
  const plain = t(`ind_${indicator}`);
  return plain === `ind_${indicator}` ? indicator : plain;
}

/** A measure (`cumulative(newInclusiveAmount)`) as words: 全年累计发放普惠小微贷款. */
function measureText(measure, scope) {
  const match = /^(\w+)\(([^)]*)\)$/.exec(measure ?? '');
  if (!match) return measure ?? '';
  const [a, b] = match[2].split(',').map(s => indicatorName(s.trim(), scope));
  const key = `ms_${match[1]}`;
  const text = t(key, { a, b });
  return text === key ? measure : text;
}

/** A target's population in words. */
function populationText(population) {
  const parts = [];
  if (population?.categories?.length) parts.push(population.categories.map(c => named('cat', c)).join('、'));
  if (population?.localLegalPerson === true) parts.push(t('pop_local'));
  if (population?.localLegalPerson === false) parts.push(t('pop_notLocal'));
  return parts.length ? parts.join('，') : t('pop_all');
}

/**
 * A target as a sentence with its threshold in the same units (全年累计发放普惠小微贷款 ≥ 1,000.00 亿元), or against the
 * measure of another population.
 */
function targetSentence(target, format) {
  const op = target.op === '>' ? t('op_gt') : t('op_ge');
  const measure = measureText(target.measure, target.scope);
  const threshold = target.versus
    ? t('ms_versus', { measure: measureText(target.versus.measure, target.scope), population: populationText(target.versus.population) })
    : format(target.value);
  const population = target.population && (target.population.categories?.length || target.population.localLegalPerson != null)
    ? `${populationText(target.population)}：` : '';
  return `${population}${measure} ${op} ${threshold}`;
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
    const threshold = latest ? latest.threshold : target.value;
    replace(card,
      h('h3', {}, localized(target.name)),
      h('p', { class: 'target-sentence' }, targetSentence(target, format)),
      h('p', {}, standing),
      progressBar(latest?.value ?? null, threshold, format),
      h('dl', { class: 'figures' },
        h('dt', {}, latest ? t('latestIn', { period: latest.period }) : t('latest')), h('dd', {}, latest ? `${format(latest.value)} · ${covered(latest.coverage)}` : '—'),
        h('dt', {}, t('threshold')), h('dd', {}, format(threshold)),
        h('dt', {}, t('projection')), h('dd', {}, progress.projection ? t('projectionText', { value: format(progress.projection.value), threshold: format(progress.projection.threshold) }) : '—')),
      h('details', {}, h('summary', {}, t('byMonth')), table(`${localized(target.name)} · ${t('byMonth')}`, [
        { head: t('period'), cell: m => m.period },
        { head: t('latest'), cell: m => format(m.value), numeric: true },
        { head: t('threshold'), cell: m => format(m.threshold), numeric: true },
        { head: t('coverageHead'), cell: m => `${m.coverage.included}/${m.coverage.expected}`, numeric: true },
      ], progress.months, { class: 'compact' })));
  }));
}

/** A bar of the value against a positive threshold, named by both figures; a note where the threshold is not positive. */
function progressBar(value, threshold, format) {
  if (value === null || value === undefined || threshold === null || threshold === undefined) return null;
  if (!(Number(threshold) > 0)) return h('p', { class: 'note' }, t('noProgress'));
  const ratio = Math.max(0, Number(value)) / Number(threshold);
  const pct = byUnit(ratio * 100, 'percent');
  return h('div', { class: 'target-bar' },
    h('progress', { max: '1', value: String(Math.min(1, ratio)), 'aria-label': `${t('progressOf')}: ${format(value)} / ${format(threshold)}` }),
    h('span', {}, t('progressText', { pct })));
}

async function showFiling(region, path) {
  const title = h('h2', { id: 'o-filing' }, t('filing'));
  const [stats, obligations] = await Promise.all([loading(region, api(path)), obligationList().catch(() => new Map())]);
  if (!stats) {
    region.prepend(title);
    return;
  }
  // Each obligation by its name, its code beside it in smaller type.
  const obligationName = code => withCode(localized(obligations.get(code)?.name), code);
  replace(region, title,
    table(t('filingCaption'), [
      { head: t('obligation'), cell: o => obligationName(o.obligation) },
      { head: t('due'), cell: o => number(o.due, 0), numeric: true },
      { head: t('onTime'), cell: o => number(o.onTime, 0), numeric: true },
      { head: t('late'), cell: o => number(o.late, 0), numeric: true },
      { head: t('missing'), cell: o => number(o.missing, 0), numeric: true },
      { head: t('pending'), cell: o => number(o.pending, 0), numeric: true },
    ], stats.obligations),
    table(t('filingByInstitution'), [
      { head: t('code'), cell: i => h('a', { href: `#/institutions/${encodeURIComponent(i.code)}`, class: 'code' }, i.code) },
      { head: t('name'), cell: i => h('span', { 'data-user-text': '' }, i.name) },
      { head: t('onTime'), cell: i => number(i.onTime, 0), numeric: true },
      { head: t('late'), cell: i => number(i.late, 0), numeric: true },
      { head: t('missing'), cell: i => number(i.missing, 0), numeric: true },
      { head: t('pending'), cell: i => number(i.pending, 0), numeric: true },
      { head: t('daysLate'), cell: i => number(i.daysLateTotal, 0), numeric: true },
    ], stats.institutions));
}

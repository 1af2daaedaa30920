// An institution's page (#/institutions/{code}): whether it is a legal person or a branch, its level and parent, its
// credit plans (which an admin or a regulator over it may set), trend charts with their data tables, headroom, peers,
// the support tool and its submissions; and the list of institutions the caller may see (#/institutions).

import { h, replace, table, field } from '../dom.js';
import { t, addStrings, number, date, named } from '../i18n.js';
import { api, problemView } from '../api.js';
import {
  loading, pager, outcome, stylesheet, lastMonth, keepQuery, ruleCatalogue, ruleSetList, scopedRule, ruleSetName, startPeriod, byUnit, amountToggle,
} from './common.js';
import { creditPlans } from './credit-plans.js';

addStrings({
  zh: {
    inst_listCaption: '机构列表', inst_code: '机构代码', inst_name: '机构名称', inst_category: '类别', inst_region: '地区代码',
    inst_localLegalPerson: '地方法人', inst_reportingFrom: '起报期', inst_yes: '是', inst_no: '否',
    inst_trends: '趋势', inst_trendsHint: '截至所选报告期的 24 个月。', inst_noData: '这些月份没有已接受的台账。',
    inst_growthTitle: '普惠型小微贷款增速与各项贷款增速（较上年末，%）', inst_growthCaption: '贷款增速（较上年末，%）',
    inst_inclusiveBalance: '普惠型小微贷款余额', inst_totalBalance: '各项贷款余额', inst_inclusiveGrowth: '普惠型小微增速', inst_totalGrowth: '各项贷款增速', inst_growthGap: '增速差（百分点）',
    inst_nplTitle: '不良贷款率（%）及差值', inst_nplCaption: '不良贷款率（%）',
    inst_inclusiveNpl: '普惠型小微不良率', inst_totalNpl: '各项贷款不良率', inst_nplGap: '差值（百分点）',
    inst_shareTitle: '普惠信用贷款占比（%）', inst_shareCaption: '信用贷款占比（%）', inst_shareCbirc: '信用贷款占比（银保监口径）', inst_sharePboc: '信用贷款占比（人民银行口径）',
    inst_chartFailed: '图表无法显示，数据见旁边的表格。', inst_toleranceLine: '容忍度 {value}', inst_shareLine: '阈值 {value}',
    inst_fewerPeers: '同组机构不足 5 家，不显示同业分布。', inst_groupOf: '{category}（{province}）', inst_quarterOf: '{year}年第{q}季度',
    inst_headroom: '达标空间', inst_headroomCaption: '{period} 各规则的达标空间', inst_figure: '指标值', inst_threshold: '阈值', inst_margin: '空间',
    inst_unit: '单位', inst_projection: '年末预测值', inst_projectedMargin: '年末预测空间', inst_noHeadroom: '该报告期没有指标快照。',
    part_balance: '余额', part_borrowers: '户数', part_growth: '增速', part_increment: '增量',
    inst_peers: '同业比较', inst_peersCaption: '{period} 同业比较', inst_measure: '指标', inst_value: '本机构', inst_group: '同业组', inst_n: '家数',
    inst_min: '最小值', inst_q1: '下四分位', inst_median: '中位数', inst_q3: '上四分位', inst_max: '最大值', inst_percentile: '百分位',
    m_inclusiveGrowthYtd: '普惠型小微增速（较年初）', m_totalGrowthYtd: '各项贷款增速（较年初）', m_growthGapPp: '增速差（百分点）',
    m_inclusiveNplRatio: '普惠型小微不良率', m_nplGapPp: '不良率差（百分点）', m_creditShare: '信用贷款占比', m_creditShareChangePp: '信用贷款占比变化（百分点）',
    m_inclusiveBorrowersChange: '普惠型小微户数变化',
    inst_support: '普惠小微贷款支持工具', inst_supportCaption: '{year} 年各季度支持工具', inst_quarter: '季度', inst_startBalance: '期初余额',
    inst_endBalance: '期末余额', inst_increase: '增量', inst_ratePct: '支持比例（%）', inst_amount: '支持金额',
    inst_notEligible: '本机构不符合支持工具条件（仅限地方法人金融机构）。',
    inst_submissions: '报送记录', inst_submissionsCaption: '本机构的报送', inst_version: '版本', inst_received: '接收时间', inst_rows: '行数',
    inst_issues: '警告 / 错误', inst_receipt: '回执', sub_accepted: '已接受', sub_rejected: '已退回',
    inst_legalPerson: '法人类型', inst_isLegalPerson: '法人', inst_isBranch: '分支机构', inst_level: '机构层级', inst_parent: '上级机构',
    inst_plans: '信贷计划', inst_plansCaption: '各年度信贷计划（上级下达的普惠型小微企业贷款增量）', inst_plansNone: '尚未录入信贷计划。',
    inst_planYear: '年度', inst_planIncrease: '计划增量（元）', inst_planNote: '说明', inst_planVersion: '版本', inst_planSetBy: '录入人',
    inst_planSetAt: '录入时间', inst_planHistory: '历史版本', inst_planEarlier: '早前版本（{n}）', inst_planDeleted: '已删除',
    inst_planHistoryCaption: '{year} 年信贷计划的早前版本', inst_planForm: '录入信贷计划', inst_planSave: '保存计划',
    inst_planSaved: '已保存 {year} 年信贷计划（第 {version} 版），该年度已接受的报告期将重新评估。',
    inst_planHint: '上级下达的全年普惠型小微企业贷款增量，单位为元，最多两位小数；每次修改都会保留为新版本。',
  },
  en: {
    inst_listCaption: 'Institutions', inst_code: 'Code', inst_name: 'Name', inst_category: 'Category', inst_region: 'Region',
    inst_localLegalPerson: 'Local legal person', inst_reportingFrom: 'Reporting from', inst_yes: 'Yes', inst_no: 'No',
    inst_trends: 'Trends', inst_trendsHint: 'The 24 months up to the chosen period.', inst_noData: 'No accepted ledgers in these months.',
    inst_growthTitle: 'Inclusive vs total loan growth since the December before (%)', inst_growthCaption: 'Loan growth since the December before (%)',
    inst_inclusiveBalance: 'Inclusive balance', inst_totalBalance: 'Total balance', inst_inclusiveGrowth: 'Inclusive growth', inst_totalGrowth: 'Total growth', inst_growthGap: 'Gap (pp)',
    inst_nplTitle: 'NPL ratios (%) and their gap', inst_nplCaption: 'NPL ratios (%)',
    inst_inclusiveNpl: 'Inclusive NPL ratio', inst_totalNpl: 'Total NPL ratio', inst_nplGap: 'Gap (pp)',
    inst_shareTitle: 'Credit-loan share of inclusive loans (%)', inst_shareCaption: 'Credit share (%)', inst_shareCbirc: 'Credit share (CBIRC)', inst_sharePboc: 'Credit share (PBoC)',
    inst_chartFailed: 'The chart cannot be shown; its data is in the table beside it.', inst_toleranceLine: 'Tolerance {value}', inst_shareLine: 'Threshold {value}',
    inst_fewerPeers: 'There are fewer than 5 peers, so the group\'s figures are not shown.', inst_groupOf: '{category} ({province})', inst_quarterOf: '{year}Q{q}',
    inst_headroom: 'Headroom', inst_headroomCaption: 'Headroom of each rule in {period}', inst_figure: 'Figure', inst_threshold: 'Threshold', inst_margin: 'Headroom',
    inst_unit: 'Unit', inst_projection: 'Year-end projection', inst_projectedMargin: 'Projected headroom', inst_noHeadroom: 'No indicator snapshot for this period.',
    part_balance: 'balance', part_borrowers: 'borrowers', part_growth: 'growth', part_increment: 'increment',
    inst_peers: 'Peers', inst_peersCaption: 'Peers in {period}', inst_measure: 'Measure', inst_value: 'Value', inst_group: 'Group', inst_n: 'Members',
    inst_min: 'Min', inst_q1: 'Q1', inst_median: 'Median', inst_q3: 'Q3', inst_max: 'Max', inst_percentile: 'Percentile',
    m_inclusiveGrowthYtd: 'Inclusive growth (YTD)', m_totalGrowthYtd: 'Total growth (YTD)', m_growthGapPp: 'Growth gap (pp)',
    m_inclusiveNplRatio: 'Inclusive NPL ratio', m_nplGapPp: 'NPL gap (pp)', m_creditShare: 'Credit share', m_creditShareChangePp: 'Credit share change (pp)',
    m_inclusiveBorrowersChange: 'Inclusive borrowers change',
    inst_support: 'Support tool', inst_supportCaption: 'Support tool by quarter, {year}', inst_quarter: 'Quarter', inst_startBalance: 'Start balance',
    inst_endBalance: 'End balance', inst_increase: 'Increase', inst_ratePct: 'Rate (%)', inst_amount: 'Amount',
    inst_notEligible: 'This institution is not eligible for the support tool (local legal-person institutions only).',
    inst_submissions: 'Submissions', inst_submissionsCaption: 'Submissions of this institution', inst_version: 'Version', inst_received: 'Received', inst_rows: 'Rows',
    inst_issues: 'Warnings / errors', inst_receipt: 'Receipt', sub_accepted: 'Accepted', sub_rejected: 'Rejected',
    inst_legalPerson: 'Legal status', inst_isLegalPerson: 'Legal person', inst_isBranch: 'Branch', inst_level: 'Level', inst_parent: 'Parent',
    inst_plans: 'Credit plans', inst_plansCaption: 'Credit plans by year (the inclusive increase the head office hands down)', inst_plansNone: 'No credit plan is recorded yet.',
    inst_planYear: 'Year', inst_planIncrease: 'Planned increase (yuan)', inst_planNote: 'Note', inst_planVersion: 'Version', inst_planSetBy: 'Set by',
    inst_planSetAt: 'Set at', inst_planHistory: 'History', inst_planEarlier: 'Earlier versions ({n})', inst_planDeleted: 'Deleted',
    inst_planHistoryCaption: 'Earlier versions of the {year} credit plan', inst_planForm: 'Record a credit plan', inst_planSave: 'Save plan',
    inst_planSaved: 'The {year} credit plan is saved (version {version}); the accepted periods of that year are evaluated again.',
    inst_planHint: 'The inclusive increase the head office hands down for the year, in yuan, at most 2 decimals; every change is kept as a new version.',
  },
});

const PERIOD = /^\d{4}-(0[1-9]|1[0-2])$/;
const MONTHS = 24;

/** The charts of the page shown now: disposed when it is left or drawn again. */
let charts = [];
let listening = false;

function disposeCharts() {
  for (const chart of charts) chart.dispose();
  charts = [];
}

function resizeCharts() {
  for (const chart of charts) chart.resize();
}

function watchCharts() {
  if (listening) return;
  listening = true;
  window.addEventListener('resize', resizeCharts);
  window.addEventListener('hashchange', function leave() {
    window.removeEventListener('hashchange', leave);
    window.removeEventListener('resize', resizeCharts);
    listening = false;
    disposeCharts();
  });
}

/** Apache ECharts, loaded on this page only, once. */
let echartsLoaded = null;
function loadECharts() {
  if (window.echarts) return Promise.resolve(window.echarts);
  if (!echartsLoaded) {
    echartsLoaded = new Promise((resolve, reject) => {
      const script = h('script', { src: '/vendor/echarts/echarts.min.js' });
      script.addEventListener('load', () => (window.echarts ? resolve(window.echarts) : reject(new Error('echarts did not load'))));
      script.addEventListener('error', () => {
        echartsLoaded = null;
        script.remove();
        reject(new Error('echarts did not load'));
      });
      document.head.append(script);
    });
  }
  return echartsLoaded;
}

/** yyyy-MM plus n months. */
function addMonths(period, n) {
  const [year, month] = period.split('-').map(Number);
  const index = year * 12 + (month - 1) + n;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

function difference(a, b) {
  return a == null || b == null ? null : Number(a) - Number(b);
}

/** Rounds for display (4 decimals), so that charts and tables show the same figure. */
function round4(value) {
  return value == null ? null : Math.round(value * 10_000) / 10_000;
}

/** A percentage (2 decimals and %), a number of percentage points (signed, 个百分点 / pp), as a supervisor reads them. */
const pct = value => byUnit(value, 'percent');
const points = value => byUnit(value, 'pp');

export default async function render(main, { parts, query, me, isCurrent }) {
  stylesheet('./institution.css');
  disposeCharts();
  const code = parts[1];
  if (!code) {
    await renderList(main, query, isCurrent);
    return;
  }
  watchCharts();

  const heading = h('h1', {}, h('span', { class: 'code' }, code));
  const about = h('p', { class: 'inst-about' });
  const top = h('div', {}, heading, about);
  replace(main, top);
  const institution = await loading(top, api(`/institutions/${encodeURIComponent(code)}`));
  if (!isCurrent()) return;
  if (!institution) return;

  // The name as it was registered, the code after it (console.md, "One language on the screen").
  replace(heading, h('bdi', { 'data-user-text': '' }, institution.name), ' (', h('span', { class: 'code' }, institution.code), ')');
  const facts = [
    `${t('inst_category')}: ${named('cat', institution.category)}`,
    `${t('inst_legalPerson')}: ${institution.legalPerson ? t('inst_isLegalPerson') : t('inst_isBranch')}`,
    `${t('inst_level')}: ${named('lvl', institution.level)}`,
    institution.parent
      ? [`${t('inst_parent')}: `, h('a', { href: `#/institutions/${encodeURIComponent(institution.parent)}`, class: 'inst-parent code' }, institution.parent)]
      : null,
    `${t('inst_region')}: ${institution.regionCode}`,
    `${t('inst_localLegalPerson')}: ${institution.localLegalPerson ? t('inst_yes') : t('inst_no')}`,
    `${t('inst_reportingFrom')}: ${institution.reportingFrom}`,
  ].filter(Boolean);
  replace(about, facts.flatMap((fact, i) => (i === 0 ? [fact] : [' · ', fact])));
  replace(top, heading, about);

  // Opens on the latest period with data the key may see (console.md, "Opens where the data is").
  let period = PERIOD.test(query.get('period') ?? '') ? query.get('period') : startPeriod(me);
  const picker = h('input', { type: 'month', value: period, required: true, max: period > lastMonth() ? period : lastMonth() });
  const route = `institutions/${encodeURIComponent(code)}`;

  const trends = section('inst-trends', t('inst_trends'));
  const headroom = section('inst-headroom', t('inst_headroom'));
  const peers = section('inst-peers', t('inst_peers'));
  const support = section('inst-support', t('inst_support'));
  const submissions = section('inst-submissions', t('inst_submissions'));
  const plans = creditPlans(code, me);
  main.append(plans, h('div', { class: 'filters' }, field(t('period'), picker)), trends.element, headroom.element, peers.element, support.element, submissions.element);

  const base = `/institutions/${encodeURIComponent(code)}`;
  const loadPeriod = () => {
    disposeCharts();
    showTrends(trends.body, base, period, isCurrent);
    showHeadroom(headroom.body, base, period);
    showPeers(peers.body, base, period);
    showSupport(support.body, base, Number(period.slice(0, 4)));
  };
  const choose = () => {
    if (!PERIOD.test(picker.value) || picker.value === period) return;
    period = picker.value;
    query.set('period', period);
    keepQuery(route, query);
    loadPeriod();
  };
  picker.addEventListener('change', choose);
  picker.addEventListener('input', choose);

  loadPeriod();
  showSubmissions(submissions.body, code, Number(query.get('page')) || 1, page => {
    query.set('page', String(page));
    keepQuery(route, query);
  });
}

/** Empties a section's body and answers a new box in it. */
function fresh(target) {
  const box = h('div', {});
  replace(target, box);
  return box;
}

/** A region named by its heading, with a body that loads on its own. */
function section(id, title) {
  const body = h('div', { class: 'inst-body' });
  const element = h('section', { 'aria-labelledby': id }, h('h2', { id }, title), body);
  return { element, body };
}

// ---- Trends -------------------------------------------------------------------------------------------------------

async function showTrends(target, base, period, isCurrent) {
  // A box of its own: an answer that arrives after the section was asked again lands in a box no longer shown.
  const region = fresh(target);
  const first = addMonths(period, -(MONTHS - 1));
  // Each month's growth since the December before comes with it, computed by the server; the headroom gives the
  // thresholds the charts draw as lines (a section of its own shows its failure).
  const work = Promise.all([
    api(`${base}/indicators?from=${first}&to=${period}`),
    api(`${base}/headroom?period=${period}`).catch(() => null),
  ]);
  const result = await loading(region, work, () => showTrends(target, base, period, isCurrent));
  if (!result || !isCurrent()) return;
  const [answer, headroom] = result;

  const byPeriod = new Map(answer.items.map(item => [item.period, item]));
  const months = Array.from({ length: MONTHS }, (_, i) => addMonths(first, i));
  const shown = months.filter(month => byPeriod.has(month));
  if (shown.length === 0) {
    replace(region, h('p', {}, t('inst_noData')));
    return;
  }

  const growthRows = months.map(month => {
    const item = byPeriod.get(month);
    return { period: month, item, inclusive: item?.inclusiveGrowthYtd ?? null, total: item?.totalGrowthYtd ?? null, gap: item?.growthGapPp ?? null };
  });
  const nplRows = months.map(month => {
    const item = byPeriod.get(month);
    return { period: month, item, inclusive: item?.inclusiveNplRatio ?? null, total: item?.totalNplRatio ?? null, gap: round4(difference(item?.inclusiveNplRatio, item?.totalNplRatio)) };
  });
  const shareRows = months.map(month => {
    const item = byPeriod.get(month);
    return { period: month, item, cbirc: item?.creditShare ?? null, pboc: item?.pboc?.creditShare ?? null };
  });
  const pbocDiffers = shareRows.some(row => row.item && row.item.pboc && row.pboc !== row.cbirc);
  const has = row => row.item !== undefined;

  const growthPair = pair(t('inst_growthTitle'),
    table(t('inst_growthCaption'), [
      { head: t('period'), cell: r => r.period, rowHeader: true },
      { head: t('inst_inclusiveBalance'), cell: r => amountToggle(r.item.inclusiveBalance), numeric: true },
      { head: t('inst_totalBalance'), cell: r => amountToggle(r.item.totalBalance), numeric: true },
      { head: t('inst_inclusiveGrowth'), cell: r => pct(r.inclusive), numeric: true },
      { head: t('inst_totalGrowth'), cell: r => pct(r.total), numeric: true },
      { head: t('inst_growthGap'), cell: r => points(r.gap), numeric: true },
    ], growthRows.filter(has), { class: 'inst-data', 'data-chart': 'growth' }));
  const nplPair = pair(t('inst_nplTitle'),
    table(t('inst_nplCaption'), [
      { head: t('period'), cell: r => r.period, rowHeader: true },
      { head: t('inst_inclusiveNpl'), cell: r => pct(r.inclusive), numeric: true },
      { head: t('inst_totalNpl'), cell: r => pct(r.total), numeric: true },
      { head: t('inst_nplGap'), cell: r => points(r.gap), numeric: true },
    ], nplRows.filter(has), { class: 'inst-data', 'data-chart': 'npl' }));
  const shareColumns = [
    { head: t('period'), cell: r => r.period, rowHeader: true },
    { head: t('inst_shareCbirc'), cell: r => pct(r.cbirc), numeric: true },
  ];
  if (pbocDiffers) shareColumns.push({ head: t('inst_sharePboc'), cell: r => pct(r.pboc), numeric: true });
  const sharePair = pair(t('inst_shareTitle'), table(t('inst_shareCaption'), shareColumns, shareRows.filter(has), { class: 'inst-data', 'data-chart': 'share' }));

  replace(region, h('p', { class: 'inst-hint' }, t('inst_trendsHint')), growthPair.element, nplPair.element, sharePair.element);

  let echarts;
  try {
    echarts = await loadECharts();
  } catch {
    for (const p of [growthPair, nplPair, sharePair]) replace(p.chart, h('p', { class: 'inst-hint' }, t('inst_chartFailed')));
    return;
  }
  // The page may have moved on, or this section been drawn again, while the library loaded.
  if (!isCurrent() || !growthPair.chart.isConnected) return;

  // The rules' thresholds, drawn as lines (console.md, "Figures a supervisor reads"): the NPL tolerance against the gap,
  // and the credit share the year must reach (the share at the start of the year plus the minimum increase).
  const threshold = rule => headroom?.items?.find(i => i.rule === rule && i.threshold != null)?.threshold ?? null;
  const tolerance = threshold('NPL_TOLERANCE');
  const minIncrease = threshold('CREDIT_SHARE');
  const startShare = byPeriod.get(`${Number(period.slice(0, 4)) - 1}-12`)?.creditShare ?? null;
  const shareTarget = minIncrease != null && startShare != null ? round4(Number(startShare) + Number(minIncrease)) : null;

  const line = (name, data) => ({ type: 'line', name, data, connectNulls: true, showSymbol: true, symbolSize: 6 });
  draw(echarts, growthPair.chart, months, [
    line(t('inst_inclusiveGrowth'), growthRows.map(r => r.inclusive)),
    line(t('inst_totalGrowth'), growthRows.map(r => r.total)),
  ]);
  draw(echarts, nplPair.chart, months, [
    line(t('inst_inclusiveNpl'), nplRows.map(r => r.inclusive)),
    line(t('inst_totalNpl'), nplRows.map(r => r.total)),
    { type: 'bar', name: t('inst_nplGap'), data: nplRows.map(r => r.gap), barMaxWidth: 14, markLine: thresholdLine(tolerance, t('inst_toleranceLine', { value: points(tolerance) })) },
  ]);
  const shareSeries = [{ ...line(t('inst_shareCbirc'), shareRows.map(r => r.cbirc)), markLine: thresholdLine(shareTarget, t('inst_shareLine', { value: pct(shareTarget) })) }];
  if (pbocDiffers) shareSeries.push(line(t('inst_sharePboc'), shareRows.map(r => r.pboc)));
  draw(echarts, sharePair.chart, months, shareSeries);
}

/** A rule's threshold as a horizontal line on a chart (ECharts markLine), labelled; none where there is no threshold. */
function thresholdLine(value, label) {
  if (value === null || value === undefined) return undefined;
  return {
    silent: true, symbol: 'none', lineStyle: { type: 'dashed', color: '#9b1c12' },
    label: { formatter: label, position: 'insideEndTop' },
    data: [{ yAxis: Number(value), name: label }],
  };
}

/** A chart beside its data table. */
function pair(title, dataTable) {
  const chart = h('div', { class: 'chart', role: 'img', 'aria-label': title });
  const element = h('div', { class: 'inst-trend' }, h('h3', {}, title), h('div', { class: 'pair' }, chart, dataTable));
  return { element, chart };
}

function draw(echarts, element, months, series) {
  const chart = echarts.init(element, null, { renderer: 'canvas' });
  chart.setOption({
    animation: false,
    // Rich-text tooltips are drawn on the canvas: HTML ones would write inline styles, which the CSP refuses.
    tooltip: { trigger: 'axis', renderMode: 'richText' },
    legend: { top: 0 },
    grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: months },
    yAxis: { type: 'value', scale: true },
    series,
  });
  charts.push(chart);
}

// ---- Headroom -----------------------------------------------------------------------------------------------------

/** A headroom figure by its unit: money as a supervisor reads it (the exact yuan one click away), points signed. */
function headroomValue(value, unit) {
  if (value == null) return '—';
  if (unit === 'yuan') return amountToggle(value);
  return byUnit(value, unit);
}

async function showHeadroom(target, base, period) {
  // A box of its own: an answer that arrives after the section was asked again lands in a box no longer shown.
  const region = fresh(target);
  const work = Promise.all([api(`${base}/headroom?period=${period}`), ruleCatalogue(), ruleSetList().catch(() => new Map())]);
  const result = await loading(region, work, () => showHeadroom(target, base, period));
  if (!result) return;
  const [answer, names, sets] = result;
  if (answer.items.length === 0) {
    replace(region, h('p', {}, t('inst_noHeadroom')));
    return;
  }
  replace(region, table(t('inst_headroomCaption', { period: answer.period }), [
    { head: t('ruleSet'), cell: i => ruleSetName(sets, i.ruleSet) },
    // Each rule by its name in its set's scope (rules.md, "Names"), its id in smaller type.
    { head: t('rule'), cell: i => [scopedRule(names, sets, i.rule, i.ruleSet), i.part ? ` · ${t(`part_${i.part}`)}` : null] },
    { head: t('status'), cell: i => outcome(i.outcome) },
    { head: t('inst_figure'), cell: i => headroomValue(i.figure, i.unit), numeric: true },
    { head: t('inst_threshold'), cell: i => headroomValue(i.threshold, i.unit), numeric: true },
    { head: t('inst_margin'), cell: i => h('span', { class: i.margin != null && i.margin < 0 ? 'inst-short' : null }, headroomValue(i.margin, i.unit)), numeric: true },
    { head: t('inst_projection'), cell: i => (i.projection ? headroomValue(i.projection.figure, i.unit) : '—'), numeric: true },
    {
      head: t('inst_projectedMargin'),
      cell: i => (i.projection ? h('span', { class: i.projection.margin < 0 ? 'inst-short' : null }, headroomValue(i.projection.margin, i.unit)) : '—'),
      numeric: true,
    },
  ], answer.items, { class: 'inst-headroom' }));
}

// ---- Peers --------------------------------------------------------------------------------------------------------

/** The unit of each peer measure (analytics.md, "Peers and ranking"). */
const PEER_UNITS = {
  inclusiveGrowthYtd: 'percent', totalGrowthYtd: 'percent', growthGapPp: 'pp', inclusiveNplRatio: 'percent', nplGapPp: 'pp',
  creditShare: 'percent', creditShareChangePp: 'pp', inclusiveBorrowersChange: 'count',
};

/** A peer group (`village 42`: a category and a province) in words. */
function groupText(group) {
  if (!group) return '—';
  const [category, province] = String(group).split(' ');
  return province ? t('inst_groupOf', { category: named('cat', category), province }) : named('cat', category);
}

/** The fixed reason code of a peer item, in the page's words. */
function reasonText(reason) {
  return reason === 'fewer than 5 peers' ? t('inst_fewerPeers') : reason;
}

async function showPeers(target, base, period) {
  // A box of its own: an answer that arrives after the section was asked again lands in a box no longer shown.
  const region = fresh(target);
  const answer = await loading(region, api(`${base}/peers?period=${period}`), () => showPeers(target, base, period));
  if (!answer) return;
  const format = (measure, value) => byUnit(value, PEER_UNITS[measure] ?? 'percent');
  const figure = name => i => (i.peers && name in i.peers ? format(i.measure, i.peers[name]) : '—');
  // Only the figures the answer has: an institution is sent no extreme of its group, and its quartiles only from 20 members.
  const figures = ['min', 'q1', 'median', 'q3', 'max'].filter(name => answer.items.some(i => i.peers && name in i.peers));
  const reasons = [...new Set(answer.items.map(i => i.reason).filter(Boolean))];
  replace(region,
    reasons.map(reason => h('p', { class: 'inst-note', role: 'note' }, reasonText(reason))),
    table(t('inst_peersCaption', { period: answer.period }), [
      { head: t('inst_measure'), cell: i => t(`m_${i.measure}`), rowHeader: true },
      { head: t('inst_value'), cell: i => format(i.measure, i.value), numeric: true },
      { head: t('inst_group'), cell: i => groupText(i.peers?.group) },
      { head: t('inst_n'), cell: i => (i.peers ? number(i.peers.n, 0) : '—'), numeric: true },
      ...figures.map(name => ({ head: t(`inst_${name}`), cell: figure(name), numeric: true })),
      { head: t('inst_percentile'), cell: i => (i.percentile == null ? '—' : number(i.percentile, 2)), numeric: true },
    ], answer.items, { class: 'inst-peers' }));
}

// ---- Support tool -------------------------------------------------------------------------------------------------

/** A quarter (`2022Q1`) in the page's words. */
function quarterText(quarter) {
  const match = /^(\d{4})Q([1-4])$/.exec(quarter ?? '');
  return match ? t('inst_quarterOf', { year: match[1], q: match[2] }) : quarter;
}

async function showSupport(target, base, year) {
  // A box of its own: an answer that arrives after the section was asked again lands in a box no longer shown.
  const region = fresh(target);
  const answer = await loading(region, api(`${base}/support-tool?year=${year}`), () => showSupport(target, base, year));
  if (!answer) return;
  if (!answer.eligible) {
    replace(region, h('p', {}, t('inst_notEligible')));
    return;
  }
  replace(region, table(t('inst_supportCaption', { year }), [
    { head: t('inst_quarter'), cell: q => quarterText(q.quarter), rowHeader: true },
    { head: t('inst_startBalance'), cell: q => amountToggle(q.startBalance), numeric: true },
    { head: t('inst_endBalance'), cell: q => amountToggle(q.endBalance), numeric: true },
    { head: t('inst_increase'), cell: q => amountToggle(q.increase), numeric: true },
    { head: t('inst_ratePct'), cell: q => pct(q.ratePct), numeric: true },
    { head: t('inst_amount'), cell: q => amountToggle(q.amount), numeric: true },
  ], answer.quarters, { class: 'inst-support' }));
}

// ---- Submissions --------------------------------------------------------------------------------------------------

async function showSubmissions(target, code, page, remember) {
  // A box of its own: an answer that arrives after the section was asked again lands in a box no longer shown.
  const region = fresh(target);
  const go = next => {
    remember(next);
    showSubmissions(target, code, next, remember);
  };
  const answer = await loading(region, api(`/submissions?institution=${encodeURIComponent(code)}&page=${page}`), () => showSubmissions(target, code, page, remember));
  if (!answer) return;
  replace(region, table(t('inst_submissionsCaption'), [
    { head: t('period'), cell: s => s.period },
    { head: t('inst_version'), cell: s => (s.version == null ? '—' : number(s.version, 0)), numeric: true },
    { head: t('status'), cell: s => h('span', { class: `badge sub-${s.status}` }, named('sub', s.status)) },
    { head: t('inst_received'), cell: s => date(s.receivedAt) },
    { head: t('inst_rows'), cell: s => number(s.rows, 0), numeric: true },
    { head: t('inst_issues'), cell: s => `${number(s.warningCount ?? 0, 0)} / ${number(s.errorCount ?? 0, 0)}`, numeric: true },
    { head: t('inst_receipt'), cell: s => h('a', { href: `#/submissions/${encodeURIComponent(s.id)}`, class: 'code' }, s.id) },
  ], answer.items, { class: 'inst-submissions' }), pager(answer, go));
}

// ---- The list -----------------------------------------------------------------------------------------------------

async function renderList(main, query, isCurrent) {
  const heading = h('h1', {}, t('institutions'));
  const region = h('div', {});
  replace(main, heading, region);
  const show = async page => {
    const answer = await loading(region, api(`/institutions?page=${page}`), () => show(page));
    if (!answer || !isCurrent()) return;
    replace(region, table(t('inst_listCaption'), [
      { head: t('inst_code'), cell: i => h('a', { href: `#/institutions/${encodeURIComponent(i.code)}`, class: 'code' }, i.code), rowHeader: true },
      { head: t('inst_name'), cell: i => h('span', { 'data-user-text': '' }, i.name) },
      { head: t('inst_category'), cell: i => named('cat', i.category) },
      { head: t('inst_region'), cell: i => i.regionCode },
      { head: t('inst_localLegalPerson'), cell: i => (i.localLegalPerson ? t('inst_yes') : t('inst_no')) },
      { head: t('inst_reportingFrom'), cell: i => i.reportingFrom },
    ], answer.items), pager(answer, next => {
      query.set('page', String(next));
      keepQuery('institutions', query);
      show(next);
    }));
  };
  await show(Number(query.get('page')) || 1);
}

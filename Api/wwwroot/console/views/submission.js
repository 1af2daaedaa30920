// #/submissions/{id}: one receipt (status, rows, sha256, warnings, errors, evaluation) and its original.
// The receipt, its errors and its evaluation are also what #/submit shows once a ledger is filed.

import { h, replace, table } from '../dom.js';
import { t, addStrings, number, date, localized, scopedName } from '../i18n.js';
import { api, download, problemView } from '../api.js';
import { loading, pager, outcome, badge, stylesheet, ruleCatalogue } from './common.js';

addStrings({
  zh: {
    sub_title: '报送回执 {id}', sub_receipt: '回执', sub_status: '状态', sub_id: '报送编号', sub_version: '版本', sub_rows: '行数',
    sub_sha256: '文件摘要', sub_receivedAt: '接收时间', sub_warningCount: '警告', sub_errorCount: '错误',
    sub_accepted: '已接受', sub_rejected: '已退回', sub_dryRun: '试报送（未保存）',
    sub_warnings: '警告', sub_errors: '错误', sub_line: '行', sub_column: '列', sub_code: '代码', sub_message: '说明',
    sub_firstOnly: '仅列出前 {shown} 条，共 {n} 条。',
    sub_evaluation: '评估', sub_evalStatus: '评估状态', sub_evaluatedAt: '评估时间', sub_ruleSets: '规则集', sub_outcomes: '各规则结果',
    sub_exceptionsWritten: '写入或更新的异常', sub_evalError: '评估失败原因', sub_outcome: '结果',
    ev_pending: '等待评估', ev_running: '评估中', ev_done: '已完成', ev_failed: '失败',
    sub_findings: '试报送将产生的异常', sub_download: '下载原始文件', sub_downloadFailed: '下载失败',
    sub_noWarnings: '无警告。', sub_noExceptions: '无。', sub_setVersion: '第 {version} 版',
    sub_errorsCsv: '下载错误清单（CSV）', sub_errorsCsvBusy: '正在生成错误清单…', sub_errorsFile: '错误清单',
  },
  en: {
    sub_title: 'Submission {id}', sub_receipt: 'Receipt', sub_status: 'Status', sub_id: 'Submission', sub_version: 'Version', sub_rows: 'Rows',
    sub_sha256: 'SHA-256', sub_receivedAt: 'Received at', sub_warningCount: 'Warnings', sub_errorCount: 'Errors',
    sub_accepted: 'Accepted', sub_rejected: 'Rejected', sub_dryRun: 'Dry run (not stored)',
    sub_warnings: 'Warnings', sub_errors: 'Errors', sub_line: 'Line', sub_column: 'Column', sub_code: 'Code', sub_message: 'Message',
    sub_firstOnly: 'Only the first {shown} of {n} are listed.',
    sub_evaluation: 'Evaluation', sub_evalStatus: 'Evaluation status', sub_evaluatedAt: 'Evaluated at', sub_ruleSets: 'Rule sets', sub_outcomes: 'Rule outcomes',
    sub_exceptionsWritten: 'Exceptions written or updated', sub_evalError: 'Why the evaluation failed', sub_outcome: 'Outcome',
    ev_pending: 'Pending', ev_running: 'Running', ev_done: 'Done', ev_failed: 'Failed',
    sub_findings: 'Exceptions the rule sets would write', sub_download: 'Download the original', sub_downloadFailed: 'The download failed',
    sub_noWarnings: 'No warnings.', sub_noExceptions: 'None.', sub_setVersion: 'version {version}',
    sub_errorsCsv: 'Download the errors (CSV)', sub_errorsCsvBusy: 'Building the list of errors…', sub_errorsFile: 'errors',
  },
});

const PAGE_SIZE = 50;

let sets = null;

/** The rule sets (GET /rule-sets) by id: their names and scopes, read once; none where they cannot be read. */
function ruleSets() {
  sets ??= api('/rule-sets')
    .then(answer => new Map((answer?.items ?? []).map(set => [set.id, set])))
    .catch(() => { sets = null; return new Map(); });
  return sets;
}

/**
 * What names the evaluation's rules and sets: the rule catalogue (GET /rules) and the sets (GET /rule-sets), for each
 * rule's name in its set's scope (rules.md, "Names"); ids alone where they cannot be read. A Map of the catalogue,
 * with the sets as its `sets`.
 */
export async function ruleNames() {
  const [catalogue, known] = await Promise.all([ruleCatalogue().catch(() => new Map()), ruleSets()]);
  const names = new Map(catalogue);
  names.sets = known;
  return names;
}

/** A rule by its name in the scope of the set it belongs to, its id after it in smaller type. */
function ruleLabel(names, ruleId, setId) {
  const rule = names.get(ruleId);
  const name = rule ? scopedName(rule, names.sets?.get(setId)?.scope) : '';
  return name ? [name, ' ', h('small', { class: 'code' }, ruleId)] : h('span', { class: 'code' }, ruleId);
}

/** A rule set by its name and version, its id after it in smaller type. */
function setLabel(names, set) {
  if (!set) return '—';
  const id = typeof set === 'string' ? set : set.id;
  const name = localized(names.sets?.get(id)?.name);
  return [name || null, name ? ' ' : null, h('small', { class: 'code' }, id),
    typeof set === 'object' && set.version != null ? [' ', t('sub_setVersion', { version: number(set.version, 0) })] : null];
}

function status(value) {
  return h('span', { class: `badge status-${value}` }, t(`sub_${value}`));
}

const issueColumns = () => [
  { head: t('sub_line'), cell: issue => issue.line ?? '—', numeric: true },
  { head: t('sub_column'), cell: issue => issue.column ?? '—' },
  { head: t('sub_code'), cell: issue => h('code', { class: 'code' }, issue.code) },
  { head: t('sub_message'), cell: issue => issue.message },
];

// OWASP's characters that make a spreadsheet read a cell as a formula, and the characters that may not reach a file.
const FORMULA_START = /^[=+\-@\t\r]/;
const FORMULA_AFTER_SEMICOLON = /(;[ "]*)([=+\-@])/g;
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069]/g;

/**
 * A cell as it may go into a CSV file Excel opens, as the server's exports write them (OWASP, "CSV Injection"): a
 * formula's first character, also after a semicolon, gets a ' before it; a control or bidirectional character becomes
 * U+FFFD; a cell with a comma, a semicolon, a quote or a line break is quoted with its quotes doubled.
 */
export function csvCell(value) {
  let text = value === null || value === undefined ? '' : String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  text = text.replace(FORMULA_AFTER_SEMICOLON, "$1'$2").replace(CONTROL, '\uFFFD');
  return /[,;"\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Errors as a CSV file in UTF-8 with a BOM (so Excel opens it): line, column, code, message, headed in the page's language. */
export function errorsCsv(errors) {
  const head = [t('sub_line'), t('sub_column'), t('sub_code'), t('sub_message')];
  const rows = errors.map(e => [e.line ?? '', e.column ?? '', e.code ?? '', e.message ?? '']);
  return `\uFEFF${[head, ...rows].map(row => row.map(csvCell).join(',')).join('\r\n')}\r\n`;
}

/** Every stored error of a kept submission, read through GET /submissions/{id}/errors a page of 500 at a time. */
async function allErrors(submissionId) {
  const all = [];
  for (let page = 1; ; page++) {
    const answer = await api(`/submissions/${encodeURIComponent(submissionId)}/errors?page=${page}&pageSize=500`);
    all.push(...(answer.items ?? []));
    if ((answer.items ?? []).length === 0 || all.length >= answer.total) return all;
  }
}

/** Saves a text as a file the browser downloads. */
function save(text, name, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = h('a', { href: url, download: name, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A button that downloads the errors as CSV: built in the browser from every page the API answers (or a dry run's list). */
function errorsDownload({ submissionId, errors = [] }) {
  const status = h('div', { 'aria-live': 'polite' });
  const button = h('button', { type: 'button', class: 'secondary' }, t('sub_errorsCsv'));
  button.addEventListener('click', async () => {
    button.disabled = true;
    replace(status, h('p', { role: 'status', class: 'note' }, t('sub_errorsCsvBusy')));
    try {
      const listed = submissionId ? await allErrors(submissionId) : errors;
      save(errorsCsv(listed), `${t('sub_errorsFile')}-${submissionId ?? 'dry-run'}.csv`, 'text/csv;charset=utf-8');
      replace(status);
    } catch (error) {
      replace(status, problemView(error));
    } finally {
      button.disabled = false;
    }
  });
  return h('div', { class: 'actions' }, button, status);
}

/**
 * The errors of a rejected ledger, a page at a time: from GET /submissions/{id}/errors when it was kept, else (a dry run)
 * from the errors its answer listed.
 */
export function errorsView({ submissionId, errors = [], errorCount }) {
  const region = h('div', { class: 'errors' });
  const download = errorsDownload({ submissionId, errors });
  const show = async page => {
    const answer = submissionId
      ? await loading(region, api(`/submissions/${encodeURIComponent(submissionId)}/errors?page=${page}&pageSize=${PAGE_SIZE}`), () => show(page))
      : { items: errors.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE), page, pageSize: PAGE_SIZE, total: errors.length };
    if (!answer) return;
    const listed = submissionId ? answer.total : errors.length;
    replace(region,
      download,
      h('div', { class: 'scroll', tabindex: '0', role: 'region', 'aria-label': t('sub_errors') }, table(t('sub_errors'), issueColumns(), answer.items)),
      errorCount > listed ? h('p', { class: 'note' }, t('sub_firstOnly', { shown: number(listed, 0), n: number(errorCount, 0) })) : null,
      pager(answer, show));
  };
  show(1);
  return region;
}

function warningsView(receipt) {
  const warnings = receipt.warnings ?? [];
  if (warnings.length === 0) return h('p', {}, t('sub_noWarnings'));
  const count = receipt.warningCount ?? warnings.length;
  return [
    h('div', { class: 'scroll', tabindex: '0', role: 'region', 'aria-label': t('sub_warnings') }, table(t('sub_warnings'), issueColumns(), warnings)),
    count > warnings.length ? h('p', { class: 'note' }, t('sub_firstOnly', { shown: number(warnings.length, 0), n: number(count, 0) })) : null,
  ];
}

/** The evaluation: its status, the sets that applied, each rule's outcome and the exceptions it wrote. */
export function evaluationView(evaluation, names = new Map()) {
  if (!evaluation) return null;
  const heading = h('h2', {}, t('sub_evaluation'));
  const rules = evaluation.rules ?? [];
  const exceptions = evaluation.exceptions ?? [];
  return h('section', { class: 'evaluation', 'aria-label': t('sub_evaluation') }, heading,
    h('dl', { class: 'figures' },
      h('dt', {}, t('sub_evalStatus')), h('dd', {}, h('span', { class: `badge eval-${evaluation.status}` }, t(`ev_${evaluation.status}`))),
      evaluation.evaluatedAt ? [h('dt', {}, t('sub_evaluatedAt')), h('dd', {}, date(evaluation.evaluatedAt))] : null,
      evaluation.ruleSets?.length ? [h('dt', {}, t('sub_ruleSets')), h('dd', {}, evaluation.ruleSets.map((s, i) => [i ? '；' : null, setLabel(names, s)]))] : null,
      evaluation.error ? [h('dt', {}, t('sub_evalError')), h('dd', {}, String(evaluation.error))] : null),
    rules.length ? h('div', { class: 'scroll', tabindex: '0', role: 'region', 'aria-label': t('sub_outcomes') }, table(t('sub_outcomes'), [
      { head: t('ruleSet'), cell: r => setLabel(names, r.ruleSet) },
      { head: t('rule'), cell: r => ruleLabel(names, r.rule, r.ruleSet) },
      { head: t('sub_outcome'), cell: r => [outcome(r.outcome), ' ', h('span', { 'aria-hidden': 'true' }, t(`out_${r.outcome}`))] },
    ], rules)) : null,
    evaluation.status === 'done' || exceptions.length
      ? [h('h3', {}, t('sub_exceptionsWritten')),
        exceptions.length
          ? h('ul', { class: 'exception-links' }, exceptions.map(id => h('li', {}, h('a', { href: `#/exceptions/${encodeURIComponent(id)}` }, id))))
          : h('p', {}, t('sub_noExceptions'))]
      : null);
}

function findingsView(findings, names) {
  if (!findings) return null;
  return h('section', { 'aria-label': t('sub_findings') },
    findings.length ? h('div', { class: 'scroll', tabindex: '0', role: 'region', 'aria-label': t('sub_findings') }, table(t('sub_findings'), [
      { head: t('rule'), cell: f => ruleLabel(names, f.rule, f.ruleSet?.id) },
      { head: t('ruleSet'), cell: f => setLabel(names, f.ruleSet) },
      { head: t('severity'), cell: f => badge('severity', f.severity) },
      { head: t('sub_message'), cell: f => localized(f.message) },
    ], findings)) : [h('h2', {}, t('sub_findings')), h('p', {}, t('sub_noExceptions'))]);
}

/**
 * A receipt as a region named "Receipt": its figures and warnings; the errors, paged, of a rejected one; its evaluation,
 * or a dry run's findings. `link` makes the id a link to #/submissions/{id}.
 */
export function receiptView(receipt, { link = true, names = new Map() } = {}) {
  const id = receipt.id;
  const rejected = receipt.status === 'rejected';
  const evaluation = h('div', { class: 'evaluation-slot' }, evaluationView(receipt.evaluation, names));
  const section = h('section', { class: 'receipt', 'aria-labelledby': 'receipt-heading' },
    h('h2', { id: 'receipt-heading' }, t('sub_receipt')),
    h('dl', { class: 'figures' },
      h('dt', {}, t('sub_status')), h('dd', {}, status(receipt.status), id ? null : [' ', t('sub_dryRun')]),
      id ? [h('dt', {}, t('sub_id')), h('dd', {}, link ? h('a', { href: `#/submissions/${encodeURIComponent(id)}`, class: 'code' }, id) : h('span', { class: 'code' }, id))] : null,
      h('dt', {}, t('institution')), h('dd', {}, receipt.institution ? h('span', { class: 'code' }, receipt.institution) : '—'),
      h('dt', {}, t('period')), h('dd', {}, receipt.period ?? '—'),
      receipt.version != null ? [h('dt', {}, t('sub_version')), h('dd', {}, number(receipt.version, 0))] : null,
      h('dt', {}, t('sub_rows')), h('dd', {}, number(receipt.rows, 0)),
      h('dt', {}, t('sub_sha256')), h('dd', {}, h('code', { class: 'hash' }, receipt.sha256 ?? '—')),
      h('dt', {}, t('sub_receivedAt')), h('dd', {}, date(receipt.receivedAt)),
      rejected ? [h('dt', {}, t('sub_errorCount')), h('dd', {}, number(receipt.errorCount, 0))] : null,
      h('dt', {}, t('sub_warningCount')), h('dd', {}, number(receipt.warningCount ?? receipt.warnings?.length ?? 0, 0))),
    warningsView(receipt),
    rejected ? [errorsView({ submissionId: id, errors: receipt.errors, errorCount: receipt.errorCount })] : null);
  return { section, evaluation, findings: findingsView(receipt.findings, names) };
}

/** Asks again, a few times while the page shows it, for an evaluation still pending or running, and shows it in the slot. */
export function followEvaluation(slot, receipt, names, isCurrent) {
  const waiting = evaluation => Boolean(evaluation) && ['pending', 'running'].includes(evaluation.status);
  if (!receipt.id || !waiting(receipt.evaluation)) return;
  let tries = 0;
  const refresh = async () => {
    if (!isCurrent() || !slot.isConnected || ++tries > 20) return;
    try {
      const fresh = await api(`/submissions/${encodeURIComponent(receipt.id)}`);
      if (!isCurrent() || !slot.isConnected) return;
      replace(slot, evaluationView(fresh.evaluation, names));
      if (waiting(fresh.evaluation)) setTimeout(refresh, 1500);
    } catch {
      // The receipt is shown; a later visit shows the evaluation.
    }
  };
  setTimeout(refresh, 1000);
}

export default async function render(main, { parts, isCurrent }) {
  stylesheet('./submit.css');
  const id = parts[1] ?? '';
  const region = h('div', {});
  const downloadStatus = h('div', { 'aria-live': 'polite' });
  const downloadButton = h('button', {
    type: 'button',
    class: 'secondary',
    onclick: async () => {
      replace(downloadStatus);
      try {
        await download(`/submissions/${encodeURIComponent(id)}/original`, `submission-${id}`);
      } catch (error) {
        replace(downloadStatus, problemView(error));
      }
    },
  }, t('sub_download'));
  const [before, after] = t('sub_title', { id: '\u0000' }).split('\u0000');
  replace(main, h('h1', {}, before, h('span', { class: 'code' }, id), after ?? ''), region);
  const [receipt, names] = await Promise.all([loading(region, api(`/submissions/${encodeURIComponent(id)}`)), ruleNames()]);
  if (!receipt || !isCurrent()) return;
  const view = receiptView(receipt, { link: false, names });
  replace(region, view.section, view.evaluation, h('div', { class: 'actions' }, downloadButton), downloadStatus);

  followEvaluation(view.evaluation, receipt, names, isCurrent);
}

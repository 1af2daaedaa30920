// #/submissions/{id}: one receipt (status, rows, sha256, warnings, errors, evaluation) and its original.
// The receipt, its errors and its evaluation are also what #/submit shows once a ledger is filed.

import { h, replace, table } from '../dom.js';
import { t, addStrings, number, date, localized } from '../i18n.js';
import { api, download, problemView } from '../api.js';
import { loading, pager, outcome, badge, stylesheet, ruleCatalogue, ruleName } from './common.js';

addStrings({
  zh: {
    sub_title: '报送回执 {id}', sub_receipt: '回执', sub_status: '状态', sub_id: '报送编号', sub_version: '版本', sub_rows: '行数',
    sub_sha256: 'SHA-256', sub_receivedAt: '接收时间', sub_warningCount: '警告', sub_errorCount: '错误',
    sub_accepted: '已接受', sub_rejected: '已退回', sub_dryRun: '试报送（未保存）',
    sub_warnings: '警告', sub_errors: '错误', sub_line: '行', sub_column: '列', sub_code: '代码', sub_message: '说明',
    sub_firstOnly: '仅列出前 {shown} 条，共 {n} 条。',
    sub_evaluation: '评估', sub_evalStatus: '评估状态', sub_evaluatedAt: '评估时间', sub_ruleSets: '规则集', sub_outcomes: '各规则结果',
    sub_exceptionsWritten: '写入或更新的异常', sub_evalError: '评估失败原因', sub_outcome: '结果',
    ev_pending: '等待评估', ev_running: '评估中', ev_done: '已完成', ev_failed: '失败',
    sub_findings: '试报送将产生的异常', sub_download: '下载原始文件', sub_downloadFailed: '下载失败',
    sub_noWarnings: '无警告。', sub_noExceptions: '无。',
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
    sub_noWarnings: 'No warnings.', sub_noExceptions: 'None.',
  },
});

const PAGE_SIZE = 50;

/** The rule catalogue for the evaluation's outcomes; none (ids alone) where it cannot be read. */
export function ruleNames() {
  return ruleCatalogue().catch(() => new Map());
}

function status(value) {
  return h('span', { class: `badge status-${value}` }, t(`sub_${value}`));
}

const issueColumns = () => [
  { head: t('sub_line'), cell: issue => issue.line ?? '—', numeric: true },
  { head: t('sub_column'), cell: issue => issue.column ?? '—' },
  { head: t('sub_code'), cell: issue => h('code', {}, issue.code) },
  { head: t('sub_message'), cell: issue => issue.message },
];

/**
 * The errors of a rejected ledger, a page at a time: from GET /submissions/{id}/errors when it was kept, else (a dry run)
 * from the errors its answer listed.
 */
export function errorsView({ submissionId, errors = [], errorCount }) {
  const region = h('div', { class: 'errors' });
  const show = async page => {
    const answer = submissionId
      ? await loading(region, api(`/submissions/${encodeURIComponent(submissionId)}/errors?page=${page}&pageSize=${PAGE_SIZE}`), () => show(page))
      : { items: errors.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE), page, pageSize: PAGE_SIZE, total: errors.length };
    if (!answer) return;
    const listed = submissionId ? answer.total : errors.length;
    replace(region,
      h('div', { class: 'scroll' }, table(t('sub_errors'), issueColumns(), answer.items)),
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
    h('div', { class: 'scroll' }, table(t('sub_warnings'), issueColumns(), warnings)),
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
      evaluation.ruleSets?.length ? [h('dt', {}, t('sub_ruleSets')), h('dd', {}, evaluation.ruleSets.map(s => `${s.id} v${s.version}`).join(', '))] : null,
      evaluation.error ? [h('dt', {}, t('sub_evalError')), h('dd', {}, String(evaluation.error))] : null),
    rules.length ? h('div', { class: 'scroll' }, table(t('sub_outcomes'), [
      { head: t('ruleSet'), cell: r => r.ruleSet },
      { head: t('rule'), cell: r => [h('code', {}, r.rule), names.has(r.rule) ? ` ${ruleName(names, r.rule)}` : null] },
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
    findings.length ? h('div', { class: 'scroll' }, table(t('sub_findings'), [
      { head: t('rule'), cell: f => [h('code', {}, f.rule), names.has(f.rule) ? ` ${ruleName(names, f.rule)}` : null] },
      { head: t('ruleSet'), cell: f => (f.ruleSet ? `${f.ruleSet.id} v${f.ruleSet.version}` : '—') },
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
      id ? [h('dt', {}, t('sub_id')), h('dd', {}, link ? h('a', { href: `#/submissions/${encodeURIComponent(id)}` }, id) : id)] : null,
      h('dt', {}, t('institution')), h('dd', {}, receipt.institution ?? '—'),
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
  replace(main, h('h1', {}, t('sub_title', { id })), region);
  const [receipt, names] = await Promise.all([loading(region, api(`/submissions/${encodeURIComponent(id)}`)), ruleNames()]);
  if (!receipt || !isCurrent()) return;
  const view = receiptView(receipt, { link: false, names });
  replace(region, view.section, view.evaluation, h('div', { class: 'actions' }, downloadButton), downloadStatus);

  followEvaluation(view.evaluation, receipt, names, isCurrent);
}

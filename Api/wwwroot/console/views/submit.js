// #/submit: file a ledger (CSV in UTF-8 or GB18030, JSON, NDJSON) for a period, or check it with a dry run; the upload's
// progress, then the receipt, its warnings and evaluation, or the errors of a rejected ledger, paged.

import { h, replace, field } from '../dom.js';
import { t, addStrings, number } from '../i18n.js';
import { api, upload, problemView, Problem } from '../api.js';
import { lastMonth, stylesheet } from './common.js';
import { receiptView, ruleNames, followEvaluation } from './submission.js';

addStrings({
  zh: {
    up_title: '报送台账', up_file: '台账文件', up_fileHint: 'CSV、JSON 或 NDJSON（.csv、.json、.ndjson、.jsonl）', up_encoding: '编码',
    up_encodingHint: '仅用于 CSV 文件', up_dryRun: '试报送', up_dryRunHint: '只校验并评估，不保存', up_institution: '机构',
    up_institutionHint: '机构代码', up_submit: '提交', up_progress: '上传进度', up_uploading: '正在上传 {loaded} / {total}',
    up_checking: '已上传，服务器正在校验台账…', up_type: '无法识别文件类型“{name}”：请选择 .csv、.json、.ndjson 或 .jsonl 文件。',
    up_noFile: '请选择台账文件。', up_rejected: '台账被退回：共 {n} 个错误。', up_badType: '不支持的文件类型',
  },
  en: {
    up_title: 'Submit a ledger', up_file: 'Ledger file', up_fileHint: 'CSV, JSON or NDJSON (.csv, .json, .ndjson, .jsonl)', up_encoding: 'Encoding',
    up_encodingHint: 'For CSV files only', up_dryRun: 'Dry run', up_dryRunHint: 'Validate and evaluate without storing', up_institution: 'Institution',
    up_institutionHint: 'The institution code', up_submit: 'Submit', up_progress: 'Upload progress', up_uploading: 'Uploading {loaded} of {total}',
    up_checking: 'Uploaded; the server is checking the ledger…', up_type: 'The type of "{name}" is not known: choose a .csv, .json, .ndjson or .jsonl file.',
    up_noFile: 'Choose a ledger file.', up_rejected: 'The ledger was rejected with {n} error(s).', up_badType: 'Unsupported file type',
  },
});

/** The media type of a ledger file, from its extension; CSV with the chosen charset. Null for any other file. */
export function mediaType(name, encoding) {
  const extension = /\.([^.]+)$/.exec(name ?? '')?.[1]?.toLowerCase();
  switch (extension) {
    case 'csv': return `text/csv; charset=${encoding}`;
    case 'json': return 'application/json';
    case 'ndjson':
    case 'jsonl': return 'application/x-ndjson';
    default: return null;
  }
}

function size(bytes) {
  if (bytes < 1024) return `${number(bytes, 0)} B`;
  if (bytes < 1024 * 1024) return `${number(bytes / 1024, 1)} KB`;
  return `${number(bytes / 1024 / 1024, 1)} MB`;
}

export default async function render(main, { query, me, isCurrent }) {
  stylesheet('./submit.css');
  const admin = me.role === 'admin';

  const file = h('input', { type: 'file', required: true, accept: '.csv,.json,.ndjson,.jsonl,text/csv,application/json,application/x-ndjson' });
  const period = h('input', { type: 'month', required: true, min: '2000-01', value: query.get('period') || lastMonth(), placeholder: 'yyyy-MM' });
  const encoding = h('select', {},
    h('option', { value: 'utf-8', selected: true }, 'UTF-8'),
    h('option', { value: 'gb18030' }, 'GB18030'));
  const dryRun = h('input', { type: 'checkbox' });
  const institution = admin
    ? h('input', { type: 'text', required: true, pattern: '[A-Za-z0-9_\\-]{1,32}', maxlength: 32, autocomplete: 'off', spellcheck: 'false', value: query.get('institution') || '' })
    : null;
  const button = h('button', { type: 'submit' }, t('up_submit'));
  const progressRegion = h('div', { class: 'upload' });
  const result = h('div', { class: 'result' });

  // The encoding matters only for CSV: a JSON or NDJSON file is UTF-8.
  file.addEventListener('change', () => {
    const chosen = file.files?.[0];
    encoding.disabled = Boolean(chosen) && !/\.csv$/i.test(chosen.name);
  });

  const form = h('form', { class: 'submit-form', novalidate: true, onsubmit: event => { event.preventDefault(); send(); } },
    h('div', { class: 'filters' },
      field(t('up_file'), file, t('up_fileHint')),
      field(t('period'), period),
      field(t('up_encoding'), encoding, t('up_encodingHint')),
      admin ? field(t('up_institution'), institution, t('up_institutionHint')) : null,
      h('div', { class: 'field check' }, h('label', {}, dryRun, ' ', t('up_dryRun')), h('small', {}, t('up_dryRunHint')))),
    h('div', { class: 'actions' }, button));

  replace(main, h('h1', {}, t('up_title')), h('section', {}, form, progressRegion), result);

  async function send() {
    replace(result);
    const chosen = file.files?.[0];
    if (!chosen) {
      replace(result, problemView(new Problem(0, { title: t('up_noFile') })));
      file.focus();
      return;
    }
    const contentType = mediaType(chosen.name, encoding.value);
    if (!contentType) {
      replace(result, problemView(new Problem(415, { title: t('up_badType'), detail: t('up_type', { name: chosen.name }) })));
      file.focus();
      return;
    }
    const search = new URLSearchParams({ period: period.value });
    if (admin && institution.value.trim()) search.set('institution', institution.value.trim());
    if (dryRun.checked) search.set('dryRun', 'true');

    const bar = h('progress', { max: 100, value: 0, 'aria-label': t('up_progress') });
    const percent = h('span', { class: 'percent' }, '0 %');
    const note = h('span', { class: 'progress-note' }, t('up_uploading', { loaded: size(0), total: size(chosen.size) }));
    replace(progressRegion, h('div', { class: 'progress-row' }, bar, percent), h('p', { role: 'status' }, note));
    button.disabled = true;
    form.setAttribute('aria-busy', 'true');

    let shown = -1;
    const onProgress = (loaded, total) => {
      const value = total > 0 ? Math.min(100, Math.floor((loaded * 100) / total)) : 0;
      if (value === shown) return;
      shown = value;
      bar.value = value;
      replace(percent, `${value} %`);
      replace(note, value >= 100 ? t('up_checking') : t('up_uploading', { loaded: size(loaded), total: size(total) }));
    };

    let answer;
    try {
      answer = await upload(`/submissions?${search}`, chosen, contentType, onProgress);
    } catch (error) {
      answer = { error };
    } finally {
      button.disabled = false;
      form.removeAttribute('aria-busy');
    }
    if (!isCurrent() || !result.isConnected) return;
    replace(progressRegion);
    await show(answer);
  }

  async function show(answer) {
    if (answer.error) {
      replace(result, problemView(answer.error));
      return;
    }
    const { status, body } = answer;
    const names = await ruleNames();
    if (!isCurrent() || !result.isConnected) return;
    if (status === 200 || status === 201) {
      const view = receiptView(body, { names });
      replace(result, view.section, view.findings, view.evaluation);
      followEvaluation(view.evaluation, body, names, isCurrent);
    } else if (status === 422 && /\/ledger-invalid$/.test(body?.type ?? '')) {
      // The rejected ledger as a receipt: its errors come from the kept submission, page by page, or (a dry run) from the answer.
      const kept = body.submissionId ? await api(`/submissions/${encodeURIComponent(body.submissionId)}`).catch(() => null) : null;
      if (!isCurrent() || !result.isConnected) return;
      const rejected = kept ?? {
        id: body.submissionId ?? null,
        status: 'rejected',
        institution: admin ? institution.value.trim() : me.institution,
        period: period.value,
        errorCount: body.errorCount,
        errors: body.errors ?? [],
        warnings: [],
        rows: null,
      };
      const view = receiptView(rejected, { names });
      replace(result, h('div', { class: 'problem', role: 'alert' },
        h('strong', {}, body.title || t('up_rejected', { n: number(body.errorCount, 0) })),
        body.detail ? h('p', {}, body.detail) : null), view.section);
    } else {
      replace(result, problemView(new Problem(status, body)));
      return;
    }
    result.querySelector('#receipt-heading')?.setAttribute('tabindex', '-1');
    result.querySelector('#receipt-heading')?.focus();
  }
}

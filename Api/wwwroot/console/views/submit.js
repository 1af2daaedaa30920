// #/submit: file a ledger (CSV in UTF-8 or GB18030, JSON, NDJSON) for a period, or check it with a dry run; the upload's
// progress, then the receipt, its warnings and evaluation, or the errors of a rejected ledger, paged and downloadable.
// What a bank's officer can fix alone (console.md): a CSV the server found to be GB18030 is offered again as GB18030,
// and a period that already has an accepted ledger asks before a new version supersedes it.

import { h, replace, field } from '../dom.js';
import { t, addStrings, number } from '../i18n.js';
import { api, upload, problemView, Problem } from '../api.js';
import { lastMonth, stylesheet } from './common.js';
import { receiptView, ruleNames, followEvaluation } from './submission.js';

addStrings({
  zh: {
    up_title: '报送台账', up_file: '台账文件', up_fileHint: 'CSV、JSON 或 NDJSON 文件', up_encoding: '编码',
    up_encodingHint: '仅用于 CSV 文件', up_dryRun: '试报送', up_dryRunHint: '只校验并评估，不保存', up_institution: '机构',
    up_institutionHint: '机构代码', up_submit: '提交', up_progress: '上传进度', up_uploading: '正在上传 {loaded} / {total}',
    up_checking: '已上传，服务器正在校验台账…', up_type: '无法识别文件“{name}”的类型：请选择 CSV、JSON 或 NDJSON 文件。',
    up_noFile: '请选择台账文件。', up_rejected: '台账被退回：共 {n} 个错误。', up_badType: '不支持的文件类型', up_periodExample: '例如 2023-01',
    up_bytes: '{n} 字节', up_kilobytes: '{n} 千字节', up_megabytes: '{n} 兆字节',
    up_charsetTitle: '文件编码', up_charsetAsk: '该文件似乎是 GB18030 编码，是否以 GB18030 重新提交？', up_charsetYes: '以 GB18030 重新提交', up_cancel: '取消',
    up_supersedeTitle: '提交新版本', up_supersedeAsk: '{period} 报告期已有已接受的台账（第 {version} 版）。提交后将生成新版本，取代第 {version} 版（原版本仍可查阅）。是否继续？',
    up_supersedeYes: '确认提交', up_checkingPeriod: '正在查询该报告期已报送的台账…',
  },
  en: {
    up_title: 'Submit a ledger', up_file: 'Ledger file', up_fileHint: 'A CSV, JSON or NDJSON file (.csv, .json, .ndjson, .jsonl)', up_encoding: 'Encoding',
    up_encodingHint: 'For CSV files only', up_dryRun: 'Dry run', up_dryRunHint: 'Validate and evaluate without storing', up_institution: 'Institution',
    up_institutionHint: 'The institution code', up_submit: 'Submit', up_progress: 'Upload progress', up_uploading: 'Uploading {loaded} of {total}',
    up_checking: 'Uploaded; the server is checking the ledger…', up_type: 'The type of "{name}" is not known: choose a .csv, .json, .ndjson or .jsonl file.',
    up_noFile: 'Choose a ledger file.', up_rejected: 'The ledger was rejected with {n} error(s).', up_badType: 'Unsupported file type', up_periodExample: 'yyyy-MM',
    up_bytes: '{n} B', up_kilobytes: '{n} KB', up_megabytes: '{n} MB',
    up_charsetTitle: 'File encoding', up_charsetAsk: 'This file appears to be GB18030-encoded. Resubmit it as GB18030?', up_charsetYes: 'Resubmit as GB18030', up_cancel: 'Cancel',
    up_supersedeTitle: 'Submit a new version', up_supersedeAsk: 'Period {period} already has an accepted ledger (version {version}). A new version will supersede version {version} (which stays readable). Continue?',
    up_supersedeYes: 'Confirm', up_checkingPeriod: 'Looking for ledgers already filed for the period…',
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
  if (bytes < 1024) return t('up_bytes', { n: number(bytes, 0) });
  if (bytes < 1024 * 1024) return t('up_kilobytes', { n: number(bytes / 1024, 1) });
  return t('up_megabytes', { n: number(bytes / 1024 / 1024, 1) });
}

/**
 * A fresh Idempotency-Key (api.md): 128 random bits in hex. getRandomValues, unlike randomUUID, is there on a page
 * served over plain HTTP, as an intranet may serve the console.
 */
export function idempotencyKey() {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), b => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Asks a yes-or-no question in a modal dialog named by its title; resolves true for yes, false for cancel or Escape.
 * Focus starts on yes and returns to `back` when the dialog closes.
 */
function ask(main, { title, question, yes, back }) {
  return new Promise(resolve => {
    const yesButton = h('button', { type: 'button' }, yes);
    const noButton = h('button', { type: 'button', class: 'secondary' }, t('up_cancel'));
    const dialog = h('dialog', { class: 'ask', 'aria-labelledby': 'ask-title', 'aria-describedby': 'ask-question' },
      h('h2', { id: 'ask-title' }, title),
      h('p', { id: 'ask-question' }, question),
      h('div', { class: 'actions' }, yesButton, noButton));
    let answer = false;
    yesButton.addEventListener('click', () => { answer = true; dialog.close(); });
    noButton.addEventListener('click', () => dialog.close());
    dialog.addEventListener('close', () => {
      dialog.remove();
      if (!answer && back?.isConnected) back.focus();
      resolve(answer);
    });
    main.append(dialog);
    dialog.showModal();
    yesButton.focus();
  });
}

export default async function render(main, { query, me, isCurrent }) {
  stylesheet('./submit.css');
  const admin = me.role === 'admin';

  const file = h('input', { type: 'file', required: true, accept: '.csv,.json,.ndjson,.jsonl,text/csv,application/json,application/x-ndjson' });
  // The period opens where the data is: the latest period with an accepted ledger, else last month.
  const period = h('input', { type: 'month', required: true, min: '2000-01', value: query.get('period') || me.latestPeriod || lastMonth(), placeholder: t('up_periodExample') });
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

  /** The version of the accepted ledger a new one would supersede: the highest of the period's, or null where there is none. */
  async function acceptedVersion(search) {
    const asked = new URLSearchParams({ period: search.get('period'), status: 'accepted', pageSize: '500' });
    if (search.has('institution')) asked.set('institution', search.get('institution'));
    const answer = await api(`/submissions?${asked}`);
    const versions = (answer.items ?? []).map(item => item.version).filter(v => Number.isInteger(v));
    return versions.length ? Math.max(...versions) : null;
  }

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

    // A new version supersedes the period's accepted ledger: ask first (a dry run stores nothing, so it asks nothing).
    if (!dryRun.checked && /^\d{4}-\d{2}$/.test(period.value)) {
      button.disabled = true;
      replace(progressRegion, h('p', { role: 'status' }, t('up_checkingPeriod')));
      let version;
      try {
        version = await acceptedVersion(search);
      } catch (error) {
        replace(progressRegion);
        replace(result, problemView(error));
        return;
      } finally {
        button.disabled = false;
      }
      replace(progressRegion);
      if (!isCurrent() || !result.isConnected) return;
      if (version !== null && !await ask(main, {
        title: t('up_supersedeTitle'), question: t('up_supersedeAsk', { period: period.value, version: number(version, 0) }), yes: t('up_supersedeYes'), back: button,
      })) return;
    }
    await post(chosen, contentType, search);
  }

  /** Sends the file under a new Idempotency-Key with the upload's progress, then shows the answer. */
  async function post(chosen, contentType, search) {
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
      answer = await upload(`/submissions?${search}`, chosen, contentType, onProgress, { 'Idempotency-Key': idempotencyKey() });
    } catch (error) {
      answer = { error };
    } finally {
      button.disabled = false;
      form.removeAttribute('aria-busy');
    }
    if (!isCurrent() || !result.isConnected) return;
    replace(progressRegion);
    await show(answer, search);

    // A CSV the server could not read as UTF-8 but could as GB18030: offer to send the same file again as GB18030,
    // under a new Idempotency-Key (the charset is not part of a key's fingerprint, so the old key would replay the refusal).
    if (answer.status === 422 && answer.body?.detectedCharset === 'gb18030' && contentType.startsWith('text/csv') && !/gb18030/i.test(contentType)) {
      if (!isCurrent() || !result.isConnected) return;
      const again = await ask(main, { title: t('up_charsetTitle'), question: t('up_charsetAsk'), yes: t('up_charsetYes'), back: button });
      if (!again || !isCurrent() || !result.isConnected) return;
      encoding.value = 'gb18030';
      replace(result);
      await post(chosen, mediaType(chosen.name, 'gb18030'), search);
    }
  }

  async function show(answer, search) {
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
        institution: search.get('institution') ?? me.institution,
        period: search.get('period'),
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

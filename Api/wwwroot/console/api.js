// The public API with the user's own key, kept in sessionStorage only.

import { h } from './dom.js';
import { t, lang } from './i18n.js';

/** The Accept-Language of the page's language, so that the server's problems and ledger errors arrive in it (api.md). */
export const acceptLanguage = () => (lang === 'zh' ? 'zh-CN' : 'en');

const KEY = 'compliance.key';

export const session = {
  get key() { return sessionStorage.getItem(KEY); },
  set key(value) { if (value) sessionStorage.setItem(KEY, value); else sessionStorage.removeItem(KEY); },
  /** The caller, from GET /me: {keyId, prefix, role, institution, jurisdiction}. */
  me: null,
};

/** A problem+json answer (or a failure to reach the server) as an error. */
export class Problem extends Error {
  constructor(status, problem) {
    super(problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem ?? {};
  }
}

/** Called on any 401: back to sign-in. */
export let onUnauthorized = () => {};
export function whenUnauthorized(handler) { onUnauthorized = handler; }

async function problemOf(response) {
  const text = await response.text();
  try { return JSON.parse(text); } catch { return { title: `HTTP ${response.status}`, detail: text.slice(0, 500) }; }
}

/** Calls /api/v1 + path; answers the JSON (or null for 204); throws a Problem for any other status. */
export async function api(path, { method = 'GET', body, key = session.key, headers = {} } = {}) {
  const init = { method, headers: { Accept: 'application/json', 'Accept-Language': acceptLanguage(), ...headers } };
  if (key) init.headers['X-Api-Key'] = key;
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(`/api/v1${path}`, init);
  } catch (error) {
    throw new Problem(0, { title: t('failed'), detail: String(error.message || error) });
  }
  if (response.status === 401 && key === session.key) {
    onUnauthorized();
  }
  if (!response.ok) throw new Problem(response.status, await problemOf(response));
  return response.status === 204 ? null : response.json();
}

/**
 * Posts a file with upload progress (fetch has none): onProgress(loaded, total), with any further headers (a
 * ledger's Idempotency-Key). Resolves {status, body} for any answer; a 401 returns to sign-in.
 */
export function upload(path, file, contentType, onProgress, headers = {}) {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', `/api/v1${path}`);
    request.setRequestHeader('X-Api-Key', session.key);
    request.setRequestHeader('Content-Type', contentType);
    request.setRequestHeader('Accept', 'application/json');
    request.setRequestHeader('Accept-Language', acceptLanguage());
    for (const [name, value] of Object.entries(headers)) request.setRequestHeader(name, value);
    request.upload.addEventListener('progress', e => onProgress(e.loaded, e.lengthComputable ? e.total : file.size));
    request.addEventListener('load', () => {
      if (request.status === 401) onUnauthorized();
      let body = null;
      try { body = JSON.parse(request.responseText); } catch { body = { title: `HTTP ${request.status}`, detail: request.responseText.slice(0, 500) }; }
      resolve({ status: request.status, body });
    });
    request.addEventListener('error', () => reject(new Problem(0, { title: t('failed'), detail: 'network error' })));
    request.send(file);
  });
}

/** Fetches a file with the key header (a plain link cannot carry it) and saves it. */
export async function download(path, fallbackName) {
  const response = await fetch(`/api/v1${path}`, { headers: { 'X-Api-Key': session.key, 'Accept-Language': acceptLanguage() } });
  if (response.status === 401) onUnauthorized();
  if (!response.ok) throw new Problem(response.status, await problemOf(response));
  const disposition = response.headers.get('Content-Disposition') || '';
  const name = /filename\*=UTF-8''([^;]+)/i.exec(disposition)?.[1] ?? /filename="?([^";]+)"?/i.exec(disposition)?.[1];
  const url = URL.createObjectURL(await response.blob());
  const link = h('a', { href: url, download: name ? decodeURIComponent(name) : fallbackName, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The problem's title and detail (and its field errors), for the page: never a blank screen. */
export function problemView(error) {
  const problem = error instanceof Problem ? error.problem : { title: t('failed'), detail: String(error?.message || error) };
  const errors = problem.errors && typeof problem.errors === 'object' && !Array.isArray(problem.errors)
    ? Object.entries(problem.errors).flatMap(([name, messages]) => [].concat(messages).map(m => `${name}: ${m}`))
    : [];
  return h('div', { class: 'problem', role: 'alert' },
    h('strong', {}, problem.title || t('failed')),
    problem.detail ? h('p', {}, problem.detail) : null,
    errors.length ? h('ul', {}, errors.map(e => h('li', {}, e))) : null);
}

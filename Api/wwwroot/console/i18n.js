// Language: Chinese by default, English with the switch or ?lang=en (kept for the session).

const strings = { zh: {}, en: {} };
const stored = sessionStorage.getItem('compliance.lang');
const asked = new URLSearchParams(location.search).get('lang') ?? new URLSearchParams(location.hash.split('?')[1] || '').get('lang');

export let lang = asked === 'en' || asked === 'zh' ? asked : stored === 'en' ? 'en' : 'zh';
sessionStorage.setItem('compliance.lang', lang);
document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';

/** Adds a view's strings: {zh: {key: text}, en: {key: text}}. */
export function addStrings(table) {
  for (const language of ['zh', 'en']) Object.assign(strings[language], table[language]);
}

/** The text of a key in the current language, with {name} placeholders filled. */
export function t(key, values = {}) {
  const text = strings[lang][key] ?? strings.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => (values[name] ?? `{${name}}`));
}

export function setLang(language) {
  lang = language;
  sessionStorage.setItem('compliance.lang', language);
  document.documentElement.lang = language === 'zh' ? 'zh-CN' : 'en';
}

const locale = () => (lang === 'zh' ? 'zh-CN' : 'en-US');

/** Yuan with thousands separators and 2 decimals; '—' for none. */
export function money(value) {
  if (value === null || value === undefined) return '—';
  return new Intl.NumberFormat(locale(), { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(value);
}

/** A number with up to the given decimals; '—' for none. */
export function number(value, decimals = 4) {
  if (value === null || value === undefined) return '—';
  return new Intl.NumberFormat(locale(), { maximumFractionDigits: decimals }).format(value);
}

/** A date (yyyy-MM-dd) or an instant, in the language's convention, in China Standard Time. */
export function date(value) {
  if (!value) return '—';
  const instant = /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T00:00:00+08:00`) : new Date(value);
  const options = value.length > 10
    ? { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Asia/Shanghai' }
    : { dateStyle: 'medium', timeZone: 'Asia/Shanghai' };
  return new Intl.DateTimeFormat(locale(), options).format(instant);
}

/**
 * A rule's name in the words of a set's scope (rules.md, "Names"): the catalogue entry's `names[scope]` (GET /rules),
 * its CBIRC name where the scope is unknown, in the current language.
 */
export function scopedName(rule, scope) {
  if (!rule) return '';
  return localized(rule.names?.[scope] ?? rule.names?.cbirc ?? rule.name);
}

/** A known code by its name in the current language (`cat_rural` → 农村商业银行/农信社); the code itself where none is known. */
export function named(prefix, code) {
  if (code === null || code === undefined || code === '') return '';
  const key = `${prefix}_${code}`;
  return strings[lang][key] ?? strings.en[key] ?? String(code);
}

/** The current language's text of {zh, en}. */
export function localized(text) {
  if (!text) return '';
  return typeof text === 'string' ? text : (text[lang] ?? text.zh ?? text.en ?? '');
}

addStrings({
  zh: {
    skipToContent: '跳到正文', mainNavigation: '主导航',
    apiKey: '接口密钥', signIn: '登录', signOut: '退出', signInTitle: '登录合规控制台', signInHint: '请输入您的接口密钥。密钥只保存在本标签页中，关闭即清除。', banner: '页眉', keyPrefix: '密钥前缀',
    switchLang: 'English', institutions: '机构列表', overview: '总览', exceptions: '监测事项', submit: '报送台账', deadlines: '报送期限', rules: '规则', myInstitution: '本机构',
    loading: '加载中…', notFound: '未找到该页面。', total: '共 {n} 项', page: '第 {page} / {pages} 页', previous: '上一页', next: '下一页',
    failed: '请求失败', role_admin: '管理员', role_regulator: '监管机构', role_institution: '金融机构', jurisdiction: '辖区', national: '全国',
    period: '报告期', institution: '机构', rule: '规则', ruleSet: '规则集', severity: '级别', status: '状态', none: '无',
    sev_breach: '未达标', sev_warning: '预警', sev_overdue: '逾期',
    st_open: '待处理', st_explained: '已说明', st_resolved: '已办结', st_waived: '暂缓', st_waivedUntil: '暂缓（至{date}）', st_cleared: '已消除',
    out_pass: '通过', out_warning: '预警', out_breach: '未达标', out_notApplicable: '不适用', out_baselineMissing: '缺基期', out_notFiled: '未报送', out_pending: '评估中',
    cat_large_state: '国有大型银行', cat_joint_stock: '股份制银行', cat_city_commercial: '城市商业银行', cat_rural: '农村商业银行/农信社', cat_village: '村镇银行',
    cat_policy: '政策性/开发性银行', cat_foreign: '外资银行', cat_other: '其他',
    lvl_head_office: '总行/法人', lvl_provincial: '省级', lvl_municipal: '地市级', lvl_county: '县级',
    legal_true: '法人', legal_false: '分支机构', yes: '是', no: '否',
    base_startOfYear: '年初', base_samePeriodLastYear: '去年同期', base_lastYearStart: '上年年初', base_ytdMonths: '年内各月',
    ts_met: '已达成', ts_onTrack: '按进度', ts_atRisk: '进度滞后', ts_missed: '未达成', ts_noData: '无数据',
    sub_accepted: '已接受', sub_rejected: '已退回',
  },
  en: {
    skipToContent: 'Skip to content', mainNavigation: 'Main',
    banner: 'Header', keyPrefix: 'Key prefix',
    apiKey: 'API key', signIn: 'Sign in', signOut: 'Sign out', signInTitle: 'Sign in to the compliance console', signInHint: 'Enter your API key. It is kept in this tab only and gone when the tab closes.',
    switchLang: '中文', institutions: 'Institutions', overview: 'Overview', exceptions: 'Exceptions', submit: 'Submit a ledger', deadlines: 'Deadlines', rules: 'Rules', myInstitution: 'My institution',
    loading: 'Loading…', notFound: 'No such page.', total: '{n} in all', page: 'Page {page} of {pages}', previous: 'Previous', next: 'Next',
    failed: 'The request failed', role_admin: 'Admin', role_regulator: 'Regulator', role_institution: 'Institution', jurisdiction: 'Jurisdiction', national: 'National',
    period: 'Period', institution: 'Institution', rule: 'Rule', ruleSet: 'Rule set', severity: 'Severity', status: 'Status', none: 'None',
    sev_breach: 'Breach', sev_warning: 'Warning', sev_overdue: 'Overdue',
    st_open: 'Open', st_explained: 'Explained', st_resolved: 'Resolved', st_waived: 'Waived', st_waivedUntil: 'Waived (until {date})', st_cleared: 'Cleared',
    out_pass: 'Pass', out_warning: 'Warning', out_breach: 'Breach', out_notApplicable: 'Not applicable', out_baselineMissing: 'Baseline missing', out_notFiled: 'Not filed', out_pending: 'Pending',
    cat_large_state: 'Large state-owned bank', cat_joint_stock: 'Joint-stock bank', cat_city_commercial: 'City commercial bank', cat_rural: 'Rural commercial bank or credit cooperative', cat_village: 'Village bank',
    cat_policy: 'Policy or development bank', cat_foreign: 'Foreign bank', cat_other: 'Other',
    lvl_head_office: 'Head office / legal person', lvl_provincial: 'Provincial', lvl_municipal: 'Municipal', lvl_county: 'County',
    legal_true: 'Legal person', legal_false: 'Branch', yes: 'Yes', no: 'No',
    base_startOfYear: 'Start of the year', base_samePeriodLastYear: 'Same period last year', base_lastYearStart: 'Start of last year', base_ytdMonths: 'Months of the year to date',
    ts_met: 'Met', ts_onTrack: 'On track', ts_atRisk: 'At risk', ts_missed: 'Missed', ts_noData: 'No data',
    sub_accepted: 'Accepted', sub_rejected: 'Rejected',
  },
});

// What the admin's screens share: the names of categories and levels, a copy button for a secret shown once, and a
// focusable scroll region for a wide table.

import { h } from '../dom.js';
import { t, addStrings } from '../i18n.js';

addStrings({
  zh: {
    adm_copy: '复制', adm_copied: '已复制', adm_copyFailed: '无法复制，请手动选中后复制。', adm_yes: '是', adm_no: '否',
    adm_cat_large_state: '国有大型银行', adm_cat_joint_stock: '股份制银行', adm_cat_city_commercial: '城市商业银行', adm_cat_rural: '农村商业银行/农信社',
    adm_cat_village: '村镇银行', adm_cat_policy: '政策性/开发性银行', adm_cat_foreign: '外资银行', adm_cat_other: '其他',
    adm_lvl_head_office: '总行/法人', adm_lvl_provincial: '省级', adm_lvl_municipal: '地市级', adm_lvl_county: '县级',
  },
  en: {
    adm_copy: 'Copy', adm_copied: 'Copied', adm_copyFailed: 'It could not be copied: select it and copy it by hand.', adm_yes: 'Yes', adm_no: 'No',
    adm_cat_large_state: 'Large state-owned bank', adm_cat_joint_stock: 'Joint-stock bank', adm_cat_city_commercial: 'City commercial bank', adm_cat_rural: 'Rural commercial bank / credit cooperative',
    adm_cat_village: 'Village bank', adm_cat_policy: 'Policy / development bank', adm_cat_foreign: 'Foreign bank', adm_cat_other: 'Other',
    adm_lvl_head_office: 'Head office / legal person', adm_lvl_provincial: 'Provincial', adm_lvl_municipal: 'Municipal', adm_lvl_county: 'County',
  },
});

/** The categories of api.md, in its order. */
export const CATEGORIES = ['large_state', 'joint_stock', 'city_commercial', 'rural', 'village', 'policy', 'foreign', 'other'];

/** The levels of api.md, in its order. */
export const LEVELS = ['head_office', 'provincial', 'municipal', 'county'];

/** A category by its name, its code after it in smaller type. */
export function categoryName(code) {
  return code ? [t(`adm_cat_${code}`), ' ', h('small', { class: 'code' }, code)] : '—';
}

/** A level by its name. */
export function levelName(code) {
  return code ? t(`adm_lvl_${code}`) : '—';
}

/** A wide table in a region of its own that scrolls sideways by itself (and by keyboard), so that the page does not. */
export function scrolling(caption, tableElement) {
  return h('div', { class: 'scroll', tabindex: 0, role: 'region', 'aria-label': caption }, tableElement);
}

/**
 * A secret shown once: the value (a code, read as typed), a button that copies it with the clipboard API, and what
 * the copy did, announced.
 */
export function secretBox(value) {
  const said = h('span', { role: 'status', class: 'adm-copied' });
  const copy = h('button', { type: 'button', class: 'secondary' }, t('adm_copy'));
  copy.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(value);
      said.textContent = t('adm_copied');
    } catch {
      said.textContent = t('adm_copyFailed');
    }
  });
  return h('div', { class: 'adm-secret' }, h('code', { class: 'code adm-secret-value' }, value), ' ', copy, ' ', said);
}

/** The field errors of a 400 by field name (problem.errors), lower-cased first letter as the API names them. */
export function fieldErrors(error) {
  const errors = error?.problem?.errors;
  return errors && typeof errors === 'object' && !Array.isArray(errors) ? errors : {};
}

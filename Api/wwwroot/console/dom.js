// Building the page: every text from the API goes in as a text node, never as HTML, and inert.

// Control characters but tab, CR and LF, line and paragraph separators, and bidirectional embeddings, overrides and
// isolates: the API refuses them in what it stores, and one stored before it did is shown as U+FFFD, so it can neither
// break a line nor reorder the text around it.
const LAYOUT = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069]/g;

/** Text as it may be shown: every layout character replaced by U+FFFD. */
export function inert(text) {
  return String(text).replace(LAYOUT, '\uFFFD');
}

/**
 * An element: h('a', {href: '#/x', class: 'y', onclick: fn}, 'text', child, [more]).
 * Attributes whose value is null, undefined or false are left out; true sets an empty one.
 */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      element.addEventListener(name.slice(2), value);
    } else if (name === 'value' && 'value' in element) {
      element.value = value;
    } else if (name === 'checked' || name === 'selected' || name === 'disabled') {
      element[name] = Boolean(value);
    } else {
      element.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(element, children);
  return element;
}

/** Appends children: strings and numbers as inert text, nodes as they are, arrays flattened, null skipped. */
export function append(parent, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : document.createTextNode(inert(child)));
  }
  return parent;
}

/** Replaces the content of an element. */
export function replace(parent, ...children) {
  parent.replaceChildren();
  return append(parent, children);
}

/**
 * A table with its caption, header cells and one row per item: columns [{head, cell: item => node|text, numeric?}].
 * It comes inside its own scroll box, focusable and named by the caption, so that a wide table scrolls sideways by
 * itself (by keyboard too) and the page never does (console.md, "Focus and small screens"); `attributes` are the
 * table's.
 */
export function table(caption, columns, items, attributes = {}) {
  const element = h('table', attributes,
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, columns.map(c => h('th', { scope: 'col', class: c.numeric ? 'num' : null }, c.head)))),
    h('tbody', {}, items.map(item => h('tr', {}, columns.map((c, i) => {
      const content = c.cell(item);
      return i === 0 && c.rowHeader ? h('th', { scope: 'row' }, content) : h('td', { class: c.numeric ? 'num' : null }, content);
    })))));
  return scrollBox(element);
}

/**
 * A wide table inside a box that scrolls sideways on its own and is focusable, so that a keyboard scrolls it. The box
 * has no role or name of its own: the table inside is announced by its caption, and no landmark's or field's name is
 * repeated by it.
 */
export function scrollBox(tableElement) {
  return h('div', { class: 'table-box', tabindex: '0' }, tableElement);
}

/** A labelled field: label text, then the control; the label names the control. */
let fieldCount = 0;
export function field(label, control, hint) {
  const id = control.id || `f${++fieldCount}`;
  control.id = id;
  return h('div', { class: 'field' }, h('label', { for: id }, label), control, hint ? h('small', {}, hint) : null);
}

/** Parses "#/path/a?x=1" into {parts: ['path','a'], query: URLSearchParams}. */
export function parseHash(hash) {
  const text = (hash || '').replace(/^#\/?/, '');
  const [path, search] = text.split('?');
  return { parts: path.split('/').filter(Boolean).map(decodeURIComponent), query: new URLSearchParams(search || '') };
}

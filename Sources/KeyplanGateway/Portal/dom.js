// DOM building without innerHTML: every piece of text people wrote reaches the page through
// text nodes, so a goal titled `<img src=x onerror=…>` shows as those characters. (The
// Content-Security-Policy forbids inline scripts and styles anyway; this keeps markup out too.)

/**
 * Creates an element. `props`: `class`, `text`, `testid` (→ data-testid), `on…` listeners,
 * `dataset` (object), booleans (`disabled`, `checked`, `required`…) as properties, anything
 * else as an attribute; null/undefined/false props are skipped. Children: nodes, strings
 * (text), arrays (flattened), null/false (skipped).
 */
export function h(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'class') element.className = value;
    else if (key === 'text') element.textContent = value;
    else if (key === 'testid') element.dataset.testid = value;
    else if (key === 'dataset') Object.assign(element.dataset, value);
    else if (key.startsWith('on') && typeof value === 'function') element.addEventListener(key.slice(2).toLowerCase(), value);
    else if (value === true || key === 'value') element[key] = value;
    else element.setAttribute(key, String(value));
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(element, child);
    else element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces an element's content. */
export function replace(element, ...children) {
  element.replaceChildren();
  append(element, children);
  return element;
}

let nextID = 0;
/** A unique id for pairing a label with its control. */
export const uniqueID = (prefix) => `${prefix}-${++nextID}`;

/**
 * A labelled form control: `<div class=field><label for=…>…</label>{control}{hint}</div>`.
 * The control gets an id if it has none, so the label always names it.
 */
export function field(labelText, control, hint) {
  if (!control.id) control.id = uniqueID('field');
  const hintElement = hint ? h('p', { class: 'hint', id: `${control.id}-hint`, text: hint }) : null;
  if (hintElement) control.setAttribute('aria-describedby', hintElement.id);
  return h('div', { class: 'field' }, h('label', { for: control.id, text: labelText }), control, hintElement);
}

/** A `<select>` of `[value, label]` pairs with `selected` chosen. */
export function select(props, options, selected) {
  return h('select', props, options.map(([value, label]) => h('option', { value, selected: value === selected }, label)));
}

/** An error message people can read, announced by screen readers. */
export function errorText(message, props = {}) {
  return h('p', { class: 'error', role: 'alert', ...props }, message);
}

/** A button (type=button unless told). */
export function button(label, onClick, props = {}) {
  return h('button', { type: 'button', onClick, ...props }, label);
}

// Enum values travel as their raw values (`in_progress`); a case name (`inProgress`) is read the same.
export const norm = (value) => (typeof value === 'string' ? value.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`) : value);

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const calendar = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone: 'UTC' });

/** A timestamp (RFC 3339) in the reader's time zone. */
export function formatTime(timestamp) {
  if (!timestamp) return '';
  const date = new Date(timestamp);
  return Number.isNaN(date.getTime()) ? timestamp : dateTime.format(date);
}

/** A calendar day (`YYYY-MM-DD`), which has no time zone: formatted as the day it names. */
export function formatDay(day) {
  if (!day) return '';
  const date = new Date(`${day}T00:00:00Z`);
  return Number.isNaN(date.getTime()) ? day : calendar.format(date);
}

/** A person as people know them. */
export const personName = (actor) => actor?.displayName || actor?.email || 'someone';

/** `<time>` for a timestamp, with the machine-readable value. */
export const timeElement = (timestamp) => h('time', { datetime: timestamp }, formatTime(timestamp));

// A workspace section (goals, action plan…): loads its data, renders it, and refreshes when a
// change arrives live. While someone edits in it, a refresh waits: replacing the page under their
// cursor would lose what they typed, and a stale edit is caught anyway by the co-editing rule
// (the save answers `aborted` with the current record, and they merge).

import { errorText, h, personName, replace, timeElement } from './dom.js';

export class Section {
  constructor(ctx, id, title) {
    this.ctx = ctx;
    this.id = id;
    this.title = title;
    this.heading = h('h2', { id: `heading-${id}`, tabindex: '-1' }, title);
    this.notice = h('p', { class: 'notice', testid: 'stale-notice', hidden: true });
    this.body = h('div', { class: 'section-body' }, h('p', { class: 'muted' }, 'Loading…'));
    this.element = h('section', { id: `section-${id}`, class: 'section', 'aria-labelledby': this.heading.id }, this.heading, this.notice, this.body);
    this.editing = new Set();
    this.stale = false;
    this.generation = 0;
  }

  /** Subclasses: the section's data. */
  async load() {
    return null;
  }

  /** Subclasses: nodes for the data. */
  render(_data) {
    return [];
  }

  /** Whether a live change concerns this section. */
  concerns(_change) {
    return false;
  }

  /** The route's rest (after `/accounts/<id>/<section>`) changed. */
  setRoute(_rest) {}

  onChange(change) {
    if (this.concerns(change)) this.refresh();
  }

  async refresh() {
    if (this.editing.size > 0) {
      this.stale = true;
      this.notice.textContent = 'Someone changed this meanwhile. It updates when you finish editing; saving tells you if your edit conflicts.';
      this.notice.hidden = false;
      return;
    }
    // Only the latest of overlapping refreshes renders.
    const generation = ++this.generation;
    let nodes;
    try {
      nodes = this.render(await this.load());
    } catch (error) {
      nodes = errorText(error.message, { testid: 'section-error' });
    }
    if (generation !== this.generation || this.editing.size > 0) return;
    const hadFocus = this.body.contains(document.activeElement);
    replace(this.body, nodes);
    this.stale = false;
    this.notice.hidden = true;
    // Focus inside the old content is gone with it: keep keyboard users in the section.
    if (hadFocus && !this.body.contains(document.activeElement)) this.heading.focus();
  }

  beginEdit(key) {
    this.editing.add(key);
  }

  /** Ends an edit; refreshes (when nothing else is being edited) to show the saved state. */
  endEdit(key) {
    this.editing.delete(key);
    if (this.editing.size === 0) this.refresh();
  }

  /**
   * An inline editor: `open()` shows `build(close)` in `slot` and marks the section as edited
   * until `close()`. Answers the button that opens it.
   */
  editorButton(label, slot, key, build, props = {}) {
    const open = () => {
      if (this.editing.has(key)) return;
      this.beginEdit(key);
      const close = () => {
        replace(slot);
        opener.hidden = false;
        opener.focus();
        this.endEdit(key);
      };
      opener.hidden = true;
      replace(slot, build(close));
      slot.querySelector('input, select, textarea, button')?.focus();
    };
    const opener = h('button', { type: 'button', onClick: open, ...props }, label);
    return opener;
  }
}

/** Who changed a record last, and when: the co-editing rule's "as read" line. */
export function updatedLine(record) {
  return h(
    'p',
    { class: 'meta' },
    `Updated by ${personName(record.updatedBy)} on `,
    timeElement(record.updatedAt),
    ` · version ${record.version}`,
  );
}

/** Links to a record's discussion and shared history. */
export function recordLinks(ctx, kind, id, title) {
  // Named with the record, so a list of links read out of context still says which is which.
  return [
    h('a', { href: ctx.link('discussion', kind, id), testid: `${kind}-discuss`, 'aria-label': `Discussion of ${title}` }, 'Discussion'),
    h('a', { href: ctx.link('history', id), testid: 'record-history', 'aria-label': `History of ${title}` }, 'History'),
  ];
}

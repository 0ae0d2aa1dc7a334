// The shared history: one record's changes (`Workspace/History`), or, with no record chosen, the
// account's latest changes (`Workspace/Activity`) with a link to each record's history. Who
// changed what, each field before and after; a customer's journal holds shared changes only.

import { rpc } from './api.js';
import { h, norm, personName, timeElement } from './dom.js';
import { Section } from './section.js';

export class HistorySection extends Section {
  constructor(ctx) {
    super(ctx, 'history', 'Shared history');
    this.entityID = null;
  }

  setRoute([entityID]) {
    this.entityID = entityID ?? null;
  }

  concerns(change) {
    return this.entityID === null || change.entityID === this.entityID;
  }

  async load() {
    const accountID = this.ctx.accountID;
    if (this.entityID === null) return { recent: (await rpc('keyplan.Workspace/Activity', { accountID, limit: 50 })).changes };
    return { record: (await rpc('keyplan.Workspace/History', { accountID, entityID: this.entityID })).changes };
  }

  render({ recent, record }) {
    // A seller's journal also holds internal changes; the portal shows what the customer sees.
    const shared = (changes) => changes?.filter((change) => norm(change.visibility) === 'shared');
    [recent, record] = [shared(recent), shared(record)];
    if (recent) {
      return [
        h('p', { class: 'muted' }, 'The latest changes to this workspace, newest first. Open one to see its record’s whole history.'),
        recent.length === 0 ? h('p', { class: 'muted' }, 'Nothing changed yet.') : h('ol', { class: 'changes', id: 'history-list' }, recent.map((change) => this.change(change, true))),
      ];
    }
    return [
      h('p', {}, h('a', { href: this.ctx.link('history'), id: 'history-all' }, 'All recent changes')),
      record.length === 0
        ? h('p', { class: 'muted' }, 'No shared history for this record.')
        : h('ol', { class: 'changes', id: 'history-list' }, record.map((change) => this.change(change, false))),
    ];
  }

  change(change, linked) {
    const deleted = norm(change.operation) === 'deleted';
    return h(
      'li',
      { class: 'change', testid: 'change', dataset: { changeId: String(change.id) } },
      h('p', {}, h('strong', {}, change.summary)),
      h('p', { class: 'meta' }, `${personName(change.actor)} · `, timeElement(change.at), change.version ? ` · version ${change.version}` : null),
      change.fields.length ? h('ul', { class: 'fields' }, change.fields.flatMap((fieldChange) => describe(fieldChange))) : null,
      linked && !deleted ? h('a', { href: this.ctx.link('history', change.entityID), 'aria-label': `History of the record: ${change.summary}` }, 'History of this record') : null,
    );
  }
}

const shown = (value) => (value === null || value === undefined || value === '' ? '(empty)' : value);
// `targetDate` → "Target date".
const fieldName = (name) => {
  const words = name.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/_/g, ' ').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
};

function parseMetrics(text) {
  if (!text) return [];
  try {
    const list = JSON.parse(text);
    return Array.isArray(list) && list.every((metric) => typeof metric?.name === 'string') ? list : null;
  } catch {
    return null;
  }
}

/** A field's change as lines people read; a goal's metrics one line per metric value that changed. */
function describe({ field, before, after }) {
  if (shown(before) === shown(after)) return [];
  const line = (name, from, to) => h('li', {}, h('span', { class: 'field-name' }, name), ': ', shown(from), ' → ', shown(to));
  const old = field === 'metrics' ? parseMetrics(before) : null;
  const now = field === 'metrics' ? parseMetrics(after) : null;
  if (!old || !now) return [line(fieldName(field), before, after)];
  const byName = (list) => new Map(list.map((metric) => [metric.name.toLowerCase(), metric]));
  const [was, is] = [byName(old), byName(now)];
  const lines = [];
  for (const key of new Set([...was.keys(), ...is.keys()])) {
    const [a, b] = [was.get(key), is.get(key)];
    const name = (b ?? a).name;
    const unit = (b ?? a).unit ? ` ${(b ?? a).unit}` : '';
    const value = (metric, part) => (metric?.[part] === undefined || metric?.[part] === null ? null : `${metric[part]}${unit}`);
    if (!b) {
      lines.push(h('li', {}, h('span', { class: 'field-name' }, name), ': removed'));
      continue;
    }
    if (!a) lines.push(h('li', {}, h('span', { class: 'field-name' }, name), ': added'));
    for (const part of ['baseline', 'current', 'target']) {
      if (value(a, part) !== value(b, part)) lines.push(line(`${name}, ${part}`, value(a, part), value(b, part)));
    }
  }
  return lines;
}

// Saving an edit under the co-editing rule: send only the fields the person changed, with the
// version they read. If someone changed the record meanwhile the server refuses (`aborted`) and
// sends the record as it is now; we then show who changed it and when and, per edited field,
// theirs against yours, and retry with the choices on the current version.

import { errorText, formatTime, h, personName, replace } from './dom.js';

/** Values compare as the server holds them: '' and absent are the same, numbers by value. */
export function same(a, b) {
  const x = a === '' || a === undefined ? null : a;
  const y = b === '' || b === undefined ? null : b;
  return typeof x === 'number' || typeof y === 'number' ? x !== null && y !== null && Number(x) === Number(y) : x === y;
}

const pick = (values, keys) => Object.fromEntries(keys.map((key) => [key, values[key]]));

/**
 * Saves `mine` (the form's values) against `base` (the values read, at `version`).
 * - `fields`: `[{ key, label, format? }]` the form edits;
 * - `send(changes, version)`: the call with only `changes` (a subset of `mine`);
 * - `theirsOf(current)`: the fields' values in the current record of a refusal;
 * - `form`: hidden while the conflict is shown; `slot`: where errors and the conflict go;
 * - `done()`: saved, or the person gave up their edit.
 */
export async function saveEdits({ fields, base, mine, version, send, theirsOf, form, slot, done }) {
  const edited = fields.filter((field) => !same(mine[field.key], base[field.key]));
  if (edited.length === 0) return done();

  async function attempt(keys, atVersion) {
    try {
      if (keys.length > 0) await send(pick(mine, keys), atVersion);
      done();
    } catch (error) {
      if (error.code === 'aborted' && error.current) showConflict(error.current);
      else {
        form.hidden = false;
        replace(slot, errorText(error.message, { testid: 'save-error' }));
      }
    }
  }

  function showConflict(current) {
    const theirs = theirsOf(current);
    const rows = edited.map((field) => {
      const format = field.format ?? ((value) => (value === null || value === undefined || value === '' ? '(empty)' : String(value)));
      const name = `conflict-${field.key}-${Math.random().toString(36).slice(2)}`;
      const agree = same(theirs[field.key], mine[field.key]);
      const choice = (value, label, checked) =>
        h('label', { class: 'choice' }, h('input', { type: 'radio', name, value, checked, testid: `conflict-${value}` }), label);
      return h(
        'fieldset',
        { class: 'conflict-field', testid: 'conflict-field', dataset: { field: field.key } },
        h('legend', {}, field.label),
        h(
          'dl',
          { class: 'pair' },
          h('dt', {}, 'Theirs'),
          h('dd', { testid: 'conflict-theirs' }, format(theirs[field.key])),
          h('dt', {}, 'Yours'),
          h('dd', { testid: 'conflict-yours' }, format(mine[field.key])),
        ),
        agree ? h('p', { class: 'muted' }, 'Both are the same.') : [choice('mine', 'Keep mine', true), choice('theirs', 'Take theirs', false)],
      );
    });
    const headingID = `conflict-heading-${current.id ?? 'record'}`;
    const panel = h(
      'div',
      { class: 'conflict', role: 'group', 'aria-labelledby': headingID, testid: 'conflict' },
      h('h4', { id: headingID, tabindex: '-1' }, 'Changed meanwhile'),
      h(
        'p',
        { testid: 'conflict-who' },
        current.updatedBy ? `${personName(current.updatedBy)} changed it on ${formatTime(current.updatedAt)}` : `It changed on ${formatTime(current.updatedAt)}`,
        ` (now version ${current.version}). For each field you edited, choose which value to keep.`,
      ),
      rows,
      h(
        'div',
        { class: 'buttons' },
        h(
          'button',
          {
            type: 'button',
            class: 'primary',
            testid: 'conflict-retry',
            onClick: () => {
              const keep = edited.filter((field) => {
                const row = panel.querySelector(`[data-field="${field.key}"]`);
                const chosen = row.querySelector('input[type=radio]:checked')?.value ?? 'theirs';
                return chosen === 'mine' && !same(mine[field.key], theirs[field.key]);
              });
              attempt(
                keep.map((field) => field.key),
                current.version,
              );
            },
          },
          'Save my choices',
        ),
        h('button', { type: 'button', testid: 'conflict-discard', onClick: () => done() }, 'Discard my changes'),
      ),
    );
    form.hidden = true;
    replace(slot, panel);
    panel.querySelector('h4').focus();
  }

  await attempt(
    edited.map((field) => field.key),
    version,
  );
}

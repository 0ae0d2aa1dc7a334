// The mutual action plan: the shared actions both sides committed to. Editors change an action's
// status, due date and owner (`ActionPlan/UpdateAction`, co-editing rule) and add actions; an
// owner is chosen among the account's participants, as the server requires.

import { rpc } from './api.js';
import { saveEdits } from './conflict.js';
import { button, errorText, field, formatDay, h, norm, replace, select } from './dom.js';
import { recordLinks, Section, updatedLine } from './section.js';

export const actionStatuses = [
  ['open', 'Open'],
  ['in_progress', 'In progress'],
  ['blocked', 'Blocked'],
  ['done', 'Done'],
  ['cancelled', 'Cancelled'],
];
const horizons = [
  ['near', 'Near term'],
  ['long', 'Long term'],
];
const label = (pairs, value) => pairs.find(([key]) => key === norm(value))?.[1] ?? value;

export class ActionsSection extends Section {
  constructor(ctx) {
    super(ctx, 'actions', 'Mutual action plan');
  }

  concerns(change) {
    return norm(change.entity) === 'action';
  }

  async load() {
    // Sellers see what the customer sees: the shared actions (a customer's list holds nothing else).
    const list = await rpc('keyplan.ActionPlan/ListActions', { accountID: this.ctx.accountID, sharedOnly: true, overdueOnly: false });
    return list.actions;
  }

  render(actions) {
    const createSlot = h('div', { class: 'editor' });
    return [
      this.ctx.canEdit
        ? [this.editorButton('New action', createSlot, 'create', (close) => this.createForm(close), { id: 'action-new', class: 'primary' }), createSlot]
        : null,
      actions.length === 0
        ? h('p', { class: 'muted' }, 'No shared actions yet.')
        : h(
            'ol',
            { class: 'cards', id: 'action-list' },
            actions.map((action) => h('li', {}, this.card(action))),
          ),
    ];
  }

  ownerOptions() {
    return [['', 'No owner'], ...this.ctx.participants.map((participant) => [participant.person.userID, this.ctx.participantLabel(participant)])];
  }

  card(action) {
    const slot = h('div', { class: 'editor' });
    return h(
      'article',
      { class: 'card', testid: 'action', dataset: { actionId: action.id } },
      h(
        'div',
        { class: 'card-head' },
        h('h3', { class: 'card-title', testid: 'action-title' }, action.title),
        h('span', { class: `badge status-${norm(action.status)}`, testid: 'action-status' }, label(actionStatuses, action.status)),
        action.overdue ? h('span', { class: 'badge overdue' }, 'Overdue') : null,
        h('span', { class: 'badge' }, label(horizons, action.horizon)),
      ),
      h(
        'p',
        { class: 'meta' },
        h('span', { testid: 'action-owner' }, `Owner: ${action.ownerName ?? 'nobody yet'}`),
        ' · ',
        h('span', { testid: 'action-due' }, action.dueOn ? `Due ${formatDay(action.dueOn)}` : 'No due date'),
      ),
      action.description ? h('p', { class: 'text' }, action.description) : null,
      updatedLine(action),
      h(
        'div',
        { class: 'buttons' },
        this.ctx.canEdit ? this.editorButton('Update', slot, `action:${action.id}`, (close) => this.form(action, close), { testid: 'action-edit' }) : null,
        recordLinks(this.ctx, 'action', action.id, action.title),
      ),
      slot,
    );
  }

  form(action, close) {
    const status = select({ name: 'status' }, actionStatuses, norm(action.status));
    const dueOn = h('input', { type: 'date', name: 'dueOn', value: action.dueOn ?? '' });
    const owner = select({ name: 'ownerID' }, this.ownerOptions(), action.ownerID ?? '');
    const slot = h('div', { class: 'slot' });
    const ownerName = (id) => (id ? (this.ctx.participantByID(id)?.person.displayName ?? 'someone else') : '(none)');
    const fields = [
      { key: 'status', label: 'Status', format: (value) => label(actionStatuses, value) },
      { key: 'dueOn', label: 'Due date', format: (value) => (value ? formatDay(value) : '(none)') },
      { key: 'ownerID', label: 'Owner', format: ownerName },
    ];
    const valuesOf = (record) => ({ status: norm(record.status), dueOn: record.dueOn ?? null, ownerID: record.ownerID ?? null });
    const form = h(
      'form',
      {
        class: 'form',
        testid: 'action-form',
        onSubmit: (event) => {
          event.preventDefault();
          saveEdits({
            fields,
            base: valuesOf(action),
            mine: { status: status.value, dueOn: dueOn.value || null, ownerID: owner.value || null },
            version: action.version,
            theirsOf: valuesOf,
            send: (changes, version) => {
              const request = { accountID: this.ctx.accountID, actionID: action.id, expectedVersion: version, clear: [] };
              for (const [key, value] of Object.entries(changes)) {
                if (value === null) request.clear.push(key === 'dueOn' ? 'due_on' : 'owner');
                else request[key] = value;
              }
              return rpc('keyplan.ActionPlan/UpdateAction', request);
            },
            form,
            slot,
            done: () => {
              this.ctx.announce(`Action “${action.title}” saved.`);
              close();
            },
          });
        },
      },
      h('p', { class: 'form-title' }, `Update: ${action.title}`),
      field('Status', status),
      field('Due date', dueOn),
      field('Owner', owner),
      h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'primary', testid: 'action-save' }, 'Save action'), button('Cancel', close)),
    );
    return [form, slot];
  }

  createForm(close) {
    const title = h('input', { name: 'title', id: 'action-create-title', required: true });
    const description = h('textarea', { name: 'description', id: 'action-create-description', rows: '3' });
    const owner = select({ name: 'ownerID', id: 'action-create-owner' }, this.ownerOptions(), '');
    const dueOn = h('input', { type: 'date', name: 'dueOn', id: 'action-create-due' });
    const status = select({ name: 'status', id: 'action-create-status' }, actionStatuses, 'open');
    const horizon = select({ name: 'horizon', id: 'action-create-horizon' }, horizons, 'near');
    const slot = h('div', { class: 'slot' });
    return h(
      'form',
      {
        class: 'form',
        id: 'action-create-form',
        onSubmit: async (event) => {
          event.preventDefault();
          // The portal adds to the mutual plan only: shared actions.
          const request = {
            accountID: this.ctx.accountID,
            title: title.value.trim(),
            description: description.value,
            status: status.value,
            horizon: horizon.value,
            shared: true,
          };
          if (owner.value) request.ownerID = owner.value;
          if (dueOn.value) request.dueOn = dueOn.value;
          try {
            await rpc('keyplan.ActionPlan/CreateAction', request);
            this.ctx.announce(`Action “${request.title}” added.`);
            close();
          } catch (error) {
            replace(slot, errorText(error.message));
          }
        },
      },
      h('h3', {}, 'New shared action'),
      field('Title', title),
      field('Description', description),
      field('Owner', owner),
      field('Due date', dueOn),
      field('Status', status),
      field('Horizon', horizon),
      slot,
      h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'primary', id: 'action-create-submit' }, 'Add action'), button('Cancel', close)),
    );
  }
}

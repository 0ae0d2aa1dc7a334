// The buyer's journey: the customer's own buying stages, who on their side takes part in each and
// what they need to move on, where they are now, and the actions aligned to each stage. Shared,
// and co-edited: editors change a stage's people and criteria (`Journey/UpdateStage`, co-editing
// rule) and say which stage the customer is in; with no journey yet, they start from the usual one.

import { rpc } from './api.js';
import { saveEdits } from './conflict.js';
import { button, errorText, field, h, norm, replace } from './dom.js';
import { Section, updatedLine } from './section.js';

export class JourneySection extends Section {
  constructor(ctx) {
    super(ctx, 'journey', 'Buying journey');
  }

  concerns(change) {
    return ['buying_stage', 'action', 'process_step'].includes(norm(change.entity));
  }

  async load() {
    return (await rpc('keyplan.Journey/Get', { accountID: this.ctx.accountID })).stages;
  }

  render(stages) {
    if (stages.length === 0) {
      const slot = h('div', { class: 'slot' });
      return [
        h('p', { class: 'muted' }, 'The buying journey has not been mapped yet: the stages your organisation goes through to decide, buy and roll out.'),
        this.ctx.canEdit ? h('p', {}, button('Start with the usual stages', () => this.start(slot), { class: 'primary', testid: 'journey-start' })) : null,
        slot,
      ];
    }
    const current = stages.find((stage) => stage.current);
    return [
      h('p', { class: 'meta', testid: 'journey-current' }, current ? `Now: ${current.name}` : 'The current stage is not set.'),
      h(
        'ol',
        { class: 'cards journey', id: 'journey-stages' },
        stages.map((stage) => h('li', {}, this.card(stage))),
      ),
    ];
  }

  async start(slot) {
    try {
      await rpc('keyplan.Journey/Start', { accountID: this.ctx.accountID, stages: [] });
      this.ctx.announce('Buying journey started with the usual stages.');
      this.refresh();
    } catch (error) {
      replace(slot, errorText(error.message));
    }
  }

  card(stage) {
    const slot = h('div', { class: 'editor' });
    return h(
      'article',
      { class: `card${stage.current ? ' current' : ''}`, testid: 'stage', dataset: { stageId: stage.id }, 'aria-current': stage.current ? 'step' : null },
      h(
        'div',
        { class: 'card-head' },
        h('h3', { class: 'card-title', testid: 'stage-name' }, stage.name),
        stage.current ? h('span', { class: 'badge current', testid: 'stage-current' }, 'We are here') : null,
      ),
      h('h4', {}, 'Who takes part'),
      h('p', { class: stage.customerPeople ? 'text' : 'muted', testid: 'stage-people' }, stage.customerPeople || 'Not recorded'),
      h('h4', {}, 'What is needed to move on'),
      h('p', { class: stage.criteria ? 'text' : 'muted', testid: 'stage-criteria' }, stage.criteria || 'Not recorded'),
      stage.actions.length
        ? [h('h4', {}, 'Our actions for this stage'), h('ul', { testid: 'stage-actions' }, stage.actions.map((action) => h('li', {}, h('a', { href: this.ctx.link('actions') }, action.title))))]
        : null,
      stage.processSteps.length ? [h('h4', {}, 'Key activities'), h('ul', {}, stage.processSteps.map((step) => h('li', {}, step.activity)))] : null,
      updatedLine(stage),
      this.ctx.canEdit
        ? h(
            'div',
            { class: 'buttons' },
            this.editorButton('Update', slot, `stage:${stage.id}`, (close) => this.form(stage, close), { testid: 'stage-edit', 'aria-label': `Update the stage ${stage.name}` }),
            stage.current ? null : button('Mark as the current stage', () => this.markCurrent(stage, slot), { testid: 'stage-mark-current', 'aria-label': `Mark ${stage.name} as the current stage` }),
          )
        : null,
      slot,
    );
  }

  form(stage, close) {
    const people = h('textarea', { name: 'customerPeople', rows: '2', maxlength: '2000', testid: 'stage-people-input' });
    people.value = stage.customerPeople;
    const criteria = h('textarea', { name: 'criteria', rows: '3', maxlength: '2000', testid: 'stage-criteria-input' });
    criteria.value = stage.criteria;
    const slot = h('div', { class: 'slot' });
    const fields = [
      { key: 'customerPeople', label: 'Who takes part' },
      { key: 'criteria', label: 'What is needed to move on' },
    ];
    const valuesOf = (record) => ({ customerPeople: record.customerPeople, criteria: record.criteria });
    const form = h(
      'form',
      {
        class: 'form',
        testid: 'stage-form',
        onSubmit: (event) => {
          event.preventDefault();
          saveEdits({
            fields,
            base: valuesOf(stage),
            mine: { customerPeople: people.value.trim(), criteria: criteria.value.trim() },
            version: stage.version,
            theirsOf: valuesOf,
            send: (changes, version) => rpc('keyplan.Journey/UpdateStage', { accountID: this.ctx.accountID, stageID: stage.id, expectedVersion: version, ...changes }),
            form,
            slot,
            done: () => {
              this.ctx.announce(`Stage “${stage.name}” saved.`);
              close();
            },
          });
        },
      },
      h('p', { class: 'form-title' }, `Update: ${stage.name}`),
      field('Who takes part', people, 'People and roles on the customer’s side, in your words.'),
      field('What is needed to move on', criteria),
      h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'primary', testid: 'stage-save' }, 'Save stage'), button('Cancel', close)),
    );
    return [form, slot];
  }

  async markCurrent(stage, slot) {
    try {
      await rpc('keyplan.Journey/UpdateStage', { accountID: this.ctx.accountID, stageID: stage.id, expectedVersion: stage.version, current: true });
      this.ctx.announce(`“${stage.name}” is now the current stage.`);
      this.refresh();
    } catch (error) {
      if (error.code !== 'aborted') return replace(slot, errorText(error.message));
      this.ctx.announce('The stage changed since you opened it: here it is as it is now.');
      this.refresh();
    }
  }
}

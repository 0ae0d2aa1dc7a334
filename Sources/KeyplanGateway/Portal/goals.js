// Goals as the customer's plan reads: each goal with its objectives and initiatives, their metrics
// and the solutions we linked. Editors (sellers, customer editors) create goals, change a goal's
// title, status, target date and description (`Goals/Update`) and set one metric at a time
// (`Goals/SetMetric`), both under the co-editing rule.

import { rpc } from './api.js';
import { saveEdits } from './conflict.js';
import { button, errorText, field, formatDay, h, norm, replace, select } from './dom.js';
import { recordLinks, Section, updatedLine } from './section.js';

const statuses = [
  ['active', 'Active'],
  ['achieved', 'Achieved'],
  ['dropped', 'Dropped'],
];
const kinds = [
  ['goal', 'Goal'],
  ['objective', 'Objective'],
  ['initiative', 'Initiative'],
];
const label = (pairs, value) => pairs.find(([key]) => key === norm(value))?.[1] ?? value;

// A decimal as typed: '' is empty (null); anything else must be a number. A phone's decimal keypad
// may type a comma ("12,5"); "1,000" and "1,000.5" are read with the comma as a thousands separator.
function parseDecimal(text, name) {
  let trimmed = text.trim().replace(/\s/g, '');
  trimmed = /^-?\d{1,3}(,\d{3})+(\.\d+)?$/.test(trimmed) ? trimmed.replace(/,/g, '') : trimmed.replace(',', '.');
  if (trimmed === '') return null;
  const value = Number(trimmed);
  if (!Number.isFinite(value)) throw new Error(`${name}: enter a number, such as 12.5`);
  return value;
}
const metricColumns = [
  ['baseline', 'Baseline'],
  ['current', 'Current'],
  ['target', 'Target'],
];
const showNumber = (value, unit) => (value === null || value === undefined ? '—' : unit ? `${value} ${unit}` : String(value));

export class GoalsSection extends Section {
  constructor(ctx) {
    super(ctx, 'goals', 'Goals');
  }

  concerns(change) {
    return ['goal', 'goal_solution'].includes(norm(change.entity));
  }

  async load() {
    return (await rpc('keyplan.Goals/List', { accountID: this.ctx.accountID })).nodes;
  }

  render(nodes) {
    const roots = nodes.filter((node) => norm(node.goal.kind) === 'goal').map((node) => node.goal);
    const createSlot = h('div', { class: 'editor' });
    return [
      this.ctx.canEdit
        ? [this.editorButton('New goal', createSlot, 'create', (close) => this.createForm(roots, close), { id: 'goal-new', class: 'primary' }), createSlot]
        : null,
      nodes.length === 0
        ? h('p', { class: 'muted', testid: 'goals-empty' }, 'No goals yet.')
        : h(
            'ul',
            { class: 'tree', id: 'goal-tree' },
            nodes.map((node) =>
              h(
                'li',
                {},
                this.card(node.goal, 3),
                node.children.length ? h('ul', { class: 'tree children' }, node.children.map((child) => h('li', {}, this.card(child, 4)))) : null,
              ),
            ),
          ),
    ];
  }

  card(goal, level) {
    const slot = h('div', { class: 'editor' });
    const editable = this.ctx.canEdit;
    return h(
      'article',
      { class: 'card', testid: 'goal', dataset: { goalId: goal.id } },
      h(
        'div',
        { class: 'card-head' },
        h(`h${level}`, { class: 'card-title', testid: 'goal-title' }, goal.title),
        h('span', { class: 'badge' }, label(kinds, goal.kind)),
        h('span', { class: `badge status-${norm(goal.status)}`, testid: 'goal-status' }, label(statuses, goal.status)),
      ),
      goal.targetDate || goal.department
        ? h(
            'p',
            { class: 'meta' },
            goal.targetDate ? h('span', { testid: 'goal-target-date' }, `Target date: ${formatDay(goal.targetDate)}`) : null,
            goal.targetDate && goal.department ? ' · ' : null,
            goal.department ? `Department: ${goal.department}` : null,
          )
        : null,
      goal.description ? h('p', { class: 'text', testid: 'goal-description' }, goal.description) : null,
      this.metrics(goal, slot),
      goal.solutions.length
        ? h(
            'div',
            { class: 'solutions' },
            h('h5', {}, 'How we help'),
            h(
              'ul',
              {},
              goal.solutions.map((solution) => h('li', {}, h('strong', {}, solution.solution), solution.note ? ` — ${solution.note}` : null)),
            ),
          )
        : null,
      updatedLine(goal),
      h(
        'div',
        { class: 'buttons' },
        editable ? this.editorButton('Edit goal', slot, `goal:${goal.id}`, (close) => this.goalForm(goal, close), { testid: 'goal-edit' }) : null,
        editable
          ? this.editorButton('Add metric', slot, `metric:${goal.id}:new`, (close) => this.metricForm(goal, null, close), { testid: 'metric-add' })
          : null,
        recordLinks(this.ctx, 'goal', goal.id, goal.title),
      ),
      slot,
    );
  }

  metrics(goal, slot) {
    if (goal.metrics.length === 0) return h('p', { class: 'muted' }, 'No metrics yet.');
    return h(
      'table',
      { class: 'metrics' },
      h('caption', { class: 'visually-hidden' }, `Metrics of ${goal.title}`),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Metric'), metricColumns.map(([, name]) => h('th', { scope: 'col' }, name)))),
      h(
        'tbody',
        {},
        goal.metrics.map((metric) =>
          h(
            'tr',
            { testid: 'metric', dataset: { metricName: metric.name } },
            h(
              'th',
              { scope: 'row' },
              metric.name,
              this.ctx.canEdit
                ? [
                    ' ',
                    this.editorButton('Edit', slot, `metric:${goal.id}:${metric.name}`, (close) => this.metricForm(goal, metric, close), {
                      class: 'small',
                      testid: 'metric-edit',
                      'aria-label': `Edit metric ${metric.name}`,
                    }),
                  ]
                : null,
            ),
            // data-label: a narrow screen shows each value with its name, the table's head hidden.
            metricColumns.map(([key, name]) => h('td', { dataset: { field: key, label: name } }, showNumber(metric[key], metric.unit))),
          ),
        ),
      ),
    );
  }

  goalForm(goal, close) {
    const title = h('input', { name: 'title', value: goal.title, required: true, maxlength: '300' });
    const status = select({ name: 'status' }, statuses, norm(goal.status));
    const targetDate = h('input', { type: 'date', name: 'targetDate', value: goal.targetDate ?? '' });
    const description = h('textarea', { name: 'description', rows: '4', value: goal.description });
    const slot = h('div', { class: 'slot' });
    const fields = [
      { key: 'title', label: 'Title' },
      { key: 'status', label: 'Status', format: (value) => label(statuses, value) },
      { key: 'targetDate', label: 'Target date', format: (value) => (value ? formatDay(value) : '(none)') },
      { key: 'description', label: 'Description' },
    ];
    const form = h(
      'form',
      {
        class: 'form',
        testid: 'goal-form',
        onSubmit: (event) => {
          event.preventDefault();
          saveEdits({
            fields,
            base: { title: goal.title, status: norm(goal.status), targetDate: goal.targetDate ?? null, description: goal.description },
            mine: { title: title.value, status: status.value, targetDate: targetDate.value || null, description: description.value },
            version: goal.version,
            theirsOf: (current) => ({
              title: current.title,
              status: norm(current.status),
              targetDate: current.targetDate ?? null,
              description: current.description,
            }),
            send: (changes, version) => {
              const request = { accountID: this.ctx.accountID, goalID: goal.id, expectedVersion: version, clear: [] };
              for (const [key, value] of Object.entries(changes)) {
                if (key === 'targetDate' && value === null) request.clear.push('target_date');
                else request[key] = value;
              }
              return rpc('keyplan.Goals/Update', request);
            },
            form,
            slot,
            done: () => {
              this.ctx.announce(`Goal “${title.value}” saved.`);
              close();
            },
          });
        },
      },
      field('Title', title),
      field('Status', status),
      field('Target date', targetDate),
      field('Description', description),
      h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'primary', testid: 'goal-save' }, 'Save goal'), button('Cancel', close)),
    );
    return [form, slot];
  }

  metricForm(goal, metric, close) {
    const isNew = metric === null;
    const name = isNew ? h('input', { name: 'name', required: true, maxlength: '200' }) : null;
    const unit = h('input', { name: 'unit', value: metric?.unit ?? '', maxlength: '50' });
    const inputs = Object.fromEntries(
      ['baseline', 'current', 'target'].map((key) => [key, h('input', { name: key, inputmode: 'decimal', value: metric?.[key] ?? '' })]),
    );
    const slot = h('div', { class: 'slot' });
    const form = h(
      'form',
      {
        class: 'form',
        testid: 'metric-form',
        onSubmit: (event) => {
          event.preventDefault();
          let mine;
          try {
            mine = {
              unit: unit.value.trim(),
              baseline: parseDecimal(inputs.baseline.value, 'Baseline'),
              current: parseDecimal(inputs.current.value, 'Current'),
              target: parseDecimal(inputs.target.value, 'Target'),
            };
          } catch (error) {
            replace(slot, errorText(error.message));
            return;
          }
          const metricName = isNew ? name.value.trim() : metric.name;
          if (!metricName) return replace(slot, errorText('Give the metric a name.'));
          const valuesOf = (record) => {
            const found = record?.metrics?.find((other) => other.name.toLowerCase() === metricName.toLowerCase());
            const values = { unit: found?.unit ?? '', baseline: found?.baseline ?? null, current: found?.current ?? null, target: found?.target ?? null };
            return isNew ? { name: found?.name ?? null, ...values } : values;
          };
          const fields = [
            { key: 'unit', label: 'Unit' },
            { key: 'baseline', label: 'Baseline' },
            { key: 'current', label: 'Current' },
            { key: 'target', label: 'Target' },
          ];
          // A new metric always counts its name as edited, so it is sent even with nothing else.
          if (isNew) {
            fields.unshift({ key: 'name', label: 'Name' });
            mine.name = metricName;
          }
          const base = isNew ? { name: null, unit: '', baseline: null, current: null, target: null } : valuesOf(goal);
          saveEdits({
            fields,
            base,
            mine,
            version: goal.version,
            theirsOf: valuesOf,
            send: (changes, version) => {
              const request = { accountID: this.ctx.accountID, goalID: goal.id, expectedVersion: version, name: metricName, clear: [] };
              for (const [key, value] of Object.entries(changes)) {
                if (key === 'name') continue; // named by the request itself
                if (key === 'unit') request.unit = value;
                else if (value === null) request.clear.push(key);
                else request[key] = value;
              }
              return rpc('keyplan.Goals/SetMetric', request);
            },
            form,
            slot,
            done: () => {
              this.ctx.announce(`Metric “${metricName}” saved.`);
              close();
            },
          });
        },
      },
      isNew ? field('Metric name', name) : h('p', { class: 'form-title' }, `Metric: ${metric.name}`),
      field('Unit', unit, 'Such as %, EUR or days'),
      field('Baseline', inputs.baseline),
      field('Current', inputs.current),
      field('Target', inputs.target),
      h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'primary', testid: 'metric-save' }, 'Save metric'), button('Cancel', close)),
    );
    return [form, slot];
  }

  createForm(roots, close) {
    const title = h('input', { name: 'title', id: 'goal-create-title', required: true, maxlength: '300' });
    const kind = select({ name: 'kind', id: 'goal-create-kind' }, kinds, 'goal');
    const parent = select(
      { name: 'parentID', id: 'goal-create-parent' },
      [['', 'None'], ...roots.map((goal) => [goal.id, goal.title])],
      '',
    );
    const status = select({ name: 'status', id: 'goal-create-status' }, statuses, 'active');
    const targetDate = h('input', { type: 'date', name: 'targetDate', id: 'goal-create-target-date' });
    const description = h('textarea', { name: 'description', id: 'goal-create-description', rows: '3' });
    const slot = h('div', { class: 'slot' });
    return h(
      'form',
      {
        class: 'form',
        id: 'goal-create-form',
        onSubmit: async (event) => {
          event.preventDefault();
          const goal = { kind: kind.value, title: title.value.trim(), description: description.value, department: '', status: status.value, metrics: [] };
          if (parent.value && kind.value !== 'goal') goal.parentID = parent.value;
          if (targetDate.value) goal.targetDate = targetDate.value;
          try {
            await rpc('keyplan.Goals/Create', { accountID: this.ctx.accountID, goal });
            this.ctx.announce(`Goal “${goal.title}” created.`);
            close();
          } catch (error) {
            replace(slot, errorText(error.message));
          }
        },
      },
      h('h3', {}, 'New goal'),
      field('Title', title),
      field('Kind', kind),
      field('Under goal', parent, 'For objectives and initiatives'),
      field('Status', status),
      field('Target date', targetDate),
      field('Description', description),
      slot,
      h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'primary', id: 'goal-create-submit' }, 'Create goal'), button('Cancel', close)),
    );
  }
}

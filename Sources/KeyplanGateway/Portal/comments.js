// Shared comments, on a goal, an action or a roadmap review (`Comments/List`, `Comments/Add`). A
// live change refreshes the thread only, never the form: a comment being typed stays as it is.

import { rpc } from './api.js';
import { errorText, field, formatDay, h, norm, replace, timeElement } from './dom.js';
import { Section } from './section.js';

export class DiscussionSection extends Section {
  constructor(ctx) {
    super(ctx, 'discussion', 'Discussion');
    this.subject = null; // { kind, id }
    this.subjects = null;
    this.thread = h('div', { class: 'thread', 'aria-live': 'polite' });
    this.formSlot = h('div');
    this.pickerSlot = h('div');
  }

  setRoute([kind, id]) {
    const subject = kind && id ? { kind, id } : null;
    const changed = subject?.kind !== this.subject?.kind || subject?.id !== this.subject?.id;
    this.subject = subject;
    if (changed) this.formKey = null;
  }

  concerns(change) {
    return ['comment', 'goal', 'action', 'review'].includes(norm(change.entity));
  }

  onChange(change) {
    // A comment: refresh the thread; a record renamed, added or removed: the picker too.
    if (norm(change.entity) === 'comment') this.refreshThread();
    else if (this.concerns(change)) this.refresh();
  }

  async refresh() {
    // Once shown, the picker, thread and form are updated in place: focus and typing stay put.
    if (!this.body.contains(this.thread)) return super.refresh();
    try {
      const nodes = this.render(await this.load());
      if (!Array.isArray(nodes)) replace(this.body, nodes);
    } catch (error) {
      replace(this.thread, errorText(error.message));
    }
  }

  async load() {
    const accountID = this.ctx.accountID;
    const [tree, actions, reviews] = await Promise.all([
      rpc('keyplan.Goals/List', { accountID }),
      rpc('keyplan.ActionPlan/ListActions', { accountID, sharedOnly: true, overdueOnly: false }),
      rpc('keyplan.ActionPlan/ListReviews', { accountID }),
    ]);
    const goals = tree.nodes.flatMap((node) => [node.goal, ...node.children]);
    return {
      goal: goals.map((goal) => [goal.id, goal.title]),
      action: actions.actions.map((action) => [action.id, action.title]),
      review: reviews.reviews.map((review) => [review.id, `Review of ${formatDay(review.heldOn)}`]),
    };
  }

  render(subjects) {
    this.subjects = subjects;
    if (!this.subject) {
      const first = ['goal', 'action', 'review'].map((kind) => subjects[kind][0] && { kind, id: subjects[kind][0][0] }).find(Boolean);
      if (!first) return h('p', { class: 'muted' }, 'Comments are about a goal, an action or a review; there are none yet.');
      this.subject = first;
      history.replaceState(null, '', this.ctx.link('discussion', first.kind, first.id));
    }
    const picker = h(
      'select',
      {
        id: 'discussion-subject',
        onChange: () => {
          const [kind, id] = picker.value.split(':');
          this.ctx.navigate(this.ctx.link('discussion', kind, id));
        },
      },
      [
        ['goal', 'Goals'],
        ['action', 'Actions'],
        ['review', 'Reviews'],
      ].map(([kind, groupLabel]) =>
        subjects[kind].length
          ? h(
              'optgroup',
              { label: groupLabel },
              subjects[kind].map(([id, title]) =>
                h('option', { value: `${kind}:${id}`, selected: kind === this.subject.kind && id === this.subject.id }, title),
              ),
            )
          : null,
      ),
    );
    replace(this.pickerSlot, field('Discussion about', picker));
    // The form survives refreshes of the same subject (its text is someone's unsent comment).
    const key = `${this.subject.kind}:${this.subject.id}`;
    if (this.formKey !== key) {
      this.formKey = key;
      replace(this.formSlot, this.ctx.canEdit ? this.form() : null);
    }
    this.refreshThread();
    return [this.pickerSlot, this.thread, this.formSlot];
  }

  async refreshThread() {
    if (!this.subject) return;
    const subject = this.subject;
    try {
      const list = await rpc('keyplan.Comments/List', { accountID: this.ctx.accountID, subject });
      if (subject !== this.subject) return;
      // A seller also receives the team's internal comments; the portal shows what the customer sees.
      list.comments = list.comments.filter((comment) => comment.shared);
      replace(
        this.thread,
        list.comments.length === 0
          ? h('p', { class: 'muted', testid: 'comments-empty' }, 'No comments yet.')
          : h('ol', { class: 'comments', id: 'comment-list' }, list.comments.map((comment) => this.comment(comment))),
      );
    } catch (error) {
      replace(this.thread, errorText(error.message));
    }
  }

  comment(comment) {
    return h(
      'li',
      { class: 'comment', testid: 'comment', dataset: { commentId: comment.id } },
      h('p', { class: 'meta' }, h('strong', {}, comment.author.displayName), ' · ', timeElement(comment.createdAt)),
      h('p', { class: 'text', testid: 'comment-body' }, comment.body),
      comment.mentions.length ? h('p', { class: 'meta' }, `Mentioned: ${comment.mentions.map((person) => person.displayName).join(', ')}`) : null,
    );
  }

  form() {
    const body = h('textarea', { id: 'comment-body', name: 'body', rows: '3', required: true, maxlength: '10000' });
    const others = this.ctx.participants.filter((participant) => participant.person.userID !== this.ctx.me.userID);
    const boxes = others.map((participant) =>
      h(
        'label',
        { class: 'choice' },
        h('input', { type: 'checkbox', name: 'mention', value: participant.person.userID, testid: 'mention' }),
        this.ctx.participantLabel(participant),
      ),
    );
    const slot = h('div', { class: 'slot' });
    const submit = h('button', { type: 'submit', class: 'primary', id: 'comment-submit' }, 'Add comment');
    return h(
      'form',
      {
        class: 'form',
        id: 'comment-form',
        onSubmit: async (event) => {
          event.preventDefault();
          if (!body.value.trim()) return replace(slot, errorText('Write a comment first.'));
          const request = {
            accountID: this.ctx.accountID,
            subject: this.subject,
            body: body.value,
            mentions: boxes.map((box) => box.querySelector('input')).filter((input) => input.checked).map((input) => input.value),
          };
          // A seller's comment is internal unless marked shared; in the portal everything is shared.
          if (this.ctx.me.kind !== 'customer') request.shared = true;
          submit.disabled = true;
          try {
            await rpc('keyplan.Comments/Add', request);
            body.value = '';
            for (const box of boxes) box.querySelector('input').checked = false;
            replace(slot);
            this.ctx.announce('Comment added.');
            await this.refreshThread();
          } catch (error) {
            replace(slot, errorText(error.message));
          } finally {
            submit.disabled = false;
          }
        },
      },
      field('Your comment', body, 'Everyone on this workspace can read it, the account team and the customer.'),
      others.length ? h('fieldset', { class: 'mentions' }, h('legend', {}, 'Mention (they are notified)'), boxes) : null,
      slot,
      h('div', { class: 'buttons' }, submit),
    );
  }
}

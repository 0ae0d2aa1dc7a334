// Executive reviews with the customer: planned with an agenda both sides build (editors add and
// remove items), held with attendees, decisions and follow-up actions, and signed off by one of the
// customer's people (`ActionPlan/SignOffReview`, as read: a review changed meanwhile answers
// `aborted`, and the card shows the current one). The account team records the meeting itself.

import { actionStatuses } from './actions.js';
import { rpc } from './api.js';
import { button, errorText, field, formatDay, h, norm, personName, replace, timeElement } from './dom.js';
import { recordLinks, Section, updatedLine } from './section.js';

const statusLabel = (status) => actionStatuses.find(([key]) => key === norm(status))?.[1] ?? status;

export class ReviewsSection extends Section {
  constructor(ctx) {
    super(ctx, 'reviews', 'Executive reviews');
  }

  concerns(change) {
    return norm(change.entity) === 'review';
  }

  async load() {
    return (await rpc('keyplan.ActionPlan/ListReviews', { accountID: this.ctx.accountID })).reviews;
  }

  render(reviews) {
    if (reviews.length === 0) return h('p', { class: 'muted' }, 'No review planned or held yet.');
    return h(
      'ol',
      { class: 'cards', id: 'review-list' },
      reviews.map((review) => h('li', {}, this.card(review))),
    );
  }

  card(review) {
    const planned = norm(review.status) === 'planned';
    const title = planned ? `Review planned for ${formatDay(review.heldOn)}` : `Review of ${formatDay(review.heldOn)}`;
    const slot = h('div', { class: 'editor' });
    return h(
      'article',
      { class: 'card', testid: 'review', dataset: { reviewId: review.id } },
      h(
        'div',
        { class: 'card-head' },
        h('h3', { class: 'card-title' }, title),
        h('span', { class: `badge review-${planned ? 'planned' : 'held'}`, testid: 'review-status' }, planned ? 'Planned' : 'Held'),
      ),
      h('p', { class: 'meta' }, 'Attendees: ', [...review.attendees.map((person) => person.displayName), ...review.guests].join(', ') || 'not recorded'),
      this.agenda(review, title),
      review.decisions.length ? [h('h4', {}, 'Decisions'), h('ul', { testid: 'review-decisions' }, review.decisions.map((decision) => h('li', {}, decision)))] : null,
      review.followUps.length
        ? [
            h('h4', {}, 'Follow-up actions'),
            h(
              'ul',
              { testid: 'review-follow-ups' },
              review.followUps.map((action) => h('li', {}, h('a', { href: this.ctx.link('actions') }, action.title), ` (${statusLabel(action.status)})`)),
            ),
          ]
        : null,
      review.notes ? [h('h4', {}, 'Notes'), h('p', { class: 'text' }, review.notes)] : null,
      h('p', { class: 'meta' }, review.nextReviewOn ? `Next review: ${formatDay(review.nextReviewOn)}` : 'No next review planned'),
      this.signOff(review, slot),
      updatedLine(review),
      h('div', { class: 'buttons' }, recordLinks(this.ctx, 'review', review.id, title)),
      slot,
    );
  }

  /** The agenda in order; editors add items and take them off again. */
  agenda(review, title) {
    const items = [...review.agenda].sort((a, b) => a.position - b.position);
    const slot = h('div', { class: 'editor' });
    return [
      h('h4', {}, 'Agenda'),
      items.length === 0
        ? h('p', { class: 'muted' }, 'Nothing on the agenda yet.')
        : h(
            'ol',
            { testid: 'review-agenda' },
            items.map((item) =>
              h(
                'li',
                { dataset: { itemId: item.id } },
                h('span', { testid: 'agenda-title' }, item.title),
                h('span', { class: 'meta' }, ` — added by ${personName(item.addedBy)}`),
                this.ctx.canEdit
                  ? button('Remove', () => this.removeItem(review, item, slot), { class: 'small', 'aria-label': `Remove “${item.title}” from the agenda of ${title}` })
                  : null,
              ),
            ),
          ),
      this.ctx.canEdit
        ? [this.editorButton('Add to the agenda', slot, `agenda:${review.id}`, (close) => this.agendaForm(review, close), { testid: 'agenda-add' }), slot]
        : null,
    ];
  }

  agendaForm(review, close) {
    const title = h('input', { name: 'title', required: true, maxlength: '200', testid: 'agenda-item-title' });
    const slot = h('div', { class: 'slot' });
    return h(
      'form',
      {
        class: 'form',
        testid: 'agenda-form',
        onSubmit: async (event) => {
          event.preventDefault();
          try {
            await rpc('keyplan.ActionPlan/AddAgendaItem', { accountID: this.ctx.accountID, reviewID: review.id, title: title.value.trim() });
            this.ctx.announce(`“${title.value.trim()}” added to the agenda.`);
            close();
          } catch (error) {
            replace(slot, errorText(error.message));
          }
        },
      },
      field('Item', title, 'What to discuss: a goal, an action, a result.'),
      slot,
      h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'primary', testid: 'agenda-save' }, 'Add item'), button('Cancel', close)),
    );
  }

  async removeItem(review, item, slot) {
    try {
      await rpc('keyplan.ActionPlan/RemoveAgendaItem', { accountID: this.ctx.accountID, reviewID: review.id, itemID: item.id });
      this.ctx.announce(`“${item.title}” taken off the agenda.`);
      this.refresh();
    } catch (error) {
      replace(slot, errorText(error.message));
    }
  }

  /** Who signed the review off; for the customer's people, the sign-off itself once it was held. */
  signOff(review, slot) {
    if (review.signOff) {
      return h('p', { class: 'signed', testid: 'review-signed' }, `Signed off by ${personName(review.signOff.by)} on `, timeElement(review.signOff.at));
    }
    if (norm(review.status) === 'planned') return null;
    if (this.ctx.me.kind !== 'customer') return h('p', { class: 'muted', testid: 'review-unsigned' }, 'Not signed off by the customer yet.');
    return h(
      'p',
      {},
      button('Sign off this review', () => this.sign(review, slot), { class: 'primary', testid: 'review-sign-off' }),
      h('span', { class: 'hint' }, ' Confirms that the decisions and follow-ups above are what was agreed.'),
    );
  }

  async sign(review, slot) {
    try {
      await rpc('keyplan.ActionPlan/SignOffReview', { accountID: this.ctx.accountID, reviewID: review.id, expectedVersion: review.version });
      this.ctx.announce('Review signed off.');
      this.refresh();
    } catch (error) {
      // A review changed since it was read is not signed: show the current one and say so.
      if (error.code !== 'aborted') return replace(slot, errorText(error.message));
      this.ctx.announce('The review changed since you opened it: here it is as it is now. Read it, then sign off.');
      this.refresh();
    }
  }
}

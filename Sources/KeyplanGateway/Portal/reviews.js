// Roadmap reviews held with the customer: when, who attended, what was decided, the next one.
// Recorded by the account team; read here.

import { rpc } from './api.js';
import { formatDay, h, norm } from './dom.js';
import { recordLinks, Section, updatedLine } from './section.js';

export class ReviewsSection extends Section {
  constructor(ctx) {
    super(ctx, 'reviews', 'Roadmap reviews');
  }

  concerns(change) {
    return norm(change.entity) === 'review';
  }

  async load() {
    return (await rpc('keyplan.ActionPlan/ListReviews', { accountID: this.ctx.accountID })).reviews;
  }

  render(reviews) {
    if (reviews.length === 0) return h('p', { class: 'muted' }, 'No roadmap review yet.');
    return h(
      'ol',
      { class: 'cards', id: 'review-list' },
      reviews.map((review) =>
        h(
          'li',
          {},
          h(
            'article',
            { class: 'card', testid: 'review', dataset: { reviewId: review.id } },
            h('h3', { class: 'card-title' }, `Review of ${formatDay(review.heldOn)}`),
            h('p', { class: 'meta' }, 'Attendees: ', [...review.attendees.map((person) => person.displayName), ...review.guests].join(', ') || 'not recorded'),
            review.decisions.length ? [h('h4', {}, 'Decisions'), h('ul', {}, review.decisions.map((decision) => h('li', {}, decision)))] : null,
            review.notes ? [h('h4', {}, 'Notes'), h('p', { class: 'text' }, review.notes)] : null,
            h('p', { class: 'meta' }, review.nextReviewOn ? `Next review: ${formatDay(review.nextReviewOn)}` : 'No next review planned'),
            updatedLine(review),
            h('div', { class: 'buttons' }, recordLinks(this.ctx, 'review', review.id, `the review of ${formatDay(review.heldOn)}`)),
          ),
        ),
      ),
    );
  }
}

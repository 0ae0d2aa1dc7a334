// The customer value scorecard: the open round to answer (`Scorecards/Answer`) and the customer's
// own past answers. A customer receives the criteria without weights and only their own response;
// results across respondents are seller-internal and not shown here (sellers see what the
// customer sees, minus the form: only invited customers answer).

import { rpc } from './api.js';
import { button, errorText, field, formatTime, h, norm, replace, timeElement } from './dom.js';
import { Section } from './section.js';

export class ScorecardsSection extends Section {
  constructor(ctx) {
    super(ctx, 'scorecards', 'Scorecard');
  }

  concerns(change) {
    return ['scoring_round', 'scorecard_response'].includes(norm(change.entity));
  }

  async load() {
    const { rounds } = await rpc('keyplan.Scorecards/ListRounds', { accountID: this.ctx.accountID });
    // The open rounds and the latest closed ones, with their criteria and (the caller's own) answers.
    const shown = [...rounds.filter((round) => round.isOpen), ...rounds.filter((round) => !round.isOpen).slice(0, 8)];
    return Promise.all(shown.map((round) => rpc('keyplan.Scorecards/GetRound', { accountID: this.ctx.accountID, roundID: round.id })));
  }

  myResponse(detail) {
    return detail.responses.find((response) => response.respondentID === this.ctx.me.userID) ?? null;
  }

  render(details) {
    const open = details.filter((detail) => detail.round.isOpen);
    const past = details.filter((detail) => !detail.round.isOpen);
    return [
      h('h3', {}, 'Open for your answers'),
      open.length === 0 ? h('p', { class: 'muted', testid: 'no-open-round' }, 'No scorecard is open right now.') : open.map((detail) => this.openRound(detail)),
      h('h3', {}, 'Your past answers'),
      past.length === 0 ? h('p', { class: 'muted' }, 'No earlier rounds.') : h('ul', { class: 'cards' }, past.map((detail) => h('li', {}, this.pastRound(detail)))),
    ];
  }

  roundTitle(round) {
    return `${round.templateName} — ${round.period}`;
  }

  answers(detail, response) {
    const names = new Map(detail.criteria.map((criterion) => [criterion.id, criterion.name]));
    return h(
      'div',
      { testid: 'my-response' },
      h(
        'dl',
        { class: 'scores' },
        response.answers.map((answer) => [h('dt', {}, names.get(answer.criterionID) ?? 'Criterion'), h('dd', {}, `${answer.score} of ${detail.round.scale.maximum}`)]),
      ),
      response.comment ? h('p', { class: 'text' }, response.comment) : null,
      h('p', { class: 'meta' }, 'Answered ', timeElement(response.updatedAt)),
    );
  }

  pastRound(detail) {
    const mine = this.myResponse(detail);
    return h(
      'article',
      { class: 'card', testid: 'past-round', dataset: { roundId: detail.round.id } },
      h('h4', { class: 'card-title' }, this.roundTitle(detail.round)),
      h('p', { class: 'meta' }, detail.round.closedAt ? `Closed ${formatTime(detail.round.closedAt)}` : 'Closed'),
      mine ? this.answers(detail, mine) : h('p', { class: 'muted' }, 'You did not answer this round.'),
    );
  }

  openRound(detail) {
    const { round } = detail;
    const mine = this.myResponse(detail);
    const isCustomer = this.ctx.me.kind === 'customer';
    return h(
      'article',
      { class: 'card', testid: 'open-round', dataset: { roundId: round.id } },
      h('h4', { class: 'card-title' }, this.roundTitle(round)),
      h(
        'p',
        { class: 'meta' },
        `Scores from ${round.scale.minimum} to ${round.scale.maximum}`,
        round.closesAt ? [' · closes ', timeElement(round.closesAt)] : null,
      ),
      isCustomer ? this.form(detail, mine) : h('p', { class: 'muted' }, 'The customer’s invited people answer this round.'),
    );
  }

  form(detail, mine) {
    const { round } = detail;
    const key = `round:${round.id}`;
    const scores = new Map((mine?.answers ?? []).map((answer) => [answer.criterionID, answer.score]));
    const options = [['', 'No opinion']];
    for (let score = round.scale.minimum; score <= round.scale.maximum; score += 1) options.push([String(score), String(score)]);
    const selects = detail.criteria.map((criterion) => {
      const control = h(
        'select',
        { name: `criterion-${criterion.id}`, testid: 'criterion-score', dataset: { criterionId: criterion.id } },
        options.map(([value, text]) => h('option', { value, selected: value === String(scores.get(criterion.id) ?? '') }, text)),
      );
      return { criterion, control };
    });
    const comment = h('textarea', { name: 'comment', rows: '3', maxlength: '4000', value: mine?.comment ?? '', testid: 'round-comment' });
    const slot = h('div', { class: 'slot' });
    // Typing here is an edit: a live refresh waits until it is sent.
    const touched = () => this.beginEdit(key);
    const send = async (expectedVersion) => {
      const answers = selects.filter(({ control }) => control.value !== '').map(({ criterion, control }) => ({ criterionID: criterion.id, score: Number(control.value) }));
      if (answers.length === 0) return replace(slot, errorText('Score at least one criterion.'));
      const request = { accountID: this.ctx.accountID, roundID: round.id, answers, comment: comment.value };
      if (expectedVersion !== undefined) request.expectedVersion = expectedVersion;
      try {
        await rpc('keyplan.Scorecards/Answer', request);
        this.ctx.announce('Thank you: your answers are saved.');
        this.endEdit(key);
      } catch (error) {
        if (error.code === 'aborted' && error.current) {
          // Answered meanwhile (another tab, another device): show those answers, offer to replace them.
          const current = error.current;
          replace(
            slot,
            h(
              'div',
              { class: 'conflict', testid: 'conflict' },
              h('p', {}, `Your answers changed meanwhile (${formatTime(current.updatedAt)}). They now read:`),
              this.answers(detail, current),
              h(
                'div',
                { class: 'buttons' },
                button('Replace them with these answers', () => send(current.version), { class: 'primary', testid: 'conflict-retry' }),
                button('Keep them', () => this.endEdit(key), { testid: 'conflict-discard' }),
              ),
            ),
          );
        } else replace(slot, errorText(error.message));
      }
    };
    return h(
      'form',
      {
        class: 'form',
        testid: 'round-form',
        onInput: touched,
        onChange: touched,
        onSubmit: (event) => {
          event.preventDefault();
          send(mine?.version);
        },
      },
      mine ? [h('h5', {}, 'Your answers'), this.answers(detail, mine), h('h5', {}, 'Change them')] : null,
      selects.map(({ criterion, control }) => field(criterion.name, control, criterion.description || undefined)),
      field('Comment (optional)', comment),
      slot,
      h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'primary', testid: 'round-submit' }, mine ? 'Update my answers' : 'Submit answers')),
    );
  }
}

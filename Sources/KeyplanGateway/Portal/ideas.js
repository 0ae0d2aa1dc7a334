// Ideas to discuss: the whitespace cells the account team shared with the customer — one of our
// solutions for one of their business units, in the team's words. Read-only here; the team keeps
// the map. A seller sees what the customer sees: the shared cells only, never the internal fields.

import { rpc } from './api.js';
import { h, norm } from './dom.js';
import { Section, updatedLine } from './section.js';

export class IdeasSection extends Section {
  constructor(ctx) {
    super(ctx, 'ideas', 'Ideas to discuss');
  }

  concerns(change) {
    return norm(change.entity) === 'whitespace_cell';
  }

  async load() {
    const grid = await rpc('keyplan.Whitespace/Grid', { accountID: this.ctx.accountID });
    return grid.cells.filter((cell) => cell.shared);
  }

  render(cells) {
    if (cells.length === 0) return h('p', { class: 'muted' }, 'No ideas shared yet.');
    const units = [...new Set(cells.map((cell) => cell.businessUnit))].sort((a, b) => a.localeCompare(b));
    return units.map((unit) => [
      h('h3', {}, unit),
      h(
        'ul',
        { class: 'cards', testid: 'ideas' },
        cells
          .filter((cell) => cell.businessUnit === unit)
          .sort((a, b) => a.solutionName.localeCompare(b.solutionName))
          .map((cell) =>
            h(
              'li',
              {},
              h(
                'article',
                { class: 'card', testid: 'idea', dataset: { cellId: cell.id } },
                h('h4', { class: 'card-title', testid: 'idea-solution' }, cell.solutionName),
                h('p', { class: cell.idea ? 'text' : 'muted', testid: 'idea-text' }, cell.idea || 'No description yet.'),
                updatedLine(cell),
              ),
            ),
          ),
      ),
    ]);
  }
}

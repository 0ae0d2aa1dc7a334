// One account's shared workspace: its sections as deep-linkable tabs
// (`/accounts/<id>/<section>/…`), and one Watch stream that refreshes whichever section a change
// concerns, so another person's change appears without a reload.

import { ActionsSection } from './actions.js';
import { rpc } from './api.js';
import { DiscussionSection } from './comments.js';
import { h, norm, replace } from './dom.js';
import { GoalsSection } from './goals.js';
import { HistorySection } from './history.js';
import { IdeasSection } from './ideas.js';
import { JourneySection } from './journey.js';
import { ReviewsSection } from './reviews.js';
import { ScorecardsSection } from './scorecards.js';
import { watchAccount } from './watch.js';

const sections = [
  ['goals', 'Goals', GoalsSection],
  ['actions', 'Action plan', ActionsSection],
  ['journey', 'Buying journey', JourneySection],
  ['discussion', 'Discussion', DiscussionSection],
  ['scorecards', 'Scorecard', ScorecardsSection],
  ['reviews', 'Reviews', ReviewsSection],
  ['ideas', 'Ideas', IdeasSection],
  ['history', 'History', HistorySection],
];

const liveLabels = {
  connecting: 'Connecting live updates…',
  live: 'Live: changes appear as they happen',
  reconnecting: 'Reconnecting live updates…',
  paused: 'Live updates paused while this page is hidden',
  stopped: 'Live updates stopped',
};

export class Workspace {
  constructor(accountID, { me, navigate, announce }) {
    this.accountID = accountID;
    this.instances = new Map();
    this.current = null;
    this.element = h('div', { class: 'workspace' }, h('p', { class: 'muted' }, 'Loading the workspace…'));
    this.ctx = {
      accountID,
      me,
      navigate,
      announce,
      participants: [],
      canEdit: false,
      link: (section, ...rest) => ['', 'accounts', accountID, section, ...rest].map(encodeURIComponent).join('/'),
      participantByID: (id) => this.ctx.participants.find((participant) => participant.person.userID === id),
      participantLabel: (participant) => `${participant.person.displayName} (${participant.customerRole ? 'customer' : 'account team'})`,
    };
  }

  /** Loads the account and who takes part, renders the frame and starts watching. */
  async open() {
    const accountID = this.accountID;
    // The newest change id first: watching from it misses nothing committed after the reads below.
    const [activity, account, participants] = await Promise.all([
      rpc('keyplan.Workspace/Activity', { accountID, limit: 1 }),
      rpc('keyplan.Accounts/Get', { accountID }),
      rpc('keyplan.Accounts/Participants', { accountID }),
    ]);
    const me = this.ctx.me;
    this.ctx.participants = participants.participants;
    const myRole = norm(this.ctx.participantByID(me.userID)?.customerRole);
    // Viewers get no edit controls (the server would refuse them anyway).
    this.ctx.canEdit = me.kind === 'customer' ? myRole === 'customer_editor' : true;
    this.ctx.accountName = account.name;

    this.nav = h(
      'nav',
      { 'aria-label': 'Workspace sections', id: 'workspace-nav' },
      h(
        'ul',
        {},
        sections.map(([id, title]) => h('li', {}, h('a', { href: this.ctx.link(id), dataset: { section: id } }, title))),
      ),
    );
    this.liveStatus = h('p', { id: 'live-status', class: 'live', dataset: { state: 'connecting' } }, liveLabels.connecting);
    this.slot = h('div', { id: 'workspace-section' });
    replace(
      this.element,
      h('p', { class: 'crumbs' }, h('a', { href: '/' }, 'All workspaces')),
      h('h1', { id: 'account-name' }, account.name),
      me.kind === 'customer'
        ? null
        : h('p', { class: 'notice', testid: 'seller-view' }, 'You see this workspace as the customer sees it: only what is shared with them.'),
      this.ctx.canEdit ? null : h('p', { class: 'notice', testid: 'viewer-notice' }, 'You can read this plan. To change it, ask the account team to make you an editor.'),
      this.liveStatus,
      this.nav,
      this.slot,
    );

    this.watch = watchAccount(accountID, {
      after: activity.changes[0]?.id ?? 0,
      onChange: (change) => {
        // A seller's stream also carries internal changes, which the customer's view leaves out.
        if (norm(change.visibility) !== 'shared') return;
        this.ctx.announce(`${change.summary} (${change.actor.displayName})`);
        // The section shown refreshes what the change concerns; the others load afresh when shown.
        this.current?.onChange(change);
      },
      onState: (state, error) => {
        if (this.closed) return;
        this.liveStatus.dataset.state = state;
        this.liveStatus.textContent = state === 'stopped' && error ? `${liveLabels.stopped}: ${error.message}` : liveLabels[state];
        // The session ended (revoked, expired): a call finds out too, and takes the page to sign-in.
        if (error?.code === 'unauthenticated') rpc('keyplan.Auth/WhoAmI', {}).catch(() => {});
      },
    });
    document.addEventListener('visibilitychange', this.onVisibility);
    window.addEventListener('pagehide', this.onPageHide);
    window.addEventListener('pageshow', this.onVisibility);
    if (document.hidden) this.watch.pause();
  }

  // The stream pauses while the page is hidden or left (see watch.js) and catches up when it shows again.
  onVisibility = () => (document.hidden ? this.watch?.pause() : this.watch?.resume());
  onPageHide = () => this.watch?.pause();

  /** Shows a section: `rest` is the path after it (a subject, a record). */
  show(sectionID, rest, { focus = false } = {}) {
    const entry = sections.find(([id]) => id === sectionID) ?? sections[0];
    const [id, title, Kind] = entry;
    let section = this.instances.get(id);
    if (!section) {
      section = new Kind(this.ctx);
      this.instances.set(id, section);
    }
    section.setRoute(rest);
    if (this.current !== section) {
      this.current = section;
      replace(this.slot, section.element);
    }
    for (const link of this.nav.querySelectorAll('a')) {
      if (link.dataset.section === id) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    }
    document.title = `${title} · ${this.ctx.accountName} · Keyplan`;
    section.refresh();
    if (focus) section.heading.focus();
  }

  close() {
    this.closed = true;
    document.removeEventListener('visibilitychange', this.onVisibility);
    window.removeEventListener('pagehide', this.onPageHide);
    window.removeEventListener('pageshow', this.onVisibility);
    this.watch?.stop();
  }
}

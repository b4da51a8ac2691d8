import { z } from 'zod';
import { renderCard, type AdaptiveCard } from '../../cards/render';
import { hasKey, pcErrorText, t, type Locale } from '../../i18n';
import type { ActionRequest, KeyValueRepository } from '../../store';
import type { Caller, Role } from '../../workflows/roles';
import type { UserDirectory } from '../features/userDirectory';
import { formatInstant } from '../../i18n/format';
import type { PresenterRegistry, WordedFact } from '../presenters/presenter';

export type RequestView = 'approver' | 'requester' | 'readonly' | 'rejecting';
export type RequestOrigin = 'card' | 'list';

const metaSchema = z.object({
  locale: z.enum(['en', 'fr']),
  thread: z.object({ conversationKey: z.string(), activityId: z.string() }).optional(),
});
export type RequestMeta = z.infer<typeof metaSchema>;

/** Where else a request's card lives, and in which language its shared card speaks. */
export class RequestMetaBook {
  constructor(private readonly kv: KeyValueRepository) {}

  get(requestId: string): Promise<RequestMeta | undefined> {
    return this.kv.getJson(`request-meta:${requestId}`, metaSchema);
  }

  set(requestId: string, meta: RequestMeta): Promise<void> {
    return this.kv.setJson(`request-meta:${requestId}`, meta);
  }
}

/** Who looks at a card: the caller and the roles resolved for this turn (the domain checks again). */
export interface CardViewer {
  caller: Caller;
  roles: readonly Role[];
}

/** A request seen by a caller: approvers decide, the requester may cancel, everyone else reads. */
export function viewOf(request: ActionRequest, viewer: CardViewer): RequestView {
  const { caller, roles } = viewer;
  if (request.state !== 'requested') return 'readonly';
  if (isRequester(request, caller)) return 'requester';
  if (hasApproved(request, caller)) return 'readonly';
  if (roles.includes('approver')) return 'approver';
  return 'readonly';
}

/** Why the caller may not decide this request, if they may not (the domain says the same). */
export function decisionRefusal(
  request: ActionRequest,
  viewer: CardViewer,
): 'not-approver' | 'own-request' | 'not-pending' | 'already-approved' | 'other-tenant' | undefined {
  const { caller, roles } = viewer;
  if (request.tenantId !== undefined && request.tenantId !== caller.tenantId?.toLowerCase())
    return 'other-tenant';
  if (isRequester(request, caller)) return 'own-request';
  if (!roles.includes('approver')) return 'not-approver';
  if (request.state !== 'requested') return 'not-pending';
  if (hasApproved(request, caller)) return 'already-approved';
  return undefined;
}

function isRequester(request: ActionRequest, caller: Caller): boolean {
  return (
    caller.aadObjectId !== undefined && caller.aadObjectId.toLowerCase() === request.requesterId.toLowerCase()
  );
}

function hasApproved(request: ActionRequest, caller: Caller): boolean {
  const id = caller.aadObjectId?.toLowerCase();
  return id !== undefined && request.approvals.some((a) => a.id.toLowerCase() === id);
}

export function stateTone(state: ActionRequest['state']): 'good' | 'bad' | 'info' {
  if (state === 'succeeded') return 'good';
  if (state === 'failed' || state === 'rejected' || state === 'cancelled' || state === 'expired')
    return 'bad';
  return 'info';
}

/** The facts of a request card: the kind's own, then who asked, who decided, and how it ended. */
export function requestFacts(
  request: ActionRequest,
  locale: Locale,
  presenters: PresenterRegistry,
): WordedFact[] {
  const facts: WordedFact[] = [...presenters.kindFacts(request, locale)];
  const common = (key: string, value: string) =>
    facts.push({ title: t(locale, `request.facts.${key}`), value });
  common('requester', request.requesterName);
  common('created', formatInstant(request.createdAt, locale));
  if (request.state === 'requested' && request.expiresAt !== undefined) {
    common('expires', formatInstant(request.expiresAt, locale));
  }
  const needed = request.policy?.approvers ?? 1;
  if (needed > 1 || (request.state === 'requested' && request.approvals.length > 0)) {
    common(
      'approvals',
      t(locale, 'request.approvalsSoFar', {
        count: request.approvals.length,
        needed,
        names: request.approvals.map((a) => a.name).join(', ') || t(locale, 'common.none'),
      }),
    );
  }
  if (request.approverName && needed <= 1) common('approver', request.approverName);
  if (request.reason) common('reason', request.reason);
  if (request.state === 'failed' && request.error) {
    const reason =
      request.error.code === 'internal'
        ? t(locale, 'request.internalError')
        : pcErrorText(locale, request.error);
    common('error', `${reason} (${request.error.code})`);
    for (const blocker of request.error.blockers ?? []) {
      const what = hasKey(locale, `blockers.${blocker.type}`)
        ? t(locale, `blockers.${blocker.type}`)
        : blocker.type;
      common('blocker', [what, blocker.name ?? blocker.id, blocker.detail].filter(Boolean).join(' · '));
    }
    if (request.error.errorId) common('errorId', request.error.errorId);
  }
  common('requestId', request.id);
  return facts;
}

/**
 * The request card, the same for every kind (the kind's presenter gives its title and facts). The
 * shared card (what the message shows to everyone) is the read-only view with a `refresh` naming the
 * requester and the approvers, whose clients then fetch their own view (`request.refresh`) with the
 * buttons they may use.
 */
export class RequestCards {
  constructor(
    private readonly directory: UserDirectory,
    private readonly presenters: PresenterRegistry,
  ) {}

  title(request: ActionRequest, locale: Locale): string {
    return this.presenters.title(request, locale);
  }

  async shared(request: ActionRequest, locale: Locale): Promise<AdaptiveCard> {
    return this.render(request, locale, { view: 'readonly', origin: 'card' });
  }

  /**
   * The card in the requester's personal chat, which nobody else sees: their own view (cancel while
   * it waits), as their last click showed it, not the shared one that relies on Teams refreshing it.
   */
  async requesters(request: ActionRequest, locale: Locale): Promise<AdaptiveCard> {
    return this.render(request, locale, {
      view: request.state === 'requested' ? 'requester' : 'readonly',
      origin: 'card',
    });
  }

  async forCaller(
    request: ActionRequest,
    viewer: CardViewer,
    locale: Locale,
    options: { notice?: string; rejecting?: boolean; origin?: RequestOrigin; readonly?: boolean } = {},
  ): Promise<AdaptiveCard> {
    const view = options.readonly ? 'readonly' : viewOf(request, viewer);
    return this.render(request, locale, {
      view: options.rejecting && view === 'approver' ? 'rejecting' : view,
      origin: options.origin ?? 'card',
      notice: options.notice,
    });
  }

  private async render(
    request: ActionRequest,
    locale: Locale,
    options: { view: RequestView; origin: RequestOrigin; notice?: string },
  ): Promise<AdaptiveCard> {
    const waiting = request.state === 'requested';
    const userIds = waiting ? await this.directory.refreshUserIds(request.requesterId) : [];
    const card = renderCard(
      'request',
      {
        requestId: request.id,
        version: request.version,
        heading: this.title(request, locale),
        state: request.state,
        stateLabel: t(locale, `request.states.${request.state}`),
        tone: stateTone(request.state),
        notice: options.notice ?? null,
        view: options.view,
        origin: options.origin,
        refresh: waiting && userIds.length > 0,
        userIds,
        facts: requestFacts(request, locale, this.presenters),
      },
      locale,
    );
    // A `$when` that is false leaves `refresh: null`; a card without per-user views has no refresh at all.
    if (!card.refresh) delete card.refresh;
    return card;
  }
}

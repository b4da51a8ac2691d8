import { z } from 'zod';
import { renderCard, type AdaptiveCard } from '../../cards/render';
import { billingCycleLabel, pcErrorText, t, type Locale } from '../../i18n';
import type { ActionRequest, KeyValueRepository } from '../../store';
import { purchasePayloadSchema } from '../../workflows/purchasePayload';
import type { Caller, RolePolicy } from '../../workflows/roles';
import type { UserDirectory } from '../features/userDirectory';

export type RequestView = 'approver' | 'requester' | 'readonly' | 'rejecting';
export type RequestOrigin = 'card' | 'list';

interface Fact {
  title: string;
  value: string;
}

const resultSchema = z
  .object({
    planSubscriptionId: z.string().optional(),
    azureSubscriptionIds: z.array(z.string()).default([]),
    orders: z.array(z.object({ id: z.string() }).passthrough()).default([]),
  })
  .passthrough();

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

/** A request seen by a caller: approvers decide, the requester may cancel, everyone else reads. */
export function viewOf(request: ActionRequest, caller: Caller, roles: RolePolicy): RequestView {
  if (request.state !== 'requested') return 'readonly';
  if (isRequester(request, caller)) return 'requester';
  if (roles.has(caller, 'approver') || roles.has(caller, 'admin')) return 'approver';
  return 'readonly';
}

/** Why the caller may not decide this request, if they may not (the domain says the same). */
export function decisionRefusal(
  request: ActionRequest,
  caller: Caller,
  roles: RolePolicy,
): 'not-approver' | 'own-request' | 'not-pending' | undefined {
  if (!roles.has(caller, 'approver') && !roles.has(caller, 'admin')) return 'not-approver';
  if (isRequester(request, caller)) return 'own-request';
  if (request.state !== 'requested') return 'not-pending';
  return undefined;
}

function isRequester(request: ActionRequest, caller: Caller): boolean {
  return (
    caller.aadObjectId !== undefined && caller.aadObjectId.toLowerCase() === request.requesterId.toLowerCase()
  );
}

export function formatInstant(epochMs: number | string | undefined): string {
  if (epochMs === undefined) return '—';
  const date = new Date(epochMs);
  if (Number.isNaN(date.getTime())) return String(epochMs);
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export function stateTone(state: ActionRequest['state']): 'good' | 'bad' | 'info' {
  if (state === 'succeeded') return 'good';
  if (state === 'failed' || state === 'rejected' || state === 'cancelled' || state === 'expired')
    return 'bad';
  return 'info';
}

/** Orders, plan and Azure subscriptions a purchase request has produced so far. */
export function purchaseOutcome(request: ActionRequest): {
  orderIds: string[];
  planSubscriptionId?: string;
  azureSubscriptionIds: string[];
} {
  const payload = purchasePayloadSchema.safeParse(request.payload);
  const placed = payload.success ? (payload.data.execution?.orders ?? []).map((o) => o.id) : [];
  const result = resultSchema.safeParse(request.result ?? {});
  const fromResult = result.success ? result.data.orders.map((o) => o.id) : [];
  return {
    orderIds: [...new Set([...placed, ...fromResult])],
    ...(result.success && result.data.planSubscriptionId
      ? { planSubscriptionId: result.data.planSubscriptionId }
      : {}),
    azureSubscriptionIds: result.success ? result.data.azureSubscriptionIds : [],
  };
}

export function requestFacts(request: ActionRequest, locale: Locale): Fact[] {
  const facts: Fact[] = [];
  const payload = purchasePayloadSchema.safeParse(request.payload);
  if (payload.success) {
    const { item } = payload.data;
    facts.push(
      { title: t(locale, 'purchase.facts.customer'), value: `${item.customerName} (${item.country})` },
      { title: t(locale, 'purchase.facts.product'), value: item.productTitle },
      { title: t(locale, 'purchase.facts.sku'), value: item.skuTitle },
      { title: t(locale, 'purchase.facts.catalogItemId'), value: item.catalogItemId },
      {
        title: t(locale, 'purchase.facts.billingCycle'),
        value: billingCycleLabel(locale, item.billingCycle),
      },
      { title: t(locale, 'purchase.facts.quantity'), value: String(item.quantity) },
    );
  } else {
    facts.push({ title: t(locale, 'purchase.facts.customer'), value: request.customerName });
  }
  facts.push(
    { title: t(locale, 'request.facts.requester'), value: request.requesterName },
    { title: t(locale, 'request.facts.created'), value: formatInstant(request.createdAt) },
  );
  if (request.state === 'requested' && request.expiresAt !== undefined) {
    facts.push({ title: t(locale, 'request.facts.expires'), value: formatInstant(request.expiresAt) });
  }
  if (request.approverName)
    facts.push({ title: t(locale, 'request.facts.approver'), value: request.approverName });
  if (request.reason) facts.push({ title: t(locale, 'request.facts.reason'), value: request.reason });
  const outcome = purchaseOutcome(request);
  if (outcome.orderIds.length > 0) {
    facts.push({ title: t(locale, 'request.facts.orders'), value: outcome.orderIds.join(', ') });
  }
  if (outcome.planSubscriptionId) {
    facts.push({ title: t(locale, 'request.facts.planSubscription'), value: outcome.planSubscriptionId });
  }
  if (outcome.azureSubscriptionIds.length > 0) {
    facts.push({
      title: t(locale, 'request.facts.azureSubscriptions'),
      value: outcome.azureSubscriptionIds.join(', '),
    });
  }
  if (request.state === 'failed' && request.error) {
    facts.push({
      title: t(locale, 'request.facts.error'),
      value: `${pcErrorText(locale, request.error)} (${request.error.code})`,
    });
  }
  facts.push({ title: t(locale, 'request.facts.requestId'), value: request.id });
  return facts;
}

/**
 * The request card. The shared card (what the message shows to everyone) is the read-only view
 * with a `refresh` naming the requester and the approvers, whose clients then fetch their own
 * view (`request.refresh`) with the buttons they may use.
 */
export class RequestCards {
  constructor(
    private readonly roles: RolePolicy,
    private readonly directory: UserDirectory,
  ) {}

  async shared(request: ActionRequest, locale: Locale): Promise<AdaptiveCard> {
    return this.render(request, locale, { view: 'readonly', origin: 'card' });
  }

  async forCaller(
    request: ActionRequest,
    caller: Caller,
    locale: Locale,
    options: { notice?: string; rejecting?: boolean; origin?: RequestOrigin } = {},
  ): Promise<AdaptiveCard> {
    const view = viewOf(request, caller, this.roles);
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
        customerName: request.customerName,
        state: request.state,
        stateLabel: t(locale, `request.states.${request.state}`),
        tone: stateTone(request.state),
        notice: options.notice ?? null,
        view: options.view,
        origin: options.origin,
        refresh: waiting && userIds.length > 0,
        userIds,
        facts: requestFacts(request, locale),
      },
      locale,
    );
    // A `$when` that is false leaves `refresh: null`; a card without per-user views has no refresh at all.
    if (!card.refresh) delete card.refresh;
    return card;
  }
}

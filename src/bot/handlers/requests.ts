import { CardFactory, type AdaptiveCardInvokeResponse } from 'botbuilder';
import { z } from 'zod';
import { renderCard, type AdaptiveCard } from '../../cards/render';
import { t } from '../../i18n';
import type { ActionRequest, AuditEntryInput } from '../../store';
import { MAX_REJECTION_REASON_LENGTH, type RequestService } from '../../workflows/requests/service';
import { channelKeyOf } from '../conversationReferences';
import { invokeCard, invokeError, invokeInvalidSubmission } from '../invokeResponses';
import { formatInstant } from '../../i18n/format';
import type { TurnServices } from '../turnServices';
import {
  decisionRefusal,
  viewOf,
  type RequestCards,
  type RequestMetaBook,
  type RequestOrigin,
} from './requestCards';
import type { CommandHandler, VerbHandler, VerbRequest } from './types';

export interface RequestHandlerDeps {
  requests: RequestService;
  cards: RequestCards;
  /** Where else a request's card lives (its approvals-channel thread). */
  meta: Pick<RequestMetaBook, 'get'>;
  /** Where the refusals decided here are recorded (the domain records its own). */
  audit: { append(entry: AuditEntryInput): Promise<unknown> };
}

/** The audit action of each verb (its refusals are `<action>.refused`). */
const VERB_ACTIONS: Record<string, string> = {
  'request.refresh': 'request.refresh',
  'request.approve': 'request.approve',
  'request.reject': 'request.reject',
  'request.rejectConfirm': 'request.reject',
  'request.cancel': 'request.cancel',
};

const LIST_LIMIT = 10;
/** Open requests read from the store at a time while the list is filled. */
const PAGE = 100;
/** How far down the tenant's open requests the list looks for this conversation's (1,000). */
const MAX_PAGES = 10;

const requestAction = z.object({
  requestId: z.string().uuid(),
  /** The version of the request the card showed: an action on an older card changes nothing. */
  version: z.coerce.number().int().positive(),
  origin: z.enum(['card', 'list']).default('card'),
});
const refreshAction = requestAction.extend({ version: z.coerce.number().int().positive().optional() });
const forgedAction = z.object({ requestId: z.string().uuid().optional() }).passthrough();
const rejectConfirm = requestAction.extend({
  reason: z.string().trim().min(1).max(MAX_REJECTION_REASON_LENGTH),
});

type Action = z.infer<typeof refreshAction>;

type Answer = (request: VerbRequest, action: Action) => Promise<AdaptiveCardInvokeResponse>;

/**
 * The request card's verbs, the same for every kind. The caller and their roles come from the
 * activity (TurnServices), never from card data; the domain refuses what the caller may not do and
 * the refusal is shown on the card the caller clicked. Only the clicker's card is answered here:
 * every other card is updated afterwards from the notice the change stored.
 */
export function requestVerbs(deps: RequestHandlerDeps): Record<string, VerbHandler> {
  const answer = (origin: RequestOrigin, services: TurnServices, request: ActionRequest, notice?: string) =>
    respond(deps, services, request, origin, notice);

  const refresh: Answer = async ({ services }, action) => {
    const request = await deps.requests.get(action.requestId);
    if (!request) return notFound(services);
    return answer(action.origin, services, request);
  };

  const approve: Answer = async ({ services }, action) => {
    const outcome = await deps.requests.approve(action.requestId, services.caller, services.correlationId, {
      expectedVersion: action.version,
    });
    if (!outcome.ok) return refusal(deps, services, action, outcome.reason, outcome.request);
    const notice = outcome.complete
      ? t(services.locale, 'request.done.approved')
      : t(services.locale, 'request.done.approvalRecorded', {
          count: outcome.request.approvals.length,
          needed: outcome.request.policy?.approvers ?? 1,
        });
    return answer(action.origin, services, outcome.request, notice);
  };

  const reject: Answer = async ({ services, verb }, action) => {
    const request = await deps.requests.get(action.requestId);
    if (!request) return notFound(services);
    const refused =
      decisionRefusal(request, services) ?? (request.version !== action.version ? 'stale-card' : undefined);
    if (refused) {
      await auditRefusal(deps, services, verb, refused, request);
      return refusal(deps, services, action, refused, request);
    }
    const card = await deps.cards.forCaller(request, services, services.locale, {
      rejecting: true,
      origin: action.origin,
    });
    return invokeCard(card);
  };

  const cancel: Answer = async ({ services }, action) => {
    const outcome = await deps.requests.cancel(action.requestId, services.caller, services.correlationId, {
      expectedVersion: action.version,
    });
    if (outcome.ok)
      return answer(action.origin, services, outcome.request, t(services.locale, 'request.done.cancelled'));
    return refusal(deps, services, action, outcome.reason, outcome.request);
  };

  const confirmReject: Answer = async ({ services, data }, action) => {
    const parsed = rejectConfirm.safeParse(data);
    if (!parsed.success) return refusal(deps, services, action, 'invalid-reason');
    const outcome = await deps.requests.reject(
      action.requestId,
      services.caller,
      parsed.data.reason,
      services.correlationId,
      { expectedVersion: action.version },
    );
    if (outcome.ok)
      return answer(action.origin, services, outcome.request, t(services.locale, 'request.done.rejected'));
    return refusal(deps, services, action, outcome.reason, outcome.request);
  };

  /**
   * Parses the card data (an action that changes something names the version its card showed) and
   * refuses an action on a request of another conversation: each refusal decided here is audited
   * (`<action>.refused`); the domain audits those it decides.
   */
  const guarded =
    (handler: Answer, options: { changes: boolean }): VerbHandler =>
    async (request) => {
      const { services, verb } = request;
      const parsed = (options.changes ? requestAction : refreshAction).safeParse(request.data);
      if (!parsed.success) {
        const forged = forgedAction.safeParse(request.data);
        await auditRefusal(deps, services, verb, 'invalid-data', undefined, {
          requestId: forged.success ? forged.data.requestId : undefined,
        });
        return invokeInvalidSubmission(services);
      }
      const action = parsed.data;
      const target = await deps.requests.get(action.requestId);
      if (target && target.tenantId !== undefined && target.tenantId !== services.tenantId?.toLowerCase()) {
        // Nothing of another tenant's request is shown, not even its card.
        await auditRefusal(deps, services, verb, 'other-tenant', target);
        return notFound(services);
      }
      if (target && !(await actionableHere(deps, target, services))) {
        await auditRefusal(deps, services, verb, 'other-conversation', target);
        return refusal(deps, services, action, 'other-conversation', target, { readonly: true });
      }
      return handler(request, action);
    };

  return {
    'request.refresh': guarded(refresh, { changes: false }),
    'request.approve': guarded(approve, { changes: true }),
    'request.reject': guarded(reject, { changes: true }),
    'request.rejectConfirm': guarded(confirmReject, { changes: true }),
    'request.cancel': guarded(cancel, { changes: true }),
  };
}

/** `requests` / `demandes`: the open requests, newest first, with what the caller may do on each. */
export function requestsCommand(deps: RequestHandlerDeps): CommandHandler {
  return async ({ context, services }) => {
    const card = await requestsListCard(deps, services);
    await context.sendActivity({ attachments: [CardFactory.adaptiveCard(card)] });
  };
}

/**
 * The open requests the caller may act on where they are: in a personal chat every open request of
 * their tenant, in a channel or group chat those of that conversation (and of its approvals thread).
 */
export async function requestsListCard(
  deps: RequestHandlerDeps,
  services: TurnServices,
  notice?: string,
): Promise<AdaptiveCard> {
  const { locale } = services;
  // The tenant is filtered by the store; where a request may be acted on is known only here, so
  // pages are read until the list is full (a channel's requests may be far down the tenant's).
  const open: ActionRequest[] = [];
  const tenantId = services.tenantId;
  if (tenantId) {
    for (let offset = 0; open.length <= LIST_LIMIT && offset < PAGE * MAX_PAGES; offset += PAGE) {
      const page = await deps.requests.listOpen({ tenantId, limit: PAGE, offset });
      for (const request of page) {
        // A request made between two pages shifts the offsets: one already listed may come again.
        if (open.length > LIST_LIMIT || open.some((listed) => listed.id === request.id)) continue;
        if (await actionableHere(deps, request, services)) open.push(request);
      }
      if (page.length < PAGE) break;
    }
  }
  const shown = open.slice(0, LIST_LIMIT);
  const requests = shown.map((request) => {
    const view = viewOf(request, services);
    const button = (verb: string, key: string, style: string) => ({
      title: t(locale, key),
      verb,
      style,
      requestId: request.id,
      version: request.version,
    });
    const buttons =
      view === 'approver'
        ? [
            button('request.approve', 'request.approve', 'positive'),
            button('request.reject', 'request.reject', 'destructive'),
          ]
        : view === 'requester'
          ? [button('request.cancel', 'request.cancel', 'destructive')]
          : [];
    return {
      heading: deps.cards.title(request, locale),
      facts: [
        { title: t(locale, 'request.facts.state'), value: t(locale, `request.states.${request.state}`) },
        { title: t(locale, 'request.facts.requester'), value: request.requesterName },
        { title: t(locale, 'request.facts.created'), value: formatInstant(request.createdAt, locale) },
        { title: t(locale, 'request.facts.requestId'), value: request.id },
      ],
      buttons,
    };
  });
  return renderCard(
    'requests',
    { requests, truncated: open.length > LIST_LIMIT, count: LIST_LIMIT, notice: notice ?? null },
    locale,
  );
}

/**
 * Whether a request may be acted on from the conversation of this activity: its own conversation
 * (a channel as a whole: every thread of it), its approvals-channel thread, or the caller's personal
 * chat with the bot (where only the caller sees the `requests` list). Any other channel or group
 * chat is another conversation.
 */
async function actionableHere(
  deps: RequestHandlerDeps,
  request: ActionRequest,
  services: Pick<TurnServices, 'conversationId' | 'conversationType'>,
): Promise<boolean> {
  if (services.conversationType === 'personal') return true;
  if (request.conversationKey === undefined) return true;
  const here = channelKeyOf(services.conversationId);
  if (here === channelKeyOf(request.conversationKey)) return true;
  const thread = (await deps.meta.get(request.id))?.thread;
  return thread !== undefined && here === channelKeyOf(thread.conversationKey);
}

async function auditRefusal(
  deps: RequestHandlerDeps,
  services: TurnServices,
  verb: string,
  reason: string,
  request: ActionRequest | undefined,
  extra: { requestId?: string } = {},
): Promise<void> {
  try {
    await deps.audit.append({
      actorId: services.caller.aadObjectId ?? 'unknown',
      actorName: services.caller.name,
      action: `${VERB_ACTIONS[verb] ?? 'request.action'}.refused`,
      outcome: reason,
      requestId: request?.id ?? extra.requestId,
      customerId: request?.customerId,
      customerName: request?.customerName,
      kind: request?.kind,
      tenantId: services.tenantId,
      conversationId: services.conversationId,
      correlationId: services.correlationId,
    });
  } catch (error) {
    services.logger.error({ err: error, verb, reason }, 'could not audit a refused request action');
  }
}

async function respond(
  deps: RequestHandlerDeps,
  services: TurnServices,
  request: ActionRequest,
  origin: RequestOrigin,
  notice?: string,
  options: { readonly?: boolean } = {},
): Promise<AdaptiveCardInvokeResponse> {
  if (origin === 'list') return invokeCard(await requestsListCard(deps, services, notice));
  return invokeCard(
    await deps.cards.forCaller(request, services, services.locale, { notice, readonly: options.readonly }),
  );
}

/** Answers a refusal with the request's current card (or list) and the reason on top. */
async function refusal(
  deps: RequestHandlerDeps,
  services: TurnServices,
  action: Action,
  reason: string,
  known?: ActionRequest,
  options: { readonly?: boolean } = {},
): Promise<AdaptiveCardInvokeResponse> {
  services.logger.info({ requestId: action.requestId, reason }, 'request action refused');
  const request = known ?? (await deps.requests.get(action.requestId));
  if (!request) return notFound(services);
  const notice = t(services.locale, `request.refusals.${reason}`);
  if (options.readonly) return respond(deps, services, request, 'card', notice, options);
  return respond(deps, services, request, action.origin, notice);
}

function notFound(services: TurnServices): AdaptiveCardInvokeResponse {
  return invokeError(404, 'NotFound', t(services.locale, 'request.refusals.not-found'));
}

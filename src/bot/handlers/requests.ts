import { CardFactory, type AdaptiveCardInvokeResponse } from 'botbuilder';
import { z } from 'zod';
import { renderCard, type AdaptiveCard } from '../../cards/render';
import { t } from '../../i18n';
import type { ActionRequest } from '../../store';
import { MAX_REJECTION_REASON_LENGTH, type RequestService } from '../../workflows/requests/service';
import type { RolePolicy } from '../../workflows/roles';
import { invokeCard, invokeError, invokeInvalidSubmission } from '../invokeResponses';
import { formatInstant } from '../presenters/presenter';
import type { TurnServices } from '../turnServices';
import { decisionRefusal, viewOf, type RequestCards, type RequestOrigin } from './requestCards';
import type { CommandHandler, VerbHandler, VerbRequest } from './types';

export interface RequestHandlerDeps {
  requests: RequestService;
  roles: RolePolicy;
  cards: RequestCards;
}

const LIST_LIMIT = 10;

const requestAction = z.object({
  requestId: z.string().uuid(),
  /** The version of the request the card showed: an action on an older card changes nothing. */
  version: z.coerce.number().int().positive(),
  origin: z.enum(['card', 'list']).default('card'),
});
const refreshAction = requestAction.extend({ version: z.coerce.number().int().positive().optional() });
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

  const reject: Answer = async ({ services }, action) => {
    const request = await deps.requests.get(action.requestId);
    if (!request) return notFound(services);
    const refused =
      request.version !== action.version
        ? 'stale-card'
        : decisionRefusal(request, services.caller, deps.roles);
    if (refused) return refusal(deps, services, action, refused, request);
    const card = await deps.cards.forCaller(request, services.caller, services.locale, {
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

  /** Parses the card data; an action that changes something names the version its card showed. */
  const guarded =
    (handler: Answer, options: { changes: boolean }): VerbHandler =>
    async (request) => {
      const parsed = (options.changes ? requestAction : refreshAction).safeParse(request.data);
      if (!parsed.success) return invokeInvalidSubmission(request.services);
      return handler(request, parsed.data);
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

export async function requestsListCard(
  deps: RequestHandlerDeps,
  services: TurnServices,
  notice?: string,
): Promise<AdaptiveCard> {
  const { locale, caller } = services;
  const open = await deps.requests.listOpen({ limit: LIST_LIMIT + 1 });
  const shown = open.slice(0, LIST_LIMIT);
  const requests = shown.map((request) => {
    const view = viewOf(request, caller, deps.roles);
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

async function respond(
  deps: RequestHandlerDeps,
  services: TurnServices,
  request: ActionRequest,
  origin: RequestOrigin,
  notice?: string,
): Promise<AdaptiveCardInvokeResponse> {
  if (origin === 'list') return invokeCard(await requestsListCard(deps, services, notice));
  return invokeCard(await deps.cards.forCaller(request, services.caller, services.locale, { notice }));
}

async function refusal(
  deps: RequestHandlerDeps,
  services: TurnServices,
  action: Action,
  reason: string,
  known?: ActionRequest,
): Promise<AdaptiveCardInvokeResponse> {
  services.logger.info({ requestId: action.requestId, reason }, 'request action refused');
  const request = known ?? (await deps.requests.get(action.requestId));
  if (!request) return notFound(services);
  return respond(deps, services, request, action.origin, t(services.locale, `request.refusals.${reason}`));
}

function notFound(services: TurnServices): AdaptiveCardInvokeResponse {
  return invokeError(404, 'NotFound', t(services.locale, 'request.refusals.not-found'));
}

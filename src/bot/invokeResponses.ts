import type { AdaptiveCardInvokeResponse } from 'botbuilder';
import { ADAPTIVE_CARD_CONTENT_TYPE, type AdaptiveCard } from '../cards/render';
import { t } from '../i18n';
import type { Role } from '../workflows/roles';
import type { TurnServices } from './turnServices';

/** Universal Actions answers: a card replaces the one clicked; a message shows as a toast; errors carry a code. */
export function invokeCard(card: AdaptiveCard): AdaptiveCardInvokeResponse {
  return {
    statusCode: 200,
    type: ADAPTIVE_CARD_CONTENT_TYPE,
    value: card as unknown as Record<string, unknown>,
  };
}

export function invokeMessage(message: string): AdaptiveCardInvokeResponse {
  return {
    statusCode: 200,
    type: 'application/vnd.microsoft.activity.message',
    value: message as unknown as Record<string, unknown>,
  };
}

export function invokeError(statusCode: number, code: string, message: string): AdaptiveCardInvokeResponse {
  return {
    statusCode,
    type: 'application/vnd.microsoft.error',
    value: { code, message } as unknown as Record<string, unknown>,
  };
}

/** The caller lacks the role the action needs (the caller audits the refusal its own way). */
export function invokeForbidden(
  services: Pick<TurnServices, 'locale' | 'correlationId'>,
  role: Role,
): AdaptiveCardInvokeResponse {
  return invokeError(
    403,
    'Forbidden',
    t(services.locale, 'errors.forbidden', {
      role: t(services.locale, `roles.${role}`),
      correlationId: services.correlationId,
    }),
  );
}

/** Card data that is not what the card offered (forged, replayed, stale or malformed). */
export function invokeInvalidSubmission(
  services: Pick<TurnServices, 'locale' | 'correlationId'>,
): AdaptiveCardInvokeResponse {
  return invokeError(
    400,
    'BadRequest',
    t(services.locale, 'errors.invalidSubmission', { correlationId: services.correlationId }),
  );
}

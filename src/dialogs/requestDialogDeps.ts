import type { TurnContext } from 'botbuilder';
import type { AdaptiveCard } from '../cards/render';
import { t } from '../i18n';
import { formatInstant } from '../i18n/format';
import type { ActionRequest } from '../store';
import type { RequestService } from '../workflows';
import type { DialogTurn } from './cardTurn';
import type { CustomerPickerDeps } from './customerPickerDialog';

/** What every dialog that ends in a change request needs: the customer picker's services, the requests, and where the request's card goes. */
export interface RequestDialogDeps extends CustomerPickerDeps {
  requests: RequestService;
  /**
   * Turns the confirmation card into the request's card (in place, for everyone) and returns the
   * requester's own view of it.
   */
  publishRequest(context: TurnContext, request: ActionRequest): Promise<AdaptiveCard>;
}

/**
 * What to say before a request is made when the same kind of change is already open for the
 * customer: who asked, when, where it stands, and how to see it. The person may still go on.
 */
export async function duplicateWarning(
  requests: Pick<RequestService, 'openFor'>,
  kind: string,
  customerId: string,
  turn: Pick<DialogTurn, 'locale' | 'tenantId'>,
): Promise<string | undefined> {
  const open = await requests.openFor(kind, customerId, turn.tenantId);
  if (!open) return undefined;
  return t(turn.locale, 'request.duplicate', {
    requesterName: open.requesterName,
    date: formatInstant(open.createdAt, turn.locale),
    id: open.id,
    state: t(turn.locale, `request.states.${open.state}`),
  });
}

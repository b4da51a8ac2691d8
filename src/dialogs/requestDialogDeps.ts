import type { TurnContext } from 'botbuilder';
import type { AdaptiveCard } from '../cards/render';
import type { ActionRequest } from '../store';
import type { RequestService } from '../workflows';
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

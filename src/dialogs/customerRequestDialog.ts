import type { TurnContext } from 'botbuilder';
import {
  ComponentDialog,
  WaterfallDialog,
  type DialogTurnResult,
  type WaterfallStep,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import type { AdaptiveCard } from '../cards/render';
import { t } from '../i18n';
import { formatInstant } from '../i18n/format';
import type { ActionRequest } from '../store';
import type { RequestService } from '../workflows';
import type { DialogTurn } from './cardTurn';
import { CardPrompt } from './cardPrompt';
import {
  CustomerPickerDialog,
  type CustomerPickerDeps,
  type CustomerPickerOptions,
} from './customerPickerDialog';
import { PROMPT } from './dialogSteps';

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

/**
 * A dialog that ends in a change request for one customer: the card prompt, the shared customer
 * picker as its first step, then the steps the subclass gives to `withSteps` (the first receives the
 * customer picked as `step.result`). The flow's title, the turn and the draft kept across the
 * steps are read the same way by all of them.
 */
export abstract class CustomerRequestDialog<
  TDraft extends object,
  TDeps extends RequestDialogDeps = RequestDialogDeps,
> extends ComponentDialog {
  protected constructor(
    id: string,
    protected readonly deps: TDeps,
  ) {
    super(id);
    this.addDialog(new CardPrompt(PROMPT, deps.prompts));
    this.addDialog(new CustomerPickerDialog(deps));
  }

  /** The flow's title, on every card (the i18n key of the subclass, in the turn's language). */
  protected abstract flow(step: WaterfallStepContext): string;

  /** A new draft, when the flow starts. */
  protected abstract newDraft(): TDraft;

  /** Registers the main waterfall (`<id>.steps`): the customer picker, then these steps. */
  protected withSteps(steps: WaterfallStep[]): void {
    const id = `${this.id}.steps`;
    this.addDialog(new WaterfallDialog(id, [this.pickCustomer.bind(this), ...steps]));
    this.initialDialogId = id;
  }

  protected turn(step: WaterfallStepContext): DialogTurn {
    return this.deps.turn(step.context);
  }

  protected draft(step: WaterfallStepContext): TDraft {
    const values = step.values as { draft?: TDraft };
    values.draft ??= this.newDraft();
    return values.draft;
  }

  private async pickCustomer(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const query = ((step.options as { query?: string } | undefined)?.query ?? '').trim();
    const options: CustomerPickerOptions = { query, flow: this.flow(step) };
    return step.beginDialog(CustomerPickerDialog.id, options);
  }
}

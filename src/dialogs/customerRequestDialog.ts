import type { TurnContext } from 'botbuilder';
import type { DialogTurnResult, WaterfallStep, WaterfallStepContext } from 'botbuilder-dialogs';
import { ComponentDialog, WaterfallDialog } from './dialogRuntime';
import type { AdaptiveCard } from '../cards/render';
import { t } from '../i18n';
import { formatInstant } from '../i18n/format';
import type { ActionRequest } from '../store';
import type { CustomerSummary, RequestService } from '../workflows';
import type { DialogTurn } from './cardTurn';
import { BACK_ACTION, CardPrompt } from './cardPrompt';
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
  kinds: readonly string[],
  customerId: string,
  turn: Pick<DialogTurn, 'locale' | 'caller'>,
): Promise<string | undefined> {
  const open = await requests.openFor(kinds, customerId, turn.caller);
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

  /** How many steps the person sees at most (the customer is the first), for "Step n of N". */
  protected abstract readonly stepCount: number;

  /**
   * Registers the main waterfall (`<id>.steps`): the customer picker, then these steps. A card
   * answered with Back (`BACK_ACTION`) does not reach the next step: `goBack` decides where to go.
   */
  protected withSteps(steps: WaterfallStep[]): void {
    const id = `${this.id}.steps`;
    const guarded = steps.map(
      (run): WaterfallStep =>
        async (step) =>
          isBack(step.result) ? this.goBack(step) : run(step),
    );
    this.addDialog(new WaterfallDialog(id, [this.pickCustomer.bind(this), ...guarded]));
    this.initialDialogId = id;
  }

  /** The duplicate warning as a flow card shows it (a notice in the warning colour), or nothing. */
  protected async duplicateNotice(
    step: WaterfallStepContext,
    kinds: readonly string[],
    customerId: string,
  ): Promise<{ notice: string; noticeTone: 'warning' } | Record<string, never>> {
    const warning = await duplicateWarning(this.deps.requests, kinds, customerId, this.turn(step));
    return warning ? { notice: warning, noticeTone: 'warning' } : {};
  }

  /** "Step n of N" for a card of this flow. */
  protected progress(step: WaterfallStepContext, n: number, of = this.stepCount): string {
    return t(this.turn(step).locale, 'dialogs.progress', { n, of });
  }

  /**
   * Back: by default to the customer, the picker shown again with the one chosen (the flow starts
   * over from there, with what the command said). A flow with choices in between may go back less far.
   */
  protected async goBack(step: WaterfallStepContext): Promise<DialogTurnResult> {
    return this.startOver(step, { pick: true });
  }

  /**
   * The flow from its first step again with the customer chosen (carried, not looked up again):
   * offered in the picker to keep or change (`pick`), or taken as is. `forget` names options of the
   * flow that must not be applied again (an amount typed with the command, say).
   */
  protected async startOver(
    step: WaterfallStepContext,
    how: { pick: boolean; forget?: readonly string[] },
  ): Promise<DialogTurnResult> {
    const customer = (this.draft(step) as { customer?: CustomerSummary }).customer;
    const kept = Object.fromEntries(
      Object.entries((step.options ?? {}) as Record<string, unknown>).filter(
        ([key]) => !['customer', 'pick', ...(how.forget ?? [])].includes(key),
      ),
    );
    return step.replaceDialog(`${this.id}.steps`, {
      ...kept,
      ...(customer ? { customer } : {}),
      ...(how.pick ? { pick: true } : {}),
    } satisfies Record<string, unknown> & Restart);
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
    const given = (step.options ?? {}) as { query?: string } & Restart;
    if (given.customer && !given.pick) return step.next(given.customer);
    const options: CustomerPickerOptions = {
      query: (given.query ?? '').trim(),
      flow: this.flow(step),
      progress: this.progress(step, 1),
      ...(given.customer ? { current: given.customer } : {}),
    };
    return step.beginDialog(CustomerPickerDialog.id, options);
  }
}

/** What a flow started over carries: the customer chosen, and whether to offer it for a change. */
interface Restart {
  customer?: CustomerSummary;
  pick?: boolean;
}

function isBack(result: unknown): boolean {
  return (
    typeof result === 'object' && result !== null && (result as { action?: unknown }).action === BACK_ACTION
  );
}

import type { TurnContext } from 'botbuilder';
import type { DialogTurnResult, WaterfallStepContext } from 'botbuilder-dialogs';
import { ComponentDialog, WaterfallDialog } from './dialogRuntime';
import type { AdaptiveCard } from '../cards/render';
import { t } from '../i18n';
import type { CustomerSummary } from '../workflows';
import { CardPrompt } from './cardPrompt';
import type { DialogTurn } from './cardTurn';
import {
  CustomerPickerDialog,
  type CustomerPickerDeps,
  type CustomerPickerOptions,
} from './customerPickerDialog';
import { endWithCard, PROMPT, required } from './dialogSteps';

export interface CustomerActionOptions {
  query: string;
  /** What else the command said (thresholds after the customer, say), handed to `show`. */
  extra?: Record<string, string>;
}

export interface CustomerActionDeps extends CustomerPickerDeps {
  /** The i18n key of the flow's title. */
  flowKey: string;
  /** What to show for the customer once it is known. */
  show(
    context: TurnContext,
    customer: CustomerSummary,
    turn: DialogTurn,
    extra: Readonly<Record<string, string>>,
  ): Promise<AdaptiveCard>;
}

/**
 * A command about one customer (plans, usage, orders…): the shared customer picker when the name
 * does not say which customer, then one card.
 */
export class CustomerActionDialog extends ComponentDialog {
  constructor(
    id: string,
    private readonly deps: CustomerActionDeps,
  ) {
    super(id);
    this.addDialog(new CardPrompt(PROMPT, deps.prompts));
    this.addDialog(new CustomerPickerDialog(deps));
    this.addDialog(new WaterfallDialog(`${id}.steps`, [this.pick.bind(this), this.show.bind(this)]));
    this.initialDialogId = `${id}.steps`;
  }

  private async pick(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const query = ((step.options as Partial<CustomerActionOptions>).query ?? '').trim();
    const options: CustomerPickerOptions = {
      query,
      flow: t(this.deps.turn(step.context).locale, this.deps.flowKey),
    };
    return step.beginDialog(CustomerPickerDialog.id, options);
  }

  private async show(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const customer = required(step.result as CustomerSummary | undefined, 'the customer step');
    const extra = (step.options as Partial<CustomerActionOptions>).extra ?? {};
    return endWithCard(
      step,
      await this.deps.show(step.context, customer, this.deps.turn(step.context), extra),
    );
  }
}

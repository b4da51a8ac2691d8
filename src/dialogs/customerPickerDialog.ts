import type { TurnContext } from 'botbuilder';
import type { DialogTurnResult, WaterfallStepContext } from 'botbuilder-dialogs';
import { ComponentDialog, WaterfallDialog } from './dialogRuntime';
import type { PartnerCenterClient } from '../partnercenter';
import { findCustomers, namedCustomer, suggestCustomers, type CustomerSummary } from '../workflows';
import { CardPrompt, type CardPromptServices } from './cardPrompt';
import type { DialogTurn } from './cardTurn';
import { autoChoice, PROMPT, promptCard, submissionOf } from './dialogSteps';
import { customerPickerCard } from './purchaseCards';

/** The dataset of the customer picker's typeahead (`choices.data` in customerPicker.json). */
export const CUSTOMER_DATASET = 'customers';
const CUSTOMER_CHOICES = 15;

export interface CustomerPickerOptions {
  /** What the user typed after the command (name, domain or tenant id); may be empty. */
  query: string;
  /** The flow's title, shown on the picker. */
  flow: string;
  /** Where the person is in the flow ("Step 1 of 3"). */
  progress?: string;
  /** The customer chosen before (the person went back): offered to keep, with a search to change it. */
  current?: CustomerSummary;
}

export interface CustomerPickerDeps {
  pc: PartnerCenterClient;
  prompts: CardPromptServices;
  turn(context: TurnContext): DialogTurn;
}

interface PickerState {
  query: string;
  customers: CustomerSummary[];
}

/**
 * Which customer? Used by every flow that acts on one. A query that names exactly one customer is
 * taken at once; otherwise a picker (typeahead through Data.Query) offers the matches, and only a
 * customer it offered (or the typeahead offered this user) can be chosen. Ends with the customer.
 */
export class CustomerPickerDialog extends ComponentDialog {
  static readonly id = 'customerPicker';

  constructor(private readonly deps: CustomerPickerDeps) {
    super(CustomerPickerDialog.id);
    this.addDialog(new CardPrompt(PROMPT, deps.prompts));
    this.addDialog(
      new WaterfallDialog('customerPicker.steps', [this.find.bind(this), this.choose.bind(this)]),
    );
    this.initialDialogId = 'customerPicker.steps';
  }

  private async find(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const options = step.options as CustomerPickerOptions;
    const { correlationId, locale } = this.deps.turn(step.context);
    const state = this.state(step);
    const { current } = options;
    state.query = current ? current.companyName : options.query.trim().slice(0, 100);
    state.customers = current
      ? [current]
      : state.query === ''
        ? []
        : await findCustomers(this.deps.pc, state.query, {
            correlationId,
            limit: CUSTOMER_CHOICES,
            // A name that one customer bears is taken at once (below), so a recent answer will do.
            named: true,
          });
    const named = current ? undefined : namedCustomer(state.customers, state.query);
    if (named) return step.next(autoChoice({ customerId: named.id }));
    // Nothing matches: the near misses, offered as "Did you mean".
    const suggested = state.customers.length === 0 && state.query !== '';
    if (suggested) {
      state.customers = await suggestCustomers(this.deps.pc, state.query, {
        correlationId,
        limit: CUSTOMER_CHOICES,
      });
    }
    return promptCard(
      step,
      (token) =>
        customerPickerCard(locale, {
          token,
          title: options.flow,
          ...(options.progress ? { progress: options.progress } : {}),
          query: state.query,
          customers: state.customers,
          suggested,
        }),
      {
        select: {
          customerId: {
            required: true,
            oneOf: state.customers.map((c) => c.id),
            offeredBy: CUSTOMER_DATASET,
          },
        },
        search: { search: { maxLength: 100 } },
      },
      options.flow,
    );
  }

  private async choose(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const options = step.options as CustomerPickerOptions;
    const result = submissionOf(step);
    if (result.action === 'search') {
      // A new search: a name that matches one customer is taken at once, as when the flow began.
      const { current: _before, ...searched } = options;
      return step.replaceDialog('customerPicker.steps', {
        ...searched,
        query: result.values.search,
      } satisfies CustomerPickerOptions);
    }
    const state = this.state(step);
    const id = result.values.customerId;
    const customer =
      state.customers.find((c) => c.id === id) ??
      (
        await findCustomers(this.deps.pc, id, {
          correlationId: this.deps.turn(step.context).correlationId,
          limit: 1,
        })
      )[0];
    if (!customer) return step.replaceDialog('customerPicker.steps', { ...options, query: '' });
    return step.endDialog(customer);
  }

  private state(step: WaterfallStepContext): PickerState {
    const values = step.values as { picker?: PickerState };
    values.picker ??= { query: '', customers: [] };
    return values.picker;
  }
}

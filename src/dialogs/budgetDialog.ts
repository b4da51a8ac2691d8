import type { DialogTurnResult, WaterfallStepContext } from 'botbuilder-dialogs';
import { WaterfallDialog } from './dialogRuntime';
import { t, type Locale } from '../i18n';
import { formatAmount, formatMoney } from '../i18n/format';
import { PartnerCenterError } from '../partnercenter';
import {
  MAX_BUDGET_AMOUNT,
  parseBudgetAmount,
  RAISE_BUDGET_KIND,
  SET_BUDGET_KIND,
  type CustomerSummary,
} from '../workflows';
import { endWithCard, promptCard, required, submissionOf } from './dialogSteps';
import { flowCard, refusedCard } from './flowCards';
import { BACK_ACTION } from './cardPrompt';
import { CustomerRequestDialog, type RequestDialogDeps } from './customerRequestDialog';

export type BudgetChange = 'set' | 'clear' | 'raise';

export interface BudgetDialogOptions {
  /** The customer as typed, or its id (a button). */
  query: string;
  change: BudgetChange;
  /** The amount as typed after `set`, if it was. */
  amountText?: string;
  /** The alert a raise answers. */
  alertId?: string;
  /** What the period is heading for (a raise from an alert suggests it). */
  projectedTotal?: number;
}

interface Draft {
  customer?: CustomerSummary;
  current: number | null;
  currency: string;
  amount?: number | null;
}

/** The amount loop is a dialog of its own: what it needs travels in its options. */
interface AmountLoopOptions {
  text?: string;
  error?: string;
  draft: Draft;
  projectedTotal?: number;
}

type Step = WaterfallStepContext;

/**
 * `budget <customer> set <amount>|clear` and "Raise the budget" on an alert: the customer, its
 * budget now (and its currency, from the usage summary when the App+User sign-in allows), the new
 * amount (asked, or checked as typed, with what is wrong shown under the field), then a
 * confirmation that creates the request. Whether it needs an approver is the kind's policy.
 */
export class BudgetDialog extends CustomerRequestDialog<Draft> {
  static readonly id = 'budget.change';
  private readonly amountLoop = `${BudgetDialog.id}.amount`;

  constructor(deps: RequestDialogDeps) {
    super(BudgetDialog.id, deps);
    this.withSteps([this.readBudget.bind(this), this.confirm.bind(this), this.submit.bind(this)]);
    this.addDialog(
      new WaterfallDialog(this.amountLoop, [this.askAmount.bind(this), this.checkAmount.bind(this)]),
    );
  }

  private async readBudget(step: Step): Promise<DialogTurnResult> {
    const { correlationId } = this.turn(step);
    const draft = this.draft(step);
    const customer = required(step.result as CustomerSummary | undefined, 'the customer step');
    draft.customer = customer;
    const [budget, currency] = await Promise.all([
      this.deps.pc.budgets.get(customer.id, { correlationId }),
      this.currencyOf(customer.id, correlationId),
    ]);
    draft.current = budget.amount ?? null;
    draft.currency = currency;
    const options = this.options(step);
    if (options.change === 'clear') return step.next(null);
    return step.beginDialog(this.amountLoop, {
      text: options.amountText,
      draft,
      projectedTotal: options.projectedTotal,
    } satisfies AmountLoopOptions);
  }

  /** Asks for the amount, or checks the one typed with the command; says what is wrong under the field. */
  private async askAmount(step: Step): Promise<DialogTurnResult> {
    const { text, error, draft, projectedTotal: projected } = step.options as AmountLoopOptions;
    if (text !== undefined && error === undefined)
      return step.next({ action: 'submit', values: { amount: text } });
    const { locale } = this.turn(step);
    const customer = required(draft.customer);
    return promptCard(
      step,
      (token) =>
        flowCard(locale, {
          flow: this.flow(step),
          progress: this.progress(step, 2),
          token,
          back: true,
          facts: this.facts(locale, draft),
          ...(projected !== undefined && draft.currency
            ? {
                paragraphs: [
                  t(locale, 'spend.budget.suggested', {
                    amount: formatMoney(projected, draft.currency, locale),
                  }),
                ],
              }
            : {}),
          field: {
            id: 'amount',
            label: draft.currency
              ? t(locale, 'spend.budget.amountLabel', { currency: draft.currency })
              : t(locale, 'spend.budget.amountLabelNoCurrency'),
            placeholder: t(locale, 'spend.budget.amountPlaceholder'),
            ...(text !== undefined ? { value: text } : {}),
            ...(error !== undefined ? { error } : {}),
          },
          buttons: [{ title: t(locale, 'spend.budget.next'), action: 'submit', style: 'positive' }],
          title: t(locale, 'spend.budget.title', { customerName: customer.companyName }),
        }),
      { submit: { amount: { required: true, maxLength: 40 } }, [BACK_ACTION]: {} },
      this.flow(step),
    );
  }

  private async checkAmount(step: Step): Promise<DialogTurnResult> {
    const { locale } = this.turn(step);
    const loop = step.options as AmountLoopOptions;
    const { draft } = loop;
    const submission = submissionOf(step);
    // Back is the main flow's to decide.
    if (submission.action === BACK_ACTION) return step.endDialog(submission);
    const text = submission.values.amount ?? '';
    const parsed = parseBudgetAmount(text, {
      currency: draft.currency || undefined,
      decimalComma: locale === 'fr',
    });
    if (parsed.ok) return step.endDialog(parsed.amount);
    const error = t(locale, `spend.budget.errors.${parsed.reason}`, {
      text: text.slice(0, 40),
      currency: draft.currency,
      customerName: draft.customer?.companyName ?? '',
      max: formatMoney(MAX_BUDGET_AMOUNT, draft.currency || 'USD', locale),
    });
    return step.replaceDialog(this.amountLoop, { ...loop, text, error } satisfies AmountLoopOptions);
  }

  private async confirm(step: Step): Promise<DialogTurnResult> {
    const { locale } = this.turn(step);
    const draft = this.draft(step);
    const customer = required(draft.customer);
    const amount = step.result as number | null;
    draft.amount = amount;
    const money = (value: number) => formatAmount(value, draft.currency, locale);
    if (amount === draft.current) {
      return endWithCard(
        step,
        flowCard(locale, {
          flow: this.flow(step),
          paragraphs: [
            amount === null
              ? t(locale, 'spend.budget.none')
              : t(locale, 'spend.budget.unchanged', {
                  customerName: customer.companyName,
                  amount: money(amount),
                }),
          ],
        }),
      );
    }
    const change = this.options(step).change;
    const kind = change === 'raise' ? RAISE_BUDGET_KIND : SET_BUDGET_KIND;
    const approval = (this.deps.requests.approversNeeded(kind) ?? 1) > 0;
    const question =
      amount === null
        ? t(locale, 'spend.budget.confirmClear', { customerName: customer.companyName })
        : t(locale, change === 'raise' ? 'spend.budget.confirmRaise' : 'spend.budget.confirmSet', {
            customerName: customer.companyName,
            amount: money(amount),
          });
    // A set and a raise change the same budget: either open one is a duplicate.
    const warned = await this.duplicateNotice(step, [SET_BUDGET_KIND, RAISE_BUDGET_KIND], customer.id);
    return promptCard(
      step,
      (token) =>
        flowCard(locale, {
          flow: this.flow(step),
          // Clearing asks no amount: two steps.
          progress: change === 'clear' ? this.progress(step, 2, 2) : this.progress(step, 3),
          token,
          back: true,
          tone: amount === null ? 'warning' : 'info',
          ...warned,
          facts: [
            ...this.facts(locale, draft),
            {
              title: t(locale, 'kinds.set-budget.facts.budget'),
              value: amount === null ? t(locale, 'spend.budget.none') : money(amount),
            },
          ],
          paragraphs: [question],
          buttons: [
            {
              title: approval
                ? t(locale, 'spend.budget.submitApproval')
                : t(locale, amount === null ? 'spend.budget.submitClear' : 'spend.budget.submit'),
              action: 'submit',
              style: amount === null ? 'destructive' : 'positive',
            },
          ],
        }),
      { submit: {}, [BACK_ACTION]: {} },
      this.flow(step),
    );
  }

  private async submit(step: Step): Promise<DialogTurnResult> {
    const turn = this.turn(step);
    const draft = this.draft(step);
    const customer = required(draft.customer);
    const options = this.options(step);
    const created = await this.deps.requests.create({
      kind: options.change === 'raise' ? RAISE_BUDGET_KIND : SET_BUDGET_KIND,
      caller: turn.caller,
      customerId: customer.id,
      customerName: customer.companyName,
      payload: {
        customerId: customer.id,
        customerName: customer.companyName,
        amount: draft.amount ?? null,
        currency: draft.currency,
        previousAmount: draft.current,
        ...(options.alertId ? { alertId: options.alertId } : {}),
      },
      conversationKey: step.context.activity.conversation.id,
      correlationId: turn.correlationId,
    });
    if (!created.ok) {
      return endWithCard(step, refusedCard(turn.locale, this.flow(step), created.reason, turn.correlationId));
    }
    return endWithCard(step, await this.deps.publishRequest(step.context, created.request));
  }

  /** The customer's currency from its usage summary (App+User); empty when that cannot be read. */
  private async currencyOf(customerId: string, correlationId: string): Promise<string> {
    try {
      const summary = await this.deps.pc.usage.customerSummary(customerId, { correlationId });
      return summary.currencyCode ?? '';
    } catch (error) {
      if (error instanceof PartnerCenterError && !error.transient) return '';
      throw error;
    }
  }

  private facts(locale: Locale, draft: Draft): Array<{ title: string; value: string }> {
    return [
      { title: t(locale, 'request.facts.customer'), value: required(draft.customer).companyName },
      {
        title: t(locale, 'spend.budget.current'),
        value:
          draft.current === null
            ? t(locale, 'spend.budget.none')
            : formatAmount(draft.current, draft.currency, locale),
      },
    ];
  }

  private options(step: Step): BudgetDialogOptions {
    return step.options as BudgetDialogOptions;
  }

  /** The customer, the amount, the confirmation. */
  protected readonly stepCount = 3;

  /** Back from the confirmation of a new amount is the amount (asked again); otherwise the customer. */
  protected override async goBack(step: Step): Promise<DialogTurnResult> {
    const draft = this.draft(step);
    const options = this.options(step);
    if (draft.amount !== undefined && options.change !== 'clear') {
      return this.startOver(step, { pick: false, forget: ['amountText'] });
    }
    return this.startOver(step, { pick: true });
  }

  protected newDraft(): Draft {
    return { current: null, currency: '' };
  }

  protected flow(step: Step): string {
    return t(this.turn(step).locale, 'spend.budget.flow');
  }
}

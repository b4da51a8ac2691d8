import type { TurnContext } from 'botbuilder';
import type { DialogTurnResult, WaterfallStepContext } from 'botbuilder-dialogs';
import { ComponentDialog, WaterfallDialog } from './dialogRuntime';
import { pcErrorText, t } from '../i18n';
import type { PartnerCenterClient } from '../partnercenter';
import type { Store } from '../store';
import { recordMcaAttestation } from '../workflows';
import { errorSummary } from '../workflows/pcErrors';
import type { RolePolicy } from '../workflows/roles';
import { CardPrompt, type CardPromptServices } from './cardPrompt';
import type { DialogTurn } from './cardTurn';
import { PROMPT, promptCard, submissionOf } from './dialogSteps';
import { mcaAttestationCard } from './purchaseCards';

export interface McaAttestationOptions {
  customerId: string;
  customerName: string;
  flow: string;
  notice?: string;
  values?: Record<string, string>;
}

export interface McaAttestationDeps {
  pc: PartnerCenterClient;
  store: Store;
  roles: RolePolicy;
  prompts: CardPromptServices;
  turn(context: TurnContext): DialogTurn;
  /** Today as YYYY-MM-DD (the latest date an attestation may carry). */
  today?: () => string;
}

/** The e-mail pattern the card and the server both apply. */
export const EMAIL_PATTERN = "[A-Za-z0-9._%+'-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}";

/**
 * Records that the customer accepted the Microsoft Customer Agreement: who (their contact) and when.
 * Partner Center refusing it shows the card again with why; ends with `{ attested: true }`.
 */
export class McaAttestationDialog extends ComponentDialog {
  static readonly id = 'mcaAttestation';

  constructor(private readonly deps: McaAttestationDeps) {
    super(McaAttestationDialog.id);
    this.addDialog(new CardPrompt(PROMPT, deps.prompts));
    this.addDialog(
      new WaterfallDialog('mcaAttestation.steps', [this.ask.bind(this), this.record.bind(this)]),
    );
    this.initialDialogId = 'mcaAttestation.steps';
  }

  private async ask(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const options = step.options as McaAttestationOptions;
    const { locale } = this.deps.turn(step.context);
    return promptCard(
      step,
      (token) =>
        mcaAttestationCard(locale, {
          token,
          customerName: options.customerName,
          today: this.today(),
          notice: options.notice,
          values: options.values,
        }),
      {
        attest: {
          firstName: { required: true, maxLength: 100 },
          lastName: { required: true, maxLength: 100 },
          email: { required: true, maxLength: 200, pattern: EMAIL_PATTERN, formatHint: 'email' },
          phoneNumber: { maxLength: 40, pattern: '[+0-9 ().-]{3,40}', formatHint: 'phone' },
          dateAgreed: { required: true, pattern: '\\d{4}-\\d{2}-\\d{2}', formatHint: 'date' },
        },
      },
      options.flow,
    );
  }

  private async record(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const result = submissionOf(step);
    const turn = this.deps.turn(step.context);
    const options = step.options as McaAttestationOptions;
    const { firstName, lastName, email, phoneNumber, dateAgreed } = result.values;
    const outcome = await recordMcaAttestation(
      { pc: this.deps.pc, store: this.deps.store, roles: this.deps.roles, logger: turn.logger },
      {
        customerId: options.customerId,
        caller: turn.caller,
        contact: { firstName, lastName, email, ...(phoneNumber ? { phoneNumber } : {}) },
        dateAgreed: `${dateAgreed}T00:00:00.000Z`,
        correlationId: turn.correlationId,
      },
    );
    if (!outcome.ok) {
      const reason =
        outcome.reason === 'forbidden'
          ? t(turn.locale, 'purchase.mca.cannotAttest')
          : outcome.error
            ? pcErrorText(turn.locale, errorSummary(outcome.error))
            : '';
      const retry: McaAttestationOptions = {
        ...options,
        notice: t(turn.locale, 'purchase.mca.failed', { reason }),
        values: result.values,
      };
      return step.replaceDialog('mcaAttestation.steps', retry);
    }
    return step.endDialog({ attested: true });
  }

  private today(): string {
    return this.deps.today?.() ?? new Date().toISOString().slice(0, 10);
  }
}

import { randomUUID } from 'node:crypto';
import type { TurnContext } from 'botbuilder';
import {
  ComponentDialog,
  WaterfallDialog,
  type DialogTurnResult,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import type { AdaptiveCard } from '../cards/render';
import { pcErrorText, statusLabel, t } from '../i18n';
import type { PartnerCenterClient } from '../partnercenter';
import type { ActionRequest, Store } from '../store';
import {
  checkPurchaseReadiness,
  findCustomers,
  listAvailabilities,
  namedCustomer,
  listAzureProducts,
  listSkus,
  recordMcaAttestation,
  type PurchaseItem,
  type RequestService,
} from '../workflows';
import { errorSummary } from '../workflows/pcErrors';
import type { RolePolicy } from '../workflows/roles';
import { CardPrompt, type CardFieldRule, type CardPromptServices, type CardSubmission } from './cardPrompt';
import { presentCard, type DialogTurn } from './cardTurn';
import {
  availabilityLabel,
  catalogPickerCard,
  confirmCard,
  currencyOf,
  customerPickerCard,
  mcaAttestationCard,
  noticeCard,
  type CatalogLevel,
  type PurchaseDraft,
} from './purchaseCards';

export interface PurchaseDialogDeps {
  pc: PartnerCenterClient;
  store: Store;
  roles: RolePolicy;
  requests: RequestService;
  prompts: CardPromptServices;
  turn(context: TurnContext): DialogTurn;
  /**
   * Turns the confirmation card into the request's card (in place, for everyone) and returns the
   * requester's own view of it.
   */
  publishRequest(context: TurnContext, request: ActionRequest): Promise<AdaptiveCard>;
  /** Today as YYYY-MM-DD (the latest date an MCA attestation may carry). */
  today?: () => string;
}

export interface PurchaseDialogOptions {
  query: string;
}

interface AttestationOptions {
  customerName: string;
  notice?: string;
  values?: Record<string, string>;
}

const STEPS = 'purchase.steps';
const MCA = 'purchase.mca';
const PROMPT = 'purchase.card';
const CUSTOMER_CHOICES = 15;
/** The dataset of the customer picker's typeahead (`choices.data` in customerPicker.json). */
export const CUSTOMER_DATASET = 'customers';

type Step = WaterfallStepContext;
type Actions = Record<string, Record<string, CardFieldRule>>;

/**
 * `buy [customer]`: customer → checks before the catalog (legacy 0145P, existing Azure plan,
 * Microsoft Customer Agreement) → product → SKU → availability → confirmation. It ends where the
 * purchase request is created; approval and execution belong to the request's life cycle.
 */
export class PurchaseDialog extends ComponentDialog {
  static readonly id = 'purchase';

  constructor(private readonly deps: PurchaseDialogDeps) {
    super(PurchaseDialog.id);
    this.addDialog(new CardPrompt(PROMPT, deps.prompts));
    this.addDialog(
      new WaterfallDialog(STEPS, [
        this.findCustomer.bind(this),
        this.chooseCustomer.bind(this),
        this.checkReadiness.bind(this),
        this.handleExistingPlan.bind(this),
        this.pickProduct.bind(this),
        this.pickSku.bind(this),
        this.pickAvailability.bind(this),
        this.confirm.bind(this),
        this.submitRequest.bind(this),
      ]),
    );
    this.addDialog(
      new WaterfallDialog(MCA, [this.askAttestation.bind(this), this.recordAttestation.bind(this)]),
    );
    this.initialDialogId = STEPS;
  }

  private async findCustomer(step: Step): Promise<DialogTurnResult> {
    const { correlationId, locale } = this.turn(step);
    const draft = this.draft(step);
    draft.query = ((step.options as Partial<PurchaseDialogOptions>).query ?? '').trim().slice(0, 100);
    draft.customers =
      draft.query === ''
        ? []
        : await findCustomers(this.deps.pc, draft.query, { correlationId, limit: CUSTOMER_CHOICES });
    const named = namedCustomer(draft.customers, draft.query);
    if (named) return step.next(auto({ customerId: named.id }));
    return this.prompt(
      step,
      (token) => customerPickerCard(locale, { token, query: draft.query, customers: draft.customers }),
      {
        select: {
          customerId: {
            required: true,
            oneOf: draft.customers.map((c) => c.id),
            offeredBy: CUSTOMER_DATASET,
          },
        },
        search: { search: { maxLength: 100 } },
        cancel: {},
      },
    );
  }

  private async chooseCustomer(step: Step): Promise<DialogTurnResult> {
    const result = submission(step);
    if (result.action === 'cancel') return this.cancelled(step);
    if (result.action === 'search') return step.replaceDialog(STEPS, { query: result.values.search });
    const draft = this.draft(step);
    const id = result.values.customerId;
    const customer =
      draft.customers.find((c) => c.id === id) ??
      (await findCustomers(this.deps.pc, id, { correlationId: this.turn(step).correlationId, limit: 1 }))[0];
    if (!customer) return step.replaceDialog(STEPS, { query: '' });
    draft.customer = customer;
    return step.next();
  }

  private async checkReadiness(step: Step): Promise<DialogTurnResult> {
    const { correlationId, locale, logger } = this.turn(step);
    const draft = this.draft(step);
    const customer = required(draft.customer);
    const names = { customerName: customer.companyName };
    if (!customer.country) {
      return this.end(
        step,
        noticeCard(locale, { tone: 'error', paragraphs: [t(locale, 'purchase.catalog.noCountry', names)] }),
      );
    }
    const readiness = await checkPurchaseReadiness(this.deps.pc, customer, { correlationId, logger });
    draft.mca = readiness.mca;
    if (readiness.legacySubscription) {
      const legacy = {
        ...names,
        subscriptionId: readiness.legacySubscription.id,
        status: statusLabel(locale, 'subscription', readiness.legacySubscription.status),
      };
      return this.end(
        step,
        noticeCard(locale, {
          title: t(locale, 'purchase.legacy.title', names),
          tone: 'warning',
          draft,
          paragraphs: [t(locale, 'purchase.legacy.text', legacy), t(locale, 'purchase.legacy.next', names)],
        }),
      );
    }
    if (readiness.existingAzurePlan) {
      const plan = {
        ...names,
        ...readiness.existingAzurePlan,
        status: statusLabel(locale, 'subscription', readiness.existingAzurePlan.status),
      };
      return this.prompt(
        step,
        (token) =>
          noticeCard(locale, {
            token,
            title: t(locale, 'purchase.existingPlan.title', names),
            tone: 'warning',
            draft,
            paragraphs: [
              t(locale, 'purchase.existingPlan.text', plan),
              t(locale, 'purchase.existingPlan.next'),
            ],
            buttons: [
              { title: t(locale, 'purchase.existingPlan.continue'), action: 'continue', style: 'positive' },
              { title: t(locale, 'purchase.cancel'), action: 'cancel', style: 'default' },
            ],
          }),
        { continue: {}, cancel: {} },
      );
    }
    return step.next(auto({}));
  }

  private async handleExistingPlan(step: Step): Promise<DialogTurnResult> {
    if (submission(step).action === 'cancel') return this.cancelled(step);
    const draft = this.draft(step);
    if (draft.mca !== 'missing') return step.next(auto({}));
    const turn = this.turn(step);
    const customerName = required(draft.customer).companyName;
    if (!turn.roles.includes('operator') && !turn.roles.includes('admin')) {
      return this.end(
        step,
        noticeCard(turn.locale, {
          title: t(turn.locale, 'purchase.mca.title'),
          tone: 'warning',
          draft,
          paragraphs: [
            t(turn.locale, 'purchase.mca.missing', { customerName }),
            t(turn.locale, 'purchase.mca.cannotAttest'),
          ],
        }),
      );
    }
    const options: AttestationOptions = { customerName };
    return step.beginDialog(MCA, options);
  }

  private async askAttestation(step: Step): Promise<DialogTurnResult> {
    const options = step.options as AttestationOptions;
    const { locale } = this.turn(step);
    return this.prompt(
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
          email: { required: true, maxLength: 200, pattern: EMAIL_PATTERN },
          phoneNumber: { maxLength: 40, pattern: '[+0-9 ().-]{3,40}' },
          dateAgreed: { required: true, pattern: '\\d{4}-\\d{2}-\\d{2}' },
        },
        cancel: {},
      },
    );
  }

  private async recordAttestation(step: Step): Promise<DialogTurnResult> {
    const result = submission(step);
    if (result.action === 'cancel') return step.endDialog(result);
    const turn = this.turn(step);
    const options = step.options as AttestationOptions;
    const draft = this.parentDraft(step);
    const { firstName, lastName, email, phoneNumber, dateAgreed } = result.values;
    const outcome = await recordMcaAttestation(
      { pc: this.deps.pc, store: this.deps.store, roles: this.deps.roles, logger: turn.logger },
      {
        customerId: required(draft?.customer).id,
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
      const retry: AttestationOptions = {
        ...options,
        notice: t(turn.locale, 'purchase.mca.failed', { reason }),
        values: result.values,
      };
      return step.replaceDialog(MCA, retry);
    }
    return step.endDialog({ action: 'attested', values: {} } satisfies CardSubmission);
  }

  private async pickProduct(step: Step): Promise<DialogTurnResult> {
    const result = submission(step);
    if (result.action === 'cancel') return this.cancelled(step);
    const draft = this.draft(step);
    const customer = required(draft.customer);
    if (result.action === 'attested') {
      draft.notice = t(this.turn(step).locale, 'purchase.mca.recorded', {
        customerName: customer.companyName,
      });
    }
    draft.products = await listAzureProducts(this.deps.pc, this.scope(step));
    return this.pickFrom(
      step,
      'product',
      draft.products.map((p) => ({ title: p.title, value: p.id })),
    );
  }

  private async pickSku(step: Step): Promise<DialogTurnResult> {
    const result = submission(step);
    if (result.action === 'cancel') return this.cancelled(step);
    const draft = this.draft(step);
    draft.product = required(draft.products.find((p) => p.id === result.values.choice));
    draft.productAuto = result.auto;
    draft.skus = await listSkus(this.deps.pc, { ...this.scope(step), productId: draft.product.id });
    return this.pickFrom(
      step,
      'sku',
      draft.skus.map((s) => ({ title: s.title, value: s.id })),
    );
  }

  private async pickAvailability(step: Step): Promise<DialogTurnResult> {
    const result = submission(step);
    if (result.action === 'cancel') return this.cancelled(step);
    const draft = this.draft(step);
    const product = required(draft.product);
    draft.sku = required(draft.skus.find((s) => s.id === result.values.choice));
    draft.skuAuto = result.auto;
    draft.availabilities = await listAvailabilities(this.deps.pc, {
      ...this.scope(step),
      productId: product.id,
      skuId: draft.sku.id,
    });
    return this.pickFrom(
      step,
      'availability',
      draft.availabilities.map((a) => ({ title: availabilityLabel(a), value: a.id })),
    );
  }

  private async confirm(step: Step): Promise<DialogTurnResult> {
    const result = submission(step);
    if (result.action === 'cancel') return this.cancelled(step);
    const draft = this.draft(step);
    draft.availability = required(draft.availabilities.find((a) => a.id === result.values.choice));
    draft.availabilityAuto = result.auto;
    const sku = required(draft.sku);
    const { locale } = this.turn(step);
    return this.prompt(step, (token) => confirmCard(locale, { token, draft }), {
      submit: {
        billingCycle: { oneOf: sku.billingCycles },
        quantity: {
          integer: { min: sku.minimumQuantity, max: Math.max(sku.minimumQuantity, sku.maximumQuantity) },
        },
      },
      cancel: {},
    });
  }

  private async submitRequest(step: Step): Promise<DialogTurnResult> {
    const result = submission(step);
    if (result.action === 'cancel') return this.cancelled(step);
    const turn = this.turn(step);
    const draft = this.draft(step);
    const customer = required(draft.customer);
    const product = required(draft.product);
    const sku = required(draft.sku);
    const availability = required(draft.availability);
    const item: PurchaseItem = {
      customerId: customer.id,
      customerName: customer.companyName,
      country: required(customer.country),
      currency: currencyOf(draft),
      productId: product.id,
      productTitle: product.title,
      skuId: sku.id,
      skuTitle: sku.title,
      availabilityId: availability.id,
      catalogItemId: availability.catalogItemId,
      billingCycle: result.values.billingCycle || sku.billingCycles[0] || 'one_time',
      quantity: result.values.quantity ? Number(result.values.quantity) : sku.minimumQuantity,
      ...(availability.segment ? { segment: availability.segment } : {}),
    };
    const created = await this.deps.requests.createPurchase({
      caller: turn.caller,
      item,
      conversationKey: step.context.activity.conversation.id,
      correlationId: turn.correlationId,
    });
    if (!created.ok) {
      const text =
        created.reason === 'forbidden'
          ? t(turn.locale, 'purchase.ended.forbidden')
          : t(turn.locale, 'purchase.ended.invalidItem', { issues: created.issues.join('; ') });
      return this.end(step, noticeCard(turn.locale, { tone: 'error', draft, paragraphs: [text] }));
    }
    return this.end(step, await this.deps.publishRequest(step.context, created.request));
  }

  /** A catalog step: nothing → the dialog ends; one choice → taken and shown; several → a picker. */
  private async pickFrom(
    step: Step,
    level: CatalogLevel,
    choices: Array<{ title: string; value: string }>,
  ): Promise<DialogTurnResult> {
    const draft = this.draft(step);
    const { locale } = this.turn(step);
    if (choices.length === 0) {
      const text = t(locale, 'purchase.catalog.noneLeft', {
        customerName: required(draft.customer).companyName,
        step: t(locale, `purchase.facts.${level}`),
      });
      return this.end(step, noticeCard(locale, { tone: 'warning', draft, paragraphs: [text] }));
    }
    if (choices.length === 1) return step.next(auto({ choice: choices[0].value }));
    return this.prompt(step, (token) => catalogPickerCard(locale, { token, level, draft, choices }), {
      select: { choice: { required: true, oneOf: choices.map((c) => c.value) } },
      cancel: {},
    });
  }

  private prompt(
    step: Step,
    render: (token: string) => AdaptiveCard,
    actions: Actions,
  ): Promise<DialogTurnResult> {
    const token = randomUUID();
    const card = render(token);
    const draft = this.draft(step);
    delete draft.notice;
    return step.beginDialog(PROMPT, { card, token, actions });
  }

  private cancelled(step: Step): Promise<DialogTurnResult> {
    const { locale } = this.turn(step);
    return this.end(step, noticeCard(locale, { paragraphs: [t(locale, 'purchase.ended.cancelled')] }));
  }

  private end(step: Step, card: AdaptiveCard): Promise<DialogTurnResult> {
    presentCard(step.context, card);
    return step.endDialog();
  }

  private scope(step: Step): { country: string; customerId: string; correlationId: string } {
    const customer = required(this.draft(step).customer);
    return {
      country: required(customer.country),
      customerId: customer.id,
      correlationId: this.turn(step).correlationId,
    };
  }

  private draft(step: Step): PurchaseDraft {
    const values = step.values as { draft?: PurchaseDraft };
    values.draft ??= { query: '', customers: [], products: [], skus: [], availabilities: [] };
    return values.draft;
  }

  /** The MCA waterfall runs inside the component: the draft is on the main waterfall's instance. */
  private parentDraft(step: Step): PurchaseDraft | undefined {
    const main = step.stack.find((instance) => instance.id === STEPS);
    return (main?.state as { values?: { draft?: PurchaseDraft } } | undefined)?.values?.draft;
  }

  private turn(step: Step): DialogTurn {
    return this.deps.turn(step.context);
  }

  private today(): string {
    return this.deps.today?.() ?? new Date().toISOString().slice(0, 10);
  }
}

const EMAIL_PATTERN = "[A-Za-z0-9._%+'-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}";

function auto(values: Record<string, string>): CardSubmission {
  return { action: 'select', values, auto: true };
}

function submission(step: Step): CardSubmission {
  const result = step.result as CardSubmission | undefined;
  return result ?? { action: 'select', values: {}, auto: true };
}

function required<T>(value: T | undefined | null): T {
  if (value === undefined || value === null)
    throw new Error('purchase dialog: a step ran without what it needs');
  return value;
}

import type { DialogTurnResult, WaterfallStepContext } from 'botbuilder-dialogs';
import { statusLabel, t } from '../i18n';
import {
  checkPurchaseReadiness,
  listAvailabilities,
  listAzureProducts,
  listSkus,
  PURCHASE_KIND,
  type CustomerSummary,
  type PurchaseItem,
} from '../workflows';
import { BACK_ACTION } from './cardPrompt';
import { CustomerRequestDialog, duplicateWarning, type RequestDialogDeps } from './customerRequestDialog';
import { autoChoice, endWithCard, promptCard, required, submissionOf, type Actions } from './dialogSteps';
import {
  McaAttestationDialog,
  type McaAttestationDeps,
  type McaAttestationOptions,
} from './mcaAttestationDialog';
import {
  availabilityLabel,
  catalogPickerCard,
  confirmCard,
  currencyOf,
  noticeCard,
  type CatalogLevel,
  type PurchaseDraft,
} from './purchaseCards';

export interface PurchaseDialogDeps extends McaAttestationDeps, RequestDialogDeps {}

type Step = WaterfallStepContext;

/**
 * `buy [customer]`: customer (the shared picker) → checks before the catalog (legacy 0145P,
 * existing Azure plan, Microsoft Customer Agreement, attested on a card if need be) → product →
 * SKU → availability → confirmation. It ends where the purchase request is created; approval and
 * execution belong to the request's life cycle. Cancel is handled by the card prompt, for every step.
 */
export class PurchaseDialog extends CustomerRequestDialog<PurchaseDraft, PurchaseDialogDeps> {
  static readonly id = 'purchase';

  constructor(deps: PurchaseDialogDeps) {
    super(PurchaseDialog.id, deps);
    this.addDialog(new McaAttestationDialog(deps));
    this.withSteps([
      this.checkReadiness.bind(this),
      this.handleExistingPlan.bind(this),
      this.pickProduct.bind(this),
      this.pickSku.bind(this),
      this.pickAvailability.bind(this),
      this.confirm.bind(this),
      this.submitRequest.bind(this),
    ]);
  }

  private async checkReadiness(step: Step): Promise<DialogTurnResult> {
    const { correlationId, locale, logger } = this.turn(step);
    const draft = this.draft(step);
    const customer = required(step.result as CustomerSummary | undefined, 'the customer step');
    draft.customer = customer;
    const names = { customerName: customer.companyName };
    if (!customer.country) {
      return endWithCard(
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
      return endWithCard(
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
      return promptCard(
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
        { continue: {} },
        this.flow(step),
      );
    }
    return step.next(autoChoice({}));
  }

  private async handleExistingPlan(step: Step): Promise<DialogTurnResult> {
    const draft = this.draft(step);
    if (draft.mca !== 'missing') return step.next(autoChoice({}));
    const turn = this.turn(step);
    const customer = required(draft.customer);
    if (!turn.roles.includes('requester') && !turn.roles.includes('admin')) {
      return endWithCard(
        step,
        noticeCard(turn.locale, {
          title: t(turn.locale, 'purchase.mca.title'),
          tone: 'warning',
          draft,
          paragraphs: [
            t(turn.locale, 'purchase.mca.missing', { customerName: customer.companyName }),
            t(turn.locale, 'purchase.mca.cannotAttest'),
          ],
        }),
      );
    }
    const options: McaAttestationOptions = {
      customerId: customer.id,
      customerName: customer.companyName,
      flow: this.flow(step),
    };
    return step.beginDialog(McaAttestationDialog.id, options);
  }

  private async pickProduct(step: Step): Promise<DialogTurnResult> {
    const draft = this.draft(step);
    const customer = required(draft.customer);
    if ((step.result as { attested?: boolean } | undefined)?.attested) {
      draft.notice = t(this.turn(step).locale, 'purchase.mca.recorded', {
        customerName: customer.companyName,
      });
    }
    const products = await listAzureProducts(this.deps.pc, this.scope(step));
    // The legacy offer is listed but cannot be bought: left out, and said why, never a dead end.
    draft.products = products.filter((p) => !p.legacy);
    if (products.some((p) => p.legacy)) {
      const legacy = t(this.turn(step).locale, 'purchase.catalog.legacyLeftOut');
      draft.notice = draft.notice ? `${draft.notice} ${legacy}` : legacy;
    }
    return this.pickFrom(
      step,
      'product',
      draft.products.map((p) => ({ title: p.title, value: p.id })),
    );
  }

  private async pickSku(step: Step): Promise<DialogTurnResult> {
    const result = submissionOf(step);
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
    const result = submissionOf(step);
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
      draft.availabilities.map((a) => ({ title: availabilityLabel(this.turn(step).locale, a), value: a.id })),
    );
  }

  private async confirm(step: Step): Promise<DialogTurnResult> {
    const result = submissionOf(step);
    const draft = this.draft(step);
    draft.availability = required(draft.availabilities.find((a) => a.id === result.values.choice));
    draft.availabilityAuto = result.auto;
    const sku = required(draft.sku);
    const turn = this.turn(step);
    const { locale } = turn;
    const customer = required(draft.customer);
    const warning = await duplicateWarning(this.deps.requests, [PURCHASE_KIND], customer.id, turn);
    return promptCard(
      step,
      (token) => confirmCard(locale, { token, draft, progress: this.progress(step, 3), warning }),
      {
        [BACK_ACTION]: {},
        submit: {
          billingCycle: { oneOf: sku.billingCycles },
          quantity: {
            integer: { min: sku.minimumQuantity, max: Math.max(sku.minimumQuantity, sku.maximumQuantity) },
          },
        },
      },
      this.flow(step),
    );
  }

  private async submitRequest(step: Step): Promise<DialogTurnResult> {
    const result = submissionOf(step);
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
    const created = await this.deps.requests.create({
      kind: PURCHASE_KIND,
      caller: turn.caller,
      customerId: customer.id,
      customerName: customer.companyName,
      payload: { item },
      conversationKey: step.context.activity.conversation.id,
      correlationId: turn.correlationId,
    });
    if (!created.ok) {
      const text =
        created.reason === 'invalid-payload'
          ? t(turn.locale, 'purchase.ended.invalidItem', { issues: created.issues.join('; ') })
          : t(turn.locale, 'purchase.ended.forbidden');
      return endWithCard(step, noticeCard(turn.locale, { tone: 'error', draft, paragraphs: [text] }));
    }
    return endWithCard(step, await this.deps.publishRequest(step.context, created.request));
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
      return endWithCard(step, noticeCard(locale, { tone: 'warning', draft, paragraphs: [text] }));
    }
    if (choices.length === 1) return step.next(autoChoice({ choice: choices[0].value }));
    const actions: Actions = {
      select: { choice: { required: true, oneOf: choices.map((c) => c.value) } },
      [BACK_ACTION]: {},
    };
    const progress = this.progress(step, 2);
    const card = (token: string) => catalogPickerCard(locale, { token, level, draft, choices, progress });
    const shown = promptCard(step, card, actions, this.flow(step));
    delete draft.notice; // shown once, on this card
    return shown;
  }

  private scope(step: Step): { country: string; customerId: string; correlationId: string } {
    const customer = required(this.draft(step).customer);
    return {
      country: required(customer.country),
      customerId: customer.id,
      correlationId: this.turn(step).correlationId,
    };
  }

  /** The customer, the catalog choices (and the agreement when one is missing), the confirmation. */
  protected readonly stepCount = 3;

  /**
   * Back from the confirmation goes to the catalog choice the person made (the flow again with the
   * same customer); when every catalog choice was the only one, and from a catalog picker, back is
   * the customer.
   */
  protected override async goBack(step: Step): Promise<DialogTurnResult> {
    const draft = this.draft(step);
    const choseInCatalog = !(draft.productAuto && draft.skuAuto && draft.availabilityAuto);
    return this.startOver(step, { pick: !(draft.availability && choseInCatalog) });
  }

  protected newDraft(): PurchaseDraft {
    return { query: '', customers: [], products: [], skus: [], availabilities: [] };
  }

  protected flow(step: Step): string {
    return t(this.turn(step).locale, 'purchase.title');
  }
}

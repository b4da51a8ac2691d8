import type { DialogTurnResult, WaterfallStepContext } from 'botbuilder-dialogs';
import { hasKey, t } from '../i18n';
import {
  customerPlans,
  upgradeEligibility,
  UPGRADE_KIND,
  type CustomerSummary,
  type LegacySubscriptionSummary,
} from '../workflows';
import { endWithCard, promptCard, required } from './dialogSteps';
import { flowCard, refusedCard } from './flowCards';
import { BACK_ACTION } from './cardPrompt';
import { CustomerRequestDialog, type RequestDialogDeps } from './customerRequestDialog';
import { mfaCard, upgradeStatusSections } from './lifecycleCards';

interface Draft {
  customer?: CustomerSummary;
  legacy?: LegacySubscriptionSummary;
}

type Step = WaterfallStepContext;

/**
 * `upgrade <customer>`: the customer's legacy MS-AZR-0145P subscription and Partner Center's word on
 * the upgrade (App+User). Eligible → what the upgrade does, then a request; not eligible → why, in
 * words; an upgrade already made or under way → its status; no MFA on the partner user → the MFA card.
 */
export class UpgradeDialog extends CustomerRequestDialog<Draft> {
  static readonly id = 'upgrade';

  constructor(deps: RequestDialogDeps) {
    super(UpgradeDialog.id, deps);
    this.withSteps([this.check.bind(this), this.submit.bind(this)]);
  }

  private async check(step: Step): Promise<DialogTurnResult> {
    const turn = this.turn(step);
    const { locale, correlationId } = turn;
    const draft = this.draft(step);
    const customer = required(step.result as CustomerSummary | undefined, 'the customer step');
    draft.customer = customer;
    const names = { customerName: customer.companyName };
    const notice = (paragraphs: string[], tone: 'warning' | 'error' | 'info' = 'warning') =>
      endWithCard(step, flowCard(locale, { flow: this.flow(step), tone, paragraphs }));

    // Side by side: the legacy subscription the upgrade moves (named on the card) and the eligibility.
    const [found, eligibility] = await Promise.all([
      customerPlans(this.deps.pc, customer.id, { correlationId, azureSubscriptions: false }),
      upgradeEligibility(this.deps.pc, customer.id, { correlationId }),
    ]);
    const legacy = found.legacy[0];
    if (eligibility.state === 'credentials') {
      if (eligibility.code === '900421')
        return endWithCard(step, mfaCard(locale, this.flow(step), correlationId));
      return notice([t(locale, 'lifecycle.upgrade.noCredentials', { code: eligibility.code })], 'error');
    }
    if (eligibility.state === 'existing') {
      return endWithCard(
        step,
        flowCard(locale, {
          flow: this.flow(step),
          title: t(locale, 'lifecycle.upgrade.existing', { ...names, upgradeId: eligibility.upgradeId }),
          sections: eligibility.status ? upgradeStatusSections(locale, eligibility.status) : [],
        }),
      );
    }
    if (!legacy) {
      const key = found.plans.length > 0 ? 'lifecycle.upgrade.hasPlan' : 'lifecycle.upgrade.noLegacy';
      return notice([t(locale, key, names)], 'info');
    }
    draft.legacy = legacy;
    if (eligibility.state === 'not-eligible') {
      const reason = hasKey(locale, `errors.pc.${eligibility.code}`)
        ? t(locale, `errors.pc.${eligibility.code}`)
        : eligibility.reason || t(locale, 'lifecycle.upgrade.noReason');
      return notice([
        t(locale, 'lifecycle.upgrade.notEligible', { ...names, reason, code: eligibility.code }),
      ]);
    }
    const warned = await this.duplicateNotice(step, [UPGRADE_KIND], customer.id);
    return promptCard(
      step,
      (token) =>
        flowCard(locale, {
          flow: this.flow(step),
          progress: this.progress(step, 2),
          token,
          back: true,
          title: t(locale, 'lifecycle.upgrade.eligible', names),
          tone: 'good',
          ...warned,
          facts: [
            { title: t(locale, 'request.facts.customer'), value: customer.companyName },
            {
              title: t(locale, 'kinds.upgrade.facts.legacySubscription'),
              value: `${legacy.name} · ${legacy.id}`,
            },
          ],
          sections: [
            {
              title: t(locale, 'lifecycle.upgrade.effectsTitle'),
              lines: ['suspended', 'moved', 'budget', 'time'].map(
                (effect) =>
                  `• ${t(locale, `lifecycle.upgrade.effects.${effect}`, { ...names, subscriptionId: legacy.id })}`,
              ),
            },
          ],
          buttons: [{ title: t(locale, 'lifecycle.submit'), action: 'submit', style: 'positive' }],
        }),
      { submit: {}, [BACK_ACTION]: {} },
      this.flow(step),
    );
  }

  private async submit(step: Step): Promise<DialogTurnResult> {
    const turn = this.turn(step);
    const draft = this.draft(step);
    const customer = required(draft.customer);
    const legacy = required(draft.legacy);
    const created = await this.deps.requests.create({
      kind: UPGRADE_KIND,
      caller: turn.caller,
      customerId: customer.id,
      customerName: customer.companyName,
      payload: {
        customerId: customer.id,
        customerName: customer.companyName,
        legacySubscriptionId: legacy.id,
      },
      conversationKey: step.context.activity.conversation.id,
      correlationId: turn.correlationId,
    });
    if (!created.ok)
      return endWithCard(step, refusedCard(turn.locale, this.flow(step), created.reason, turn.correlationId));
    return endWithCard(step, await this.deps.publishRequest(step.context, created.request));
  }

  /** The customer, then what the upgrade does and the request. */
  protected readonly stepCount = 2;

  protected newDraft(): Draft {
    return {};
  }

  protected flow(step: Step): string {
    return t(this.turn(step).locale, 'lifecycle.upgrade.flow');
  }
}

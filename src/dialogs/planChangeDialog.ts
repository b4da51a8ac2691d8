import type { DialogTurnResult, WaterfallStepContext } from 'botbuilder-dialogs';
import { WaterfallDialog } from './dialogRuntime';
import { t } from '../i18n';
import {
  customerPlans,
  REACTIVATE_KIND,
  SUSPEND_KIND,
  suspensionPreflight,
  type CustomerSummary,
  type PlanSummary,
} from '../workflows';
import { autoChoice, endWithCard, promptCard, required, submissionOf } from './dialogSteps';
import { flowCard, refusedCard } from './flowCards';
import { BACK_ACTION } from './cardPrompt';
import { CustomerRequestDialog, type RequestDialogDeps } from './customerRequestDialog';
import { mfaCard, planChoices, preflightSections } from './lifecycleCards';

type Mode = 'suspend' | 'reactivate';

interface Draft {
  customer?: CustomerSummary;
  plans: PlanSummary[];
  plan?: PlanSummary;
}

type Step = WaterfallStepContext;

interface CheckOptions {
  customer: CustomerSummary;
  plan: PlanSummary;
  warned: { notice?: string; noticeTone?: 'warning' };
}

/**
 * `suspend <customer>` and `reactivate <customer>`: the customer (shared picker), its plan in the
 * state that can change (a picker when there are several), then for a suspension the preflight
 * checklist (blockers listed with what to do first, checks run again on demand) and for both a
 * confirmation that creates the request. Approval and execution belong to the request's life cycle.
 */
export class PlanChangeDialog extends CustomerRequestDialog<Draft> {
  static readonly suspendId = 'suspend';
  static readonly reactivateId = 'reactivate';

  private readonly check: string;

  constructor(
    private readonly mode: Mode,
    deps: RequestDialogDeps,
  ) {
    super(mode === 'suspend' ? PlanChangeDialog.suspendId : PlanChangeDialog.reactivateId, deps);
    this.check = `${this.id}.check`;
    this.withSteps([this.pickPlan.bind(this), this.startCheck.bind(this), this.submit.bind(this)]);
    this.addDialog(new WaterfallDialog(this.check, [this.runCheck.bind(this), this.decide.bind(this)]));
  }

  private async pickPlan(step: Step): Promise<DialogTurnResult> {
    const { locale, correlationId } = this.turn(step);
    const draft = this.draft(step);
    const customer = required(step.result as CustomerSummary | undefined, 'the customer step');
    draft.customer = customer;
    const wanted = this.mode === 'suspend' ? 'active' : 'suspended';
    // The plans only: a suspension's preflight reads the chosen plan's Azure subscriptions itself.
    const { plans } = await customerPlans(this.deps.pc, customer.id, {
      correlationId,
      azureSubscriptions: false,
    });
    draft.plans = plans.filter((p) => p.status.toLowerCase() === wanted);
    if (draft.plans.length === 0) {
      return endWithCard(
        step,
        flowCard(locale, {
          flow: this.flow(step),
          tone: 'warning',
          paragraphs: [t(locale, `lifecycle.${this.mode}.noPlan`, { customerName: customer.companyName })],
        }),
      );
    }
    if (draft.plans.length === 1) return step.next(autoChoice({ plan: draft.plans[0].id }));
    return promptCard(
      step,
      (token) =>
        flowCard(locale, {
          flow: this.flow(step),
          progress: this.progress(step, 2),
          token,
          back: true,
          facts: [{ title: t(locale, 'request.facts.customer'), value: customer.companyName }],
          choice: {
            id: 'plan',
            label: t(locale, 'lifecycle.pickPlan.label'),
            options: planChoices(locale, draft.plans),
          },
          buttons: [{ title: t(locale, 'lifecycle.pickPlan.next'), action: 'select', style: 'positive' }],
        }),
      { select: { plan: { required: true, oneOf: draft.plans.map((p) => p.id) } }, [BACK_ACTION]: {} },
      this.flow(step),
    );
  }

  private async startCheck(step: Step): Promise<DialogTurnResult> {
    const draft = this.draft(step);
    draft.plan = required(draft.plans.find((p) => p.id === submissionOf(step).values.plan));
    const customer = required(draft.customer);
    const kind = this.mode === 'suspend' ? SUSPEND_KIND : REACTIVATE_KIND;
    // Read once: "check again" runs the preflight again, not this.
    const warned = await this.duplicateNotice(step, [kind], customer.id);
    return step.beginDialog(this.check, { customer, plan: draft.plan, warned });
  }

  /** The suspension preflight (a reactivation has none): the checklist, or the confirmation. */
  private async runCheck(step: Step): Promise<DialogTurnResult> {
    const { customer, plan, warned } = step.options as CheckOptions;
    const turn = this.turn(step);
    const { locale } = turn;
    const facts = [
      { title: t(locale, 'request.facts.customer'), value: customer.companyName },
      { title: t(locale, 'kinds.suspend.facts.plan'), value: `${plan.name} · ${plan.id}` },
    ];
    if (this.mode === 'reactivate') {
      return promptCard(
        step,
        (token) =>
          flowCard(locale, {
            flow: this.flow(step),
            progress: this.progress(step, 3),
            token,
            back: true,
            ...warned,
            facts,
            paragraphs: [t(locale, 'lifecycle.reactivate.confirm', { planName: plan.name })],
            buttons: [{ title: t(locale, 'lifecycle.submit'), action: 'submit', style: 'positive' }],
          }),
        { submit: {}, [BACK_ACTION]: {} },
        this.flow(step),
      );
    }
    const preflight = await suspensionPreflight(this.deps.pc, customer.id, plan.id, {
      correlationId: turn.correlationId,
    });
    if (preflight.mfaRequired) return endWithCard(step, mfaCard(locale, this.flow(step), turn.correlationId));
    const blocked = !preflight.clear;
    return promptCard(
      step,
      (token) =>
        flowCard(locale, {
          flow: this.flow(step),
          progress: this.progress(step, 3),
          token,
          back: true,
          title: t(locale, 'lifecycle.suspend.checklist', { planName: plan.name }),
          tone: blocked ? 'warning' : 'good',
          ...warned,
          facts,
          sections: preflightSections(locale, preflight),
          paragraphs: [t(locale, blocked ? 'lifecycle.suspend.blocked' : 'lifecycle.suspend.clear')],
          buttons: blocked
            ? [{ title: t(locale, 'lifecycle.suspend.recheck'), action: 'recheck', style: 'default' }]
            : [{ title: t(locale, 'lifecycle.submit'), action: 'submit', style: 'positive' }],
        }),
      blocked ? { recheck: {}, [BACK_ACTION]: {} } : { submit: {}, [BACK_ACTION]: {} },
      this.flow(step),
    );
  }

  private async decide(step: Step): Promise<DialogTurnResult> {
    const submission = submissionOf(step);
    if (submission.action === 'recheck') return step.replaceDialog(this.check, step.options);
    // Back is the main flow's to decide.
    if (submission.action === BACK_ACTION) return step.endDialog(submission);
    return step.endDialog({ submit: true });
  }

  private async submit(step: Step): Promise<DialogTurnResult> {
    const turn = this.turn(step);
    const draft = this.draft(step);
    const customer = required(draft.customer);
    const plan = required(draft.plan);
    const created = await this.deps.requests.create({
      kind: this.mode === 'suspend' ? SUSPEND_KIND : REACTIVATE_KIND,
      caller: turn.caller,
      customerId: customer.id,
      customerName: customer.companyName,
      payload: {
        customerId: customer.id,
        customerName: customer.companyName,
        planSubscriptionId: plan.id,
        planName: plan.name,
      },
      conversationKey: step.context.activity.conversation.id,
      correlationId: turn.correlationId,
    });
    if (!created.ok) {
      return endWithCard(step, refusedCard(turn.locale, this.flow(step), created.reason, turn.correlationId));
    }
    return endWithCard(step, await this.deps.publishRequest(step.context, created.request));
  }

  /** The customer, the plan, the checklist or confirmation. */
  protected readonly stepCount = 3;

  /** Back from the checklist or confirmation is the plan picker when there was a choice, else the customer. */
  protected override async goBack(step: Step): Promise<DialogTurnResult> {
    const draft = this.draft(step);
    return this.startOver(step, { pick: !(draft.plan && draft.plans.length > 1) });
  }

  protected newDraft(): Draft {
    return { plans: [] };
  }

  protected flow(step: Step): string {
    return t(this.turn(step).locale, `lifecycle.${this.mode}.flow`);
  }
}

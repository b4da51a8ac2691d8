import { CustomerActionDialog } from '../../dialogs/customerActionDialog';
import { plansCard } from '../../dialogs/lifecycleCards';
import { PlanChangeDialog } from '../../dialogs/planChangeDialog';
import { UpgradeDialog } from '../../dialogs/upgradeDialog';
import { t, type Locale } from '../../i18n';
import type { ActionRequest } from '../../store';
import {
  customerPlans,
  REACTIVATE_KIND,
  SUSPEND_KIND,
  upgradeResultSchema,
  UPGRADE_KIND,
  type RequestNotice,
} from '../../workflows';
import type { KindPresenter } from '../presenters/presenter';
import { requiredTurnServices } from '../turnServices';
import type { FeatureDefinition } from './feature';
import { dialogCommand } from './startDialog';

const PLANS_DIALOG = 'plans';

function planName(request: ActionRequest): string {
  const name = request.payload.planName;
  return typeof name === 'string' ? name : '';
}

function planPresenter(kind: typeof SUSPEND_KIND | typeof REACTIVATE_KIND): KindPresenter {
  return {
    kind,
    title: (request, locale) => t(locale, `kinds.${kind}.title`, { customerName: request.customerName }),
    message(request: ActionRequest, notice: RequestNotice, locale: Locale) {
      const names = { customerName: request.customerName, planName: planName(request) };
      if (notice.event === 'progress' && notice.milestone === 'status-sent') {
        return t(locale, `kinds.${kind}.messages.statusSent`, names);
      }
      if (notice.event === 'succeeded') return t(locale, `kinds.${kind}.messages.succeeded`, names);
      return undefined;
    },
  };
}

const upgradePresenter: KindPresenter = {
  kind: UPGRADE_KIND,
  title: (request, locale) => t(locale, 'kinds.upgrade.title', { customerName: request.customerName }),
  message(request, notice, locale) {
    const customerName = request.customerName;
    if (notice.event === 'progress' && notice.milestone === 'upgrade-started') {
      return t(locale, 'kinds.upgrade.messages.started', { customerName });
    }
    if (notice.event === 'succeeded') {
      const result = upgradeResultSchema.safeParse(request.result);
      const lines = result.success
        ? result.data.lineItems.map((l) =>
            t(locale, 'lifecycle.upgrade.line', {
              source: l.sourceProduct,
              target: l.targetProduct,
              date: l.upgradedDate ? l.upgradedDate.slice(0, 10) : '—',
            }),
          )
        : [];
      return [t(locale, 'kinds.upgrade.messages.succeeded', { customerName }), ...lines].join('\n\n');
    }
    return undefined;
  },
};

/**
 * The Azure plan's life after purchase: `plans`, `suspend` (with its preflight), `reactivate` and
 * `upgrade` from the legacy MS-AZR-0145P offer; each change is a request of its own kind.
 */
export const lifecycleFeature: FeatureDefinition = {
  name: 'lifecycle',
  commands: [
    { id: 'plans', aliases: ['plans', 'plan'] },
    { id: 'suspend', aliases: ['suspend', 'suspendre'] },
    { id: 'reactivate', aliases: ['reactivate', 'réactiver'] },
    { id: 'upgrade', aliases: ['upgrade', 'migrer'] },
  ],
  create(host) {
    const deps = {
      pc: host.pc,
      requests: host.requests,
      prompts: host.dialogs,
      turn: requiredTurnServices,
      publishRequest: host.publishRequest,
    };
    return {
      commands: {
        plans: dialogCommand(host.dialogs, PLANS_DIALOG, { titleKey: 'lifecycle.plans.flow' }),
        suspend: dialogCommand(host.dialogs, PlanChangeDialog.suspendId, {
          role: 'requester',
          titleKey: 'lifecycle.suspend.flow',
        }),
        reactivate: dialogCommand(host.dialogs, PlanChangeDialog.reactivateId, {
          role: 'requester',
          titleKey: 'lifecycle.reactivate.flow',
        }),
        upgrade: dialogCommand(host.dialogs, UpgradeDialog.id, {
          role: 'requester',
          titleKey: 'lifecycle.upgrade.flow',
        }),
      },
      dialogs: [
        new CustomerActionDialog(PLANS_DIALOG, {
          pc: host.pc,
          prompts: host.dialogs,
          turn: requiredTurnServices,
          flowKey: 'lifecycle.plans.flow',
          show: async (_context, customer, turn) =>
            plansCard(
              turn.locale,
              customer,
              await customerPlans(host.pc, customer.id, { correlationId: turn.correlationId }),
            ),
        }),
        new PlanChangeDialog('suspend', deps),
        new PlanChangeDialog('reactivate', deps),
        new UpgradeDialog(deps),
      ],
      presenters: [planPresenter(SUSPEND_KIND), planPresenter(REACTIVATE_KIND), upgradePresenter],
    };
  },
};

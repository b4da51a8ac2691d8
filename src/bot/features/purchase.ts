import { renderCard } from '../../cards/render';
import { PurchaseDialog } from '../../dialogs/purchaseDialog';
import { t } from '../../i18n';
import { PURCHASE_KIND, purchaseProgress } from '../../workflows';
import type { CommandHandler } from '../handlers/types';
import type { KindPresenter } from '../presenters/presenter';
import { toActivity } from '../proactive';
import { requiredTurnServices } from '../turnServices';
import type { FeatureDefinition } from './feature';

/** The purchase request, in words: its title and what its conversation is told as it goes. */
export const purchasePresenter: KindPresenter = {
  kind: PURCHASE_KIND,
  title: (request, locale) => t(locale, 'kinds.purchase.title', { customerName: request.customerName }),
  message(request, notice, locale) {
    const progress = purchaseProgress(request);
    const customerName = request.customerName;
    if (notice.event === 'progress' && notice.milestone === 'order-placed') {
      return t(locale, 'kinds.purchase.messages.orderPlaced', {
        customerName,
        orderIds: progress.orders.map((o) => o.id).join(', '),
      });
    }
    if (notice.event === 'succeeded') {
      const none = t(locale, 'kinds.purchase.messages.none');
      const ids = progress.result?.azureSubscriptionIds ?? [];
      return t(locale, 'kinds.purchase.messages.succeeded', {
        customerName,
        planSubscriptionId: progress.result?.planSubscriptionId ?? none,
        azureSubscriptionIds: ids.length > 0 ? ids.join(', ') : none,
      });
    }
    return undefined;
  },
};

/** `buy [customer]` / `acheter [client]`: the purchase dialog, then a purchase request. */
export const purchaseFeature: FeatureDefinition = {
  name: 'purchase',
  commands: [{ id: 'buy', aliases: ['buy', 'acheter'] }],
  create(host) {
    const buy: CommandHandler = async ({ context, services, argText }) => {
      if (!services.roles.includes('operator')) {
        const text = t(services.locale, 'errors.forbidden', {
          role: t(services.locale, 'roles.operator'),
          correlationId: services.correlationId,
        });
        await context.sendActivity(
          toActivity({ card: renderCard('notice', { text, tone: 'error' }, services.locale) }),
        );
        return;
      }
      const outcome = await host.dialogs.begin(context, PurchaseDialog.id, { query: argText });
      if (outcome.status === 'card') {
        await context.sendActivity(
          toActivity({ card: outcome.card, text: t(services.locale, 'purchase.title') }),
        );
      }
    };
    return {
      commands: { buy },
      dialogs: [
        new PurchaseDialog({
          pc: host.pc,
          store: host.store,
          roles: host.roles,
          requests: host.requests,
          prompts: host.dialogs,
          turn: requiredTurnServices,
          publishRequest: host.publishRequest,
        }),
      ],
      presenters: [purchasePresenter],
    };
  },
};

import { renderCard } from '../../cards/render';
import { PurchaseDialog } from '../../dialogs/purchaseDialog';
import { t } from '../../i18n';
import { PURCHASE_KIND, purchaseProgress } from '../../workflows';
import type { CommandHandler } from '../handlers/types';
import type { KindPresenter } from '../presenters/presenter';
import { toActivity } from '../proactive';
import { requiredTurnServices } from '../turnServices';
import type { FeatureDefinition } from './feature';
import { refuseRole } from './startDialog';

/** The customer's page in Partner Center (its orders and subscriptions are a click away). */
export function partnerCenterCustomerUrl(customerId: string): string {
  return `https://partner.microsoft.com/dashboard/v2/customers/${encodeURIComponent(customerId)}/account`;
}

/** An Azure subscription in the Azure portal, in the customer's directory (CSP customers' tenant id is their id). */
export function azurePortalSubscriptionUrl(customerTenantId: string, subscriptionId: string): string {
  return `https://portal.azure.com/#@${encodeURIComponent(customerTenantId)}/resource/subscriptions/${encodeURIComponent(subscriptionId)}/overview`;
}

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
      const done = t(locale, 'kinds.purchase.messages.succeeded', {
        customerName,
        planSubscriptionId: progress.result?.planSubscriptionId ?? none,
        azureSubscriptionIds: ids.length > 0 ? ids.join(', ') : none,
      });
      // Where to see it: the customer in Partner Center, each Azure subscription in the Azure portal.
      const links = [
        t(locale, 'kinds.purchase.messages.partnerCenterLink', {
          url: partnerCenterCustomerUrl(request.customerId),
        }),
        ...ids.map((id) =>
          t(locale, 'kinds.purchase.messages.portalLink', {
            id,
            url: azurePortalSubscriptionUrl(request.customerId, id),
          }),
        ),
      ];
      return [done, ...links].join('\n\n');
    }
    return undefined;
  },
};

const AZURE_PLAN_WORDS = /^(an? |un )?(azure( plan)?|plan azure|microsoft azure plan)$/i;

/** `buy [product for] [customer]`, in either language ("for" / "pour"). */
export function parseBuyText(text: string): { customer: string; product?: string } {
  const split = /^(.+?)\s+(?:for|pour)\s+(.+)$/i.exec(text.trim());
  if (!split) return { customer: text.trim() };
  return { product: split[1].trim(), customer: split[2].trim() };
}

/** `buy [customer]` / `acheter [client]`: the purchase dialog, then a purchase request. */
export const purchaseFeature: FeatureDefinition = {
  name: 'purchase',
  commands: [{ id: 'buy', aliases: ['buy', 'acheter'] }],
  create(host) {
    const buy: CommandHandler = async ({ context, services, argText }) => {
      if (!services.roles.includes('requester')) {
        await refuseRole(context, services, 'requester');
        return;
      }
      // "buy Microsoft 365 E3 for Contoso": the product named is said back (this bot sells Azure
      // plans only) and the customer is the part after "for".
      const { customer, product } = parseBuyText(argText);
      if (product && !AZURE_PLAN_WORDS.test(product)) {
        const text = t(services.locale, 'purchase.onlyAzurePlans', { product });
        await context.sendActivity(
          toActivity({ card: renderCard('notice', { text, tone: 'warning' }, services.locale) }),
        );
      }
      const outcome = await host.dialogs.begin(context, PurchaseDialog.id, { query: customer });
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

import { CardFactory, type TurnContext } from 'botbuilder';
import { renderCard, type AdaptiveCard } from '../../cards/render';
import { statusLabel, billingCycleLabel, t, type Locale } from '../../i18n';
import type { Logger } from '../../logging';
import { PartnerCenterError, type PartnerCenterClient } from '../../partnercenter';
import type { Store } from '../../store';
import { findCustomers, namedCustomer } from '../../workflows/customers';
import {
  getOrderDetails,
  listCustomerOrders,
  type OrderDetails,
  type OrderSummary,
} from '../../workflows/orders';
import type { TurnServices } from '../turnServices';
import { formatInstant } from '../../i18n/format';
import type { CommandHandler } from './types';

export interface OrderHandlerDeps {
  pc: PartnerCenterClient;
  store: Store;
  logger: Logger;
  now?: () => number;
}

const MAX_ORDERS_SHOWN = 15;

type Lookup = { ok: true; customer: { id: string; companyName: string } } | { ok: false; text: string };

/** The orders card of a customer: newest first, with orders Partner Center does not list yet. */
export async function ordersCard(
  deps: OrderHandlerDeps,
  customer: { id: string; companyName: string },
  services: { locale: Locale; correlationId: string },
): Promise<AdaptiveCard> {
  const { locale } = services;
  const orders = await listCustomerOrders(
    { pc: deps.pc, store: deps.store },
    { customerId: customer.id, correlationId: services.correlationId, now: (deps.now ?? Date.now)() },
  );
  return renderCard(
    'orders',
    {
      customerName: customer.companyName,
      orders: orders.slice(0, MAX_ORDERS_SHOWN).map((order) => ({
        heading: t(locale, 'orders.orderTitle', { orderId: order.id }),
        pendingListing: order.source === 'pending-listing',
        facts: orderFacts(order, locale),
      })),
    },
    locale,
  );
}

/** `order <id> [customer]` / `commande <id> [client]`: the order by id, its lines and provisioning. */
export function orderCommand(deps: OrderHandlerDeps): CommandHandler {
  return async ({ context, services, args, argText }) => {
    const { locale } = services;
    const orderId = args[0]?.trim();
    if (!orderId || !/^[A-Za-z0-9-]{1,64}$/.test(orderId)) {
      return notice(context, locale, t(locale, 'commands.order.usage'));
    }
    const customerText = argText.slice(argText.indexOf(args[0]) + args[0].length).trim();
    let customer: { id: string; companyName: string };
    let requestId: string | undefined;
    if (customerText !== '') {
      const lookup = await resolveCustomer(deps.pc, customerText, services);
      if (!lookup.ok) return notice(context, locale, lookup.text);
      customer = lookup.customer;
    } else {
      const ours = await findOurOrder(deps.store, orderId);
      if (!ours) return notice(context, locale, t(locale, 'orders.notOurs', { orderId }));
      customer = { id: ours.customerId, companyName: ours.customerName };
      requestId = ours.requestId;
    }
    let order: OrderDetails;
    try {
      order = await getOrderDetails(
        { pc: deps.pc, logger: services.logger },
        {
          customerId: customer.id,
          orderId,
          correlationId: services.correlationId,
          includeProvisioning: true,
        },
      );
    } catch (error) {
      if (error instanceof PartnerCenterError && (error.status === 404 || error.code === '20000')) {
        return notice(
          context,
          locale,
          t(locale, 'orders.notFound', { orderId, customerName: customer.companyName }),
        );
      }
      throw error;
    }
    const provisioningOf = new Map(
      order.provisioning?.available ? order.provisioning.lines.map((l) => [l.lineItemNumber, l.status]) : [],
    );
    const card = renderCard(
      'order',
      {
        orderId: order.id,
        pendingListing: false,
        provisioningNote:
          order.provisioning && !order.provisioning.available
            ? t(locale, 'orders.provisioningUnavailable', { code: order.provisioning.code })
            : null,
        facts: [
          { title: t(locale, 'orders.customer'), value: customer.companyName },
          ...orderFacts({ ...order, ...(requestId ? { requestId } : {}) }, locale),
        ],
        lines: order.lineItems.map((line) => ({
          text: t(locale, 'orders.line', {
            // Partner Center numbers lines from 0; people count from 1.
            number: line.lineItemNumber + 1,
            offer: line.friendlyName ?? line.offerId,
            quantity: line.quantity ?? 1,
          }),
          facts: [
            ...(line.subscriptionId
              ? [{ title: t(locale, 'orders.subscription'), value: line.subscriptionId }]
              : []),
            ...(provisioningOf.has(line.lineItemNumber)
              ? [
                  {
                    title: t(locale, 'orders.provisioning'),
                    value: statusLabel(locale, 'provisioning', provisioningOf.get(line.lineItemNumber) ?? ''),
                  },
                ]
              : []),
          ],
        })),
      },
      locale,
    );
    await context.sendActivity({ attachments: [CardFactory.adaptiveCard(card)] });
  };
}

function orderFacts(
  order: OrderSummary & { statusAsOf?: number },
  locale: Locale,
): Array<{ title: string; value: string }> {
  const status = statusLabel(locale, 'order', order.status);
  const facts = [
    {
      title: t(locale, 'orders.status'),
      value:
        order.statusAsOf === undefined
          ? status
          : t(locale, 'orders.statusAsOf', { status, at: formatInstant(order.statusAsOf, locale) }),
    },
    { title: t(locale, 'orders.created'), value: formatInstant(order.creationDate, locale) },
  ];
  if (order.billingCycle)
    facts.push({
      title: t(locale, 'orders.billingCycle'),
      value: billingCycleLabel(locale, order.billingCycle),
    });
  if (order.lineItems.length > 0) {
    facts.push({
      title: t(locale, 'orders.lineItems'),
      value: order.lineItems.map((l) => `${l.friendlyName ?? l.offerId} × ${l.quantity ?? 1}`).join('; '),
    });
  }
  if (order.requestId) facts.push({ title: t(locale, 'orders.request'), value: order.requestId });
  return facts;
}

/**
 * A customer named by company name, domain or tenant id. One match, or one exact match among
 * several, is the customer; otherwise the user is told what matched.
 */
export async function resolveCustomer(
  pc: PartnerCenterClient,
  query: string,
  services: TurnServices,
): Promise<Lookup> {
  const { locale } = services;
  const text = query.trim().slice(0, 100);
  const found = await findCustomers(pc, text, {
    correlationId: services.correlationId,
    limit: 10,
    named: true,
  });
  const named = namedCustomer(found, text);
  if (named) return { ok: true, customer: named };
  if (found.length === 0) return { ok: false, text: t(locale, 'customerLookup.none', { query: text }) };
  const names = found
    .slice(0, 5)
    .map((c) => c.companyName)
    .join(', ');
  return { ok: false, text: t(locale, 'customerLookup.several', { query: text, names }) };
}

async function findOurOrder(
  store: Store,
  orderId: string,
): Promise<{ customerId: string; customerName: string; requestId: string } | undefined> {
  const request = await store.requests.findByOrderId(orderId);
  return request
    ? { customerId: request.customerId, customerName: request.customerName, requestId: request.id }
    : undefined;
}

async function notice(context: TurnContext, locale: Locale, text: string): Promise<void> {
  const card = renderCard('notice', { text }, locale);
  await context.sendActivity({ attachments: [CardFactory.adaptiveCard(card)] });
}

import { z } from 'zod';
import { collection } from '../http/links';
import { ok } from '../http/reply';
import type { RouteDef } from '../http/pipeline';
import { createCart, getCart, updateCart, type CartInput } from '../state/carts';
import { checkoutCart, findOrder, listedOrders } from '../state/orders';
import type { CustomerState } from '../state/types';
import { cartView } from '../views/cart';
import { orderView, provisioningStatusView } from '../views/order';
import { bodyOf, customerOf, param } from './helpers';

const lineSchema = z
  .object({
    id: z.number().int().nonnegative().optional(),
    catalogItemId: z.string().min(1),
    quantity: z.number().int(),
    billingCycle: z.string().min(1),
    termDuration: z.string().nullish(),
    friendlyName: z.string().nullish(),
    provisioningContext: z.record(z.union([z.string(), z.number(), z.boolean()])).nullish(),
  })
  .passthrough();

const cartSchema = z
  .object({
    lineItems: z.array(lineSchema).min(1),
    partnerOnRecordAttestationAccepted: z.boolean().optional(),
  })
  .passthrough();

function cartInput(raw: z.infer<typeof cartSchema>): CartInput {
  return {
    partnerOnRecordAttestationAccepted: raw.partnerOnRecordAttestationAccepted,
    lineItems: raw.lineItems.map((l) => ({
      id: l.id,
      catalogItemId: l.catalogItemId,
      quantity: l.quantity,
      billingCycle: l.billingCycle,
      termDuration: l.termDuration ?? undefined,
      friendlyName: l.friendlyName ?? undefined,
      provisioningContext: l.provisioningContext
        ? Object.fromEntries(Object.entries(l.provisioningContext).map(([k, v]) => [k, String(v)]))
        : undefined,
    })),
  };
}

function checkoutView(customer: CustomerState, orderIds: string[], orderErrors: unknown[]) {
  return {
    orders: orderIds.map((id) => orderView(findOrder(customer, id), customer.profile.country)),
    orderErrors,
    additionalInformation: [],
    attributes: { objectType: 'CartCheckoutResult' },
  };
}

export const cartRoutes: RouteDef[] = [
  {
    method: 'POST',
    path: '/v1/customers/:customerId/carts',
    auth: 'app',
    family: 'carts',
    replay: true,
    handle(req, sim) {
      const customer = customerOf(req, sim);
      const cart = createCart(sim.world, customer, cartInput(bodyOf(req, cartSchema)), req.actor);
      return ok(cartView(cart), 201);
    },
  },
  {
    method: 'GET',
    path: '/v1/customers/:customerId/carts/:cartId',
    auth: 'app',
    family: 'carts',
    handle(req, sim) {
      return ok(cartView(getCart(sim.world, customerOf(req, sim), param(req, 'cartId'))));
    },
  },
  {
    method: 'PUT',
    path: '/v1/customers/:customerId/carts/:cartId',
    auth: 'app',
    family: 'carts',
    replay: true,
    handle(req, sim) {
      const customer = customerOf(req, sim);
      const input = cartInput(bodyOf(req, cartSchema));
      return ok(cartView(updateCart(sim.world, customer, param(req, 'cartId'), input, req.actor)), 201);
    },
  },
  {
    method: 'POST',
    path: '/v1/customers/:customerId/carts/:cartId/checkout',
    auth: 'app',
    family: 'carts',
    replay: true,
    async handle(req, sim) {
      const customer = customerOf(req, sim);
      const outcome = await checkoutCart(sim.world, customer, param(req, 'cartId'), req.actor);
      return ok(checkoutView(customer, outcome.orderIds, outcome.orderErrors), 201);
    },
  },
];

export const orderRoutes: RouteDef[] = [
  {
    method: 'GET',
    path: '/v1/customers/:customerId/orders',
    auth: 'app',
    family: 'orders',
    handle(req, sim) {
      const customer = customerOf(req, sim);
      const orders = listedOrders(sim.world, customer, req.query.get('billingType'));
      return ok(
        collection(
          orders.map((o) => orderView(o, customer.profile.country)),
          `/customers/${customer.profile.id}/orders${req.query.without()}`,
        ),
      );
    },
  },
  {
    method: 'GET',
    path: '/v1/customers/:customerId/orders/:orderId',
    auth: 'app',
    family: 'orders',
    handle(req, sim) {
      const customer = customerOf(req, sim);
      return ok(orderView(findOrder(customer, param(req, 'orderId')), customer.profile.country));
    },
  },
  {
    method: 'GET',
    path: '/v1/customers/:customerId/orders/:orderId/provisioningstatus',
    auth: 'user',
    family: 'orders',
    handle(req, sim) {
      const order = findOrder(customerOf(req, sim), param(req, 'orderId'));
      return ok(collection(provisioningStatusView(order), undefined));
    },
  },
];

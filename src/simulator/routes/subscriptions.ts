import { z } from 'zod';
import { collection } from '../http/links';
import { ok } from '../http/reply';
import type { RouteDef } from '../http/pipeline';
import {
  cancelAzureEntitlement,
  getAzureEntitlement,
  reactivateAzureEntitlement,
} from '../state/azureEntitlements';
import { azurePlan, getSubscription, patchSubscription } from '../state/subscriptions';
import { invalidInput } from '../state/errors';
import {
  azureEntitlementView,
  productTypeOf,
  subscriptionProvisioningView,
  subscriptionView,
} from '../views/subscription';
import { bodyOf, customerOf, param } from './helpers';

const patchSchema = z
  .object({
    status: z.string().optional(),
    friendlyName: z.string().optional(),
    autoRenewEnabled: z.boolean().optional(),
    attributes: z.object({ etag: z.string().optional() }).passthrough().optional(),
  })
  .passthrough();

const cancelSchema = z.object({ cancellationReason: z.string().optional() }).passthrough();

export const subscriptionRoutes: RouteDef[] = [
  {
    method: 'GET',
    path: '/v1/customers/:customerId/subscriptions',
    auth: 'app',
    family: 'subscriptions',
    handle(req, sim) {
      const customer = customerOf(req, sim);
      const orderId = req.query.get('order_id');
      const mpnId = req.query.get('mpn_id');
      if (orderId && mpnId) throw invalidInput('order_id and mpn_id cannot be combined.');
      const productType = req.query.get('product_type')?.toLowerCase();
      const productSubtype = req.query.get('product_subtype')?.toLowerCase();
      const subscriptions = customer.subscriptions.filter((s) => {
        const type = productTypeOf(s);
        return (
          (!orderId || s.orderId.toLowerCase() === orderId.toLowerCase()) &&
          (mpnId === undefined || mpnId === '') &&
          (!productType || type.id?.toLowerCase() === productType) &&
          (!productSubtype || type.subType?.toLowerCase() === productSubtype)
        );
      });
      return ok(
        collection(
          subscriptions.map((s) => subscriptionView(s, customer.profile.id, customer.profile.country)),
          `/customers/${customer.profile.id}/subscriptions${req.query.without()}`,
        ),
      );
    },
  },
  {
    method: 'GET',
    path: '/v1/customers/:customerId/subscriptions/:subscriptionId',
    auth: 'app',
    family: 'subscriptions',
    handle(req, sim) {
      const customer = customerOf(req, sim);
      const s = getSubscription(customer, param(req, 'subscriptionId'));
      return ok(subscriptionView(s, customer.profile.id, customer.profile.country));
    },
  },
  {
    method: 'PATCH',
    path: '/v1/customers/:customerId/subscriptions/:subscriptionId',
    auth: 'app',
    family: 'subscriptions',
    replay: true,
    handle(req, sim) {
      const customer = customerOf(req, sim);
      const body = bodyOf(req, patchSchema);
      const outcome = patchSubscription(
        sim.world,
        customer,
        param(req, 'subscriptionId'),
        {
          status: body.status,
          friendlyName: body.friendlyName,
          autoRenewEnabled: body.autoRenewEnabled,
          etag: body.attributes?.etag,
        },
        req.header('if-match'),
        req.actor,
      );
      if (outcome.kind === 'accepted') {
        return {
          status: 202,
          headers: {
            Location: `/v1/customers/${customer.profile.id}/subscriptions/${outcome.subscription.id}`,
          },
        };
      }
      return ok(subscriptionView(outcome.shown, customer.profile.id, customer.profile.country));
    },
  },
  {
    method: 'GET',
    path: '/v1/customers/:customerId/subscriptions/:subscriptionId/provisioningstatus',
    auth: 'user',
    family: 'subscriptions',
    handle(req, sim) {
      const s = getSubscription(customerOf(req, sim), param(req, 'subscriptionId'));
      return ok(subscriptionProvisioningView(s));
    },
  },
  {
    method: 'GET',
    path: '/v1/customers/:customerId/subscriptions/:subscriptionId/azureEntitlements',
    auth: 'app',
    family: 'subscriptions',
    handle(req, sim) {
      const customer = customerOf(req, sim);
      const plan = azurePlan(customer, param(req, 'subscriptionId'));
      return ok(
        collection(
          plan.azureEntitlements.map((e) => azureEntitlementView(e, customer.profile.id)),
          `/customers/${customer.profile.id}/subscriptions/${plan.id}/azureEntitlements`,
        ),
      );
    },
  },
  {
    method: 'GET',
    path: '/v1/customers/:customerId/subscriptions/:subscriptionId/azureEntitlements/:entitlementId',
    auth: 'app',
    family: 'subscriptions',
    handle(req, sim) {
      const customer = customerOf(req, sim);
      const plan = azurePlan(customer, param(req, 'subscriptionId'));
      return ok(
        azureEntitlementView(getAzureEntitlement(plan, param(req, 'entitlementId')), customer.profile.id),
      );
    },
  },
  {
    method: 'POST',
    path: '/v1/customers/:customerId/subscriptions/:subscriptionId/azureEntitlements/:entitlementId/cancel',
    auth: 'app',
    family: 'subscriptions',
    replay: true,
    handle(req, sim) {
      const customer = customerOf(req, sim);
      const plan = azurePlan(customer, param(req, 'subscriptionId'));
      const body = bodyOf(req, cancelSchema.optional());
      const entitlement = cancelAzureEntitlement(
        sim.world,
        customer,
        plan,
        param(req, 'entitlementId'),
        body?.cancellationReason,
        req.actor,
      );
      return ok(azureEntitlementView(entitlement, customer.profile.id));
    },
  },
  {
    method: 'POST',
    path: '/v1/customers/:customerId/subscriptions/:subscriptionId/azureEntitlements/:entitlementId/reactivate',
    auth: 'app',
    family: 'subscriptions',
    replay: true,
    handle(req, sim) {
      const customer = customerOf(req, sim);
      const plan = azurePlan(customer, param(req, 'subscriptionId'));
      reactivateAzureEntitlement(sim.world, customer, plan, param(req, 'entitlementId'), req.actor);
      return { status: 202 };
    },
  },
];

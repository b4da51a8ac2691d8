import { z } from 'zod';
import { collection } from '../http/links';
import { ok } from '../http/reply';
import type { RouteDef } from '../http/pipeline';
import { iso } from '../state/clock';
import { PcError } from '../state/errors';
import { createUpgrade, eligibility, getUpgrade } from '../state/upgrades';
import { reservationArtifactView, reservationEntitlementView } from '../views/entitlement';
import { upgradeEligibilityView } from '../views/misc';
import { bodyOf, customerOf, isGuid, param } from './helpers';
import type { SimContext } from '../http/pipeline';
import type { UpgradeRecord } from '../state/types';

/** Reserved-instance entitlements (suspension preflight) and legacy → Azure plan product upgrades. */

export const entitlementRoutes: RouteDef[] = [
  {
    method: 'GET',
    path: '/v1/customers/:customerId/entitlements',
    auth: 'user',
    family: 'entitlements',
    handle(req, sim) {
      const customer = customerOf(req, sim);
      const type = req.query.get('entitlementType')?.toLowerCase();
      const showExpiry = req.query.get('showExpiry')?.toLowerCase() === 'true';
      const items =
        type === undefined || type === 'reservedinstance'
          ? customer.reservations.map((r) => reservationEntitlementView(customer.profile.id, r, showExpiry))
          : [];
      return ok(collection(items, `/customers/${customer.profile.id}/entitlements${req.query.without()}`));
    },
  },
  {
    method: 'GET',
    path: '/v1/customers/:customerId/artifacts/reservedinstance/groups/:groupId/lineitems/:lineItemId/resource/:resourceId',
    auth: 'user',
    family: 'entitlements',
    handle(req, sim) {
      const customer = customerOf(req, sim);
      const resourceId = param(req, 'resourceId').toLowerCase();
      const groupId = param(req, 'groupId').toLowerCase();
      const found = customer.reservations.find(
        (r) => r.resourceId.toLowerCase() === resourceId && r.groupId.toLowerCase() === groupId,
      );
      if (!found) throw new PcError(404, '1000', 'Not found');
      return ok(reservationArtifactView(found));
    },
  },
];

const upgradeRequestSchema = z
  .object({ customerId: z.string().min(1), productFamily: z.string().min(1) })
  .passthrough();

function upgradeCustomer(sim: SimContext, body: z.infer<typeof upgradeRequestSchema>) {
  if (body.productFamily.toLowerCase() !== 'azure') {
    throw new PcError(
      400,
      '800002',
      `Invalid request input: product family ${body.productFamily} is not supported.`,
    );
  }
  if (!isGuid(body.customerId)) throw new PcError(400, '900118', 'Invalid Customer ID');
  return sim.world.customer(body.customerId);
}

function upgradeStatusView(upgrade: UpgradeRecord) {
  const errorDetails = upgrade.errorDetails ? { errorDetails: { ...upgrade.errorDetails } } : {};
  return {
    id: upgrade.id,
    status: upgrade.status,
    productFamily: 'Azure',
    lineItems: [
      {
        sourceProduct: { id: upgrade.sourceEntitlementId, name: 'AzureSubscription' },
        targetProduct: { id: upgrade.targetPlanId, name: 'Microsoft Azure plan' },
        ...(upgrade.upgradedDate !== undefined ? { upgradedDate: iso(upgrade.upgradedDate) } : {}),
        status: upgrade.status,
        ...errorDetails,
      },
    ],
    ...errorDetails,
  };
}

export const upgradeRoutes: RouteDef[] = [
  {
    method: 'POST',
    path: '/v1/productUpgrades/eligibility',
    auth: 'user',
    family: 'productUpgrades',
    handle(req, sim) {
      const customer = upgradeCustomer(sim, bodyOf(req, upgradeRequestSchema));
      return ok(upgradeEligibilityView(customer.profile.id, eligibility(customer)));
    },
  },
  {
    method: 'POST',
    path: '/v1/productUpgrades',
    auth: 'user',
    family: 'productUpgrades',
    replay: true,
    handle(req, sim) {
      const customer = upgradeCustomer(sim, bodyOf(req, upgradeRequestSchema));
      const upgrade = createUpgrade(sim.world, customer, req.actor);
      return { status: 202, headers: { Location: `productUpgrades/${upgrade.id}` } };
    },
  },
  {
    method: 'POST',
    path: '/v1/productUpgrades/:upgradeId/status',
    auth: 'user',
    family: 'productUpgrades',
    handle(req, sim) {
      const customer = upgradeCustomer(sim, bodyOf(req, upgradeRequestSchema));
      return ok(upgradeStatusView(getUpgrade(sim.world, customer, param(req, 'upgradeId'))));
    },
  },
];

import type { RouteDef } from '../http/pipeline';
import { PcError } from '../state/errors';
import { agreementRoutes, auditRoutes } from './agreementsAndAudit';
import { invoiceRoutes } from './billing';
import { catalogRoutes } from './catalog';
import { cartRoutes, orderRoutes } from './commerce';
import { customerRoutes } from './customers';
import { entitlementRoutes, upgradeRoutes } from './entitlements';
import { identityRoutes } from './identity';
import { subscriptionRoutes } from './subscriptions';
import { usageRoutes } from './usage';

export const apiRoutes: RouteDef[] = [
  ...identityRoutes,
  ...customerRoutes,
  ...catalogRoutes,
  ...cartRoutes,
  ...orderRoutes,
  ...subscriptionRoutes,
  ...entitlementRoutes,
  ...upgradeRoutes,
  ...usageRoutes,
  ...invoiceRoutes,
  ...agreementRoutes,
  ...auditRoutes,
];

/** Anything else: the PC "not found" error (registered last; static and parametric routes win). */
export const notFoundRoutes: RouteDef[] = (['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const).map(
  (method) => ({
    method,
    path: '/*',
    auth: 'none',
    handle(req) {
      throw new PcError(404, '1000', `Not found: ${method} ${req.path}`);
    },
  }),
);

import type { PartnerCenterClient } from '../../../src/partnercenter';
import type { ActionRequest } from '../../../src/store';
import {
  AZURE_PLAN_PRODUCT_ID,
  findCustomers,
  listAvailabilities,
  listAzureProducts,
  listSkus,
  RolePolicy,
  type Caller,
  type CustomerSummary,
  type PurchaseItem,
  type NotificationDelivery,
  type RequestEvent,
  type RequestNotice,
  type RequestNotifier,
} from '../../../src/workflows';
import type { SimRequest } from '../partnercenter/simulatorHarness';

/** People of the sandbox tenant and what the policy lets them do. */
const person = (hex: string, name: string): Caller & { aadObjectId: string } => ({
  aadObjectId: `00000000-0000-4000-8000-${hex.padStart(12, '0')}`,
  name,
});
export const MEGAN = person('e9a', 'Megan Bowen');
export const PAT = person('a7', 'Pat Coleman');
export const ADELE = person('ade1e', 'Adele Vance');
export const ALEX = person('a1e00', 'Alex Wilber');
export const ISAIAH = person('ad31', 'Isaiah Langer');
export const READER = person('ead', 'Lee Gu');

/** Megan is a requester AND an approver: the policy must still keep her off her own requests. */
export const ROLES = new RolePolicy({
  viewers: [READER.aadObjectId],
  requesters: [MEGAN.aadObjectId, PAT.aadObjectId],
  approvers: [MEGAN.aadObjectId, ADELE.aadObjectId, ALEX.aadObjectId],
  admins: [ISAIAH.aadObjectId],
});

/** The Teams layer's side of the notifier interface: here, a list of the notices delivered. */
export class RecordingNotifier implements RequestNotifier {
  readonly events: Array<{ requestId: string; event: RequestEvent; milestone?: string; state: string }> = [];
  /** Deliveries to fail before the next one succeeds (a Teams outage). */
  failNext = 0;

  async deliveriesFor(request: ActionRequest, notice: RequestNotice): Promise<NotificationDelivery[]> {
    return [
      {
        id: 'record',
        deliver: async () => {
          if (this.failNext > 0) {
            this.failNext -= 1;
            throw new Error('Teams is unreachable');
          }
          this.events.push({ requestId: request.id, ...notice, state: request.state });
        },
      },
    ];
  }

  /** The events delivered for a request, in order; a milestone is shown as `progress:<milestone>`. */
  of(requestId: string): string[] {
    return this.events
      .filter((e) => e.requestId === requestId)
      .map((e) => (e.milestone ? `${e.event}:${e.milestone}` : e.event));
  }
}

/** A clock that moves only when told to. */
export class TestClock {
  constructor(private value = Date.now()) {}
  readonly now = (): number => this.value;
  advance(ms: number): void {
    this.value += ms;
  }
}

export async function customerNamed(pc: PartnerCenterClient, name: string): Promise<CustomerSummary> {
  const [customer] = await findCustomers(pc, name, { correlationId: 'test-lookup' });
  if (!customer || customer.companyName !== name) throw new Error(`customer ${name} not found`);
  return customer;
}

/** Walks the catalog as the purchase dialog does: Azure plan product → its SKU → the commercial availability. */
export async function azurePlanItem(
  pc: PartnerCenterClient,
  customer: CustomerSummary,
  correlationId = 'test-catalog',
): Promise<PurchaseItem> {
  const scope = { country: customer.country ?? 'US', customerId: customer.id, correlationId };
  const product = (await listAzureProducts(pc, scope)).find((p) => p.id === AZURE_PLAN_PRODUCT_ID);
  if (!product) throw new Error('no Azure plan in the catalog');
  const [sku] = await listSkus(pc, { ...scope, productId: product.id });
  const availabilities = await listAvailabilities(pc, { ...scope, productId: product.id, skuId: sku.id });
  const availability = availabilities.find((a) => a.segment === 'commercial') ?? availabilities[0];
  return {
    customerId: customer.id,
    customerName: customer.companyName,
    country: scope.country,
    currency: availability.currency ?? '',
    productId: product.id,
    productTitle: product.title,
    skuId: sku.id,
    skuTitle: sku.title,
    availabilityId: availability.id,
    catalogItemId: availability.catalogItemId,
    billingCycle: sku.billingCycles[0],
    quantity: sku.minimumQuantity,
    ...(availability.segment ? { segment: availability.segment } : {}),
  };
}

/** Partner Center API calls only (not the token endpoint). */
export function apiCalls(log: readonly SimRequest[]): SimRequest[] {
  return log.filter((r) => r.path.toLowerCase().startsWith('/v1/'));
}

export function tokenCalls(log: readonly SimRequest[]): SimRequest[] {
  return log.filter((r) => r.path.toLowerCase().endsWith('/oauth2/v2.0/token'));
}

export function calls(log: readonly SimRequest[], method: string, pattern: RegExp): SimRequest[] {
  return apiCalls(log).filter((r) => r.method === method && pattern.test(r.path));
}

export const CART_CREATE = /^\/v1\/customers\/[^/]+\/carts$/i;
export const CART_ONE = /^\/v1\/customers\/[^/]+\/carts\/[^/]+$/i;
export const CHECKOUT = /^\/v1\/customers\/[^/]+\/carts\/[^/]+\/checkout$/i;
export const CHECKOUT_FAULT_PATH = '/v1/customers/*/carts/*/checkout';

export function succeeded(requests: readonly SimRequest[]): SimRequest[] {
  return requests.filter((r) => r.status >= 200 && r.status < 300);
}

/** Resolves when `predicate` first holds for a value passed to the returned callback. */
export function signalWhen<T>(predicate: (value: T) => boolean): {
  seen: Promise<T>;
  observe(value: T): void;
} {
  let resolve!: (value: T) => void;
  const seen = new Promise<T>((r) => (resolve = r));
  return {
    seen,
    observe(value: T) {
      if (predicate(value)) resolve(value);
    },
  };
}

/** A promise that never settles: a process frozen at this point (then thrown away) is a crash. */
export function freeze(): Promise<never> {
  return new Promise<never>(() => undefined);
}

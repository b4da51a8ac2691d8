export type Country = 'US' | 'FR' | 'GB' | 'DE';
export type Currency = 'USD' | 'EUR' | 'GBP';

export interface Contact {
  firstName: string;
  lastName: string;
  email: string;
  phoneNumber: string;
}

export interface CustomerProfile {
  id: string;
  companyName: string;
  domain: string;
  country: Country;
  currency: Currency;
  culture: string;
  language: string;
  city: string;
  region: string;
  addressLine1: string;
  postalCode: string;
  contact: Contact;
}

export type AgreementType = 'MicrosoftCustomerAgreement' | 'MicrosoftCloudAgreement';

export interface AgreementRecord {
  type: AgreementType;
  templateId: string;
  dateAgreed: string;
  primaryContact: Contact;
  userId?: string;
}

export type EntitlementStatus = 'active' | 'inactive';

/** An Azure subscription under an Azure plan (the `azureEntitlements` resource). */
export interface AzureEntitlementRecord {
  id: string;
  friendlyName: string;
  status: EntitlementStatus;
  planId: string;
  /** Set by a cancel: the status flips to inactive at this simulated time. */
  deactivatesAt?: number;
}

export type SubscriptionKind = 'azurePlan' | 'legacyAzure' | 'savingsPlan';
export type SubscriptionStatus = 'active' | 'suspended' | 'deleted' | 'expired' | 'pending' | 'disabled';

export interface SubscriptionRecord {
  id: string;
  kind: SubscriptionKind;
  offerId: string;
  offerName: string;
  friendlyName: string;
  productId: string;
  skuId: string;
  availabilityId?: string;
  status: SubscriptionStatus;
  suspensionReasons: string[];
  creationDate: number;
  effectiveStartDate: number;
  orderId: string;
  /** Legacy MS-AZR-0145P only: the Azure subscription id. */
  entitlementId?: string;
  autoRenewEnabled: boolean;
  version: number;
  azureEntitlements: AzureEntitlementRecord[];
  /** A status change accepted (200 or 202) that a GET shows only from `dueAt` (simulated). */
  pendingStatus?: { status: SubscriptionStatus; dueAt: number };
  migratedFromSubscriptionId?: string;
  /** Savings plans (benefit subscriptions) only. */
  benefit?: BenefitRecord;
}

/** What a benefit subscription (an Azure savings plan) adds to a subscription. */
export interface BenefitRecord {
  termDuration: string;
  commitmentEndDate: number;
  productOrderId: string;
  lineItems: {
    id: string;
    friendlyName: string;
    scope: { type: string; entitlementId?: string; subscriptionId?: string };
    autoRenewEnabled: boolean;
    status: string;
    purchaseCommitment: { amount: number; currency: string; grain: string };
  }[];
}

export interface ReservationRecord {
  reservationId: string;
  displayName: string;
  scopeType: 'Shared' | 'Single';
  quantity: number;
  effectiveDateTime: number;
  expiryDateTime: number;
  provisioningState: 'Created' | 'Cancelled' | 'Expired' | 'Creating';
}

/** A reserved-instance entitlement and its single artifact (one reservation). */
export interface ReservationEntitlementRecord {
  orderId: string;
  orderAlternateId: string;
  lineItemId: string;
  productId: string;
  skuId: string;
  quantity: number;
  groupId: string;
  artifactLineItemId: string;
  resourceId: string;
  reservation: ReservationRecord;
}

export interface Meter {
  id: string;
  name: string;
  category: string;
  subcategory: string;
  unit: string;
  resourceType: string;
  resourceProvider: string;
  unitPriceCents: number;
}

/** An Azure resource that consumes one meter; a customer's spend is spread over its resources by weight. */
export interface UsageResource {
  subscriptionId: string;
  entitlementId: string;
  entitlementName: string;
  resourceGroup: string;
  resourceName: string;
  meter: Meter;
  weight: number;
}

/** One resource's cost over a span of days (a billing period so far, or one day): usage views sum these. */
export interface UsageLine extends Omit<UsageResource, 'weight'> {
  quantity: number;
  cents: number;
}

/**
 * The spend of one billing period (a UTC calendar month): the first `anchorDays` reported days add
 * up to `anchorCents` (the seed figure, or one set through the control API at `anchoredAt`), every
 * later reported day adds about `dailyCents`. See state/spend.ts.
 */
export interface SpendLedger {
  periodStart: number;
  anchorCents: number;
  anchorDays: number;
  dailyCents: number;
  anchoredAt: number;
}

/** A customer's Azure spend: its resources and the ledgers of the periods that have one. */
export interface SpendState {
  /** Seeds the day-to-day variation of the spend. */
  seed: number;
  resources: UsageResource[];
  /** Run rate of the periods before the first ledger. */
  baseDailyCents: number;
  /** Oldest first; a period without a ledger runs at the rate of the latest ledger before it. */
  ledgers: SpendLedger[];
}

export type CartErrorCode =
  'catalog_item_id_is_not_valid' | 'invalid_input' | 'unable_to_process_cart_line_item';

export interface CartLineError {
  errorCode: CartErrorCode;
  errorDescription: string;
}

export interface CartLineRecord {
  id: number;
  catalogItemId: string;
  friendlyName?: string;
  quantity: number;
  billingCycle: string;
  termDuration?: string;
  provisioningContext: Record<string, string>;
  orderGroup: string;
  currencyCode: string;
  error?: CartLineError;
}

export interface CartRecord {
  id: string;
  customerId: string;
  creationTimestamp: number;
  lastModifiedTimestamp: number;
  expirationTimestamp: number;
  lastModifiedUser: string;
  status: 'Active' | 'Ordered';
  partnerOnRecordAttestationAccepted?: boolean;
  lines: CartLineRecord[];
  processing: boolean;
  checkoutResult?: CheckoutOutcome;
}

export interface OrderErrorRecord {
  orderGroupId: string;
  code: number;
  description: string;
}

export interface CheckoutOutcome {
  orderIds: string[];
  orderErrors: OrderErrorRecord[];
}

export type OrderLineEffect = 'azurePlan' | 'reservation' | 'savingsPlan';

export interface OrderLineRecord {
  lineItemNumber: number;
  offerId: string;
  productId: string;
  skuId: string;
  availabilityId: string;
  friendlyName: string;
  quantity: number;
  termDuration?: string;
  provisioningContext?: Record<string, string>;
  effect: OrderLineEffect;
  unitPriceCents: number;
  /** Id the line's subscription gets when the order completes (known in advance so ids stay deterministic). */
  plannedSubscriptionId: string;
  subscriptionId?: string;
}

export type OrderStatus = 'pending' | 'completed' | 'cancelled' | 'error';
/** How an order ends (decided through the control API; `completed` otherwise). */
export type OrderOutcome = Exclude<OrderStatus, 'pending'>;

export interface OrderRecord {
  id: string;
  alternateId: string;
  customerId: string;
  billingCycle: string;
  currencyCode: Currency;
  lines: OrderLineRecord[];
  creationDate: number;
  status: OrderStatus;
  completesAt: number;
  transactionType: 'UserPurchase' | 'SystemPurchase';
  cartId?: string;
  /** The status the order takes when it is due; `completed` when absent. */
  outcome?: OrderOutcome;
}

export type UpgradeStatus = 'InProgress' | 'Completed' | 'Failed';

export interface UpgradeErrorDetails {
  code: string;
  description: string;
}

/** How an upgrade ends (decided through the control API; `Completed` otherwise). */
export interface UpgradeOutcome {
  status: Exclude<UpgradeStatus, 'InProgress'>;
  errorDetails?: UpgradeErrorDetails;
}

export interface UpgradeRecord {
  id: string;
  customerId: string;
  status: UpgradeStatus;
  createdAt: number;
  completesAt: number;
  upgradedDate?: number;
  sourceSubscriptionId: string;
  sourceEntitlementId: string;
  targetPlanId: string;
  outcome?: UpgradeOutcome;
  errorDetails?: UpgradeErrorDetails;
}

/** Why a customer's legacy subscription cannot move to an Azure plan (Litware). */
export interface UpgradeBlock {
  code: string;
  status: number;
  reason: string;
}

export interface CustomerState {
  profile: CustomerProfile;
  agreements: AgreementRecord[];
  budgetCents: number | null;
  subscriptions: SubscriptionRecord[];
  reservations: ReservationEntitlementRecord[];
  orders: OrderRecord[];
  carts: Map<string, CartRecord>;
  spend: SpendState;
  upgrade?: UpgradeRecord;
  upgradeBlock?: UpgradeBlock;
  /** Outcomes the customer's next orders take, oldest first (control API). */
  nextOrderOutcomes?: OrderOutcome[];
  /** The outcome the customer's next upgrade takes (control API). */
  nextUpgradeOutcome?: UpgradeOutcome;
}

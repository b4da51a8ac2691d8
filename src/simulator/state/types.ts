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

export type SubscriptionKind = 'azurePlan' | 'legacyAzure';
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
  /** A status change accepted with 202 that completes at `dueAt` (simulated). */
  pendingStatus?: { status: SubscriptionStatus; dueAt: number };
  migratedFromSubscriptionId?: string;
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

/** One Azure resource's cost in the current billing period; all usage views are sums of these. */
export interface UsageLine {
  subscriptionId: string;
  entitlementId: string;
  entitlementName: string;
  resourceGroup: string;
  resourceName: string;
  meter: Meter;
  quantity: number;
  cents: number;
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

export type OrderLineEffect = 'azurePlan' | 'reservation';

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

export type OrderStatus = 'pending' | 'completed';

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
}

export type UpgradeStatus = 'InProgress' | 'Completed';

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
  usage: UsageLine[];
  upgrade?: UpgradeRecord;
  upgradeBlock?: UpgradeBlock;
}

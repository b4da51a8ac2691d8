import type { CallOptions } from '../callOptions';
import { defineOperation } from '../http/operation';
import { paginate } from '../http/paging';
import type { Pipeline } from '../http/pipeline';
import { azureEntitlementSchema, collectionSchema, type AzureEntitlement } from '../schemas';

const ENTITLEMENTS = '/customers/{customerId}/subscriptions/{subscriptionId}/azureEntitlements';

const operations = {
  list: defineOperation({
    name: 'azureEntitlements.list',
    method: 'GET',
    path: ENTITLEMENTS,
    auth: 'app',
    family: 'subscriptions',
    response: collectionSchema(azureEntitlementSchema),
    idempotent: true,
  }),
  get: defineOperation({
    name: 'azureEntitlements.get',
    method: 'GET',
    path: `${ENTITLEMENTS}/{entitlementId}`,
    auth: 'app',
    family: 'subscriptions',
    response: azureEntitlementSchema,
    idempotent: true,
  }),
};

/** The Azure subscriptions under an Azure plan (the plan's Partner Center subscription id). */
export class AzureEntitlementsClient {
  constructor(private readonly pipeline: Pipeline) {}

  list(
    customerId: string,
    azurePlanSubscriptionId: string,
    options: CallOptions = {},
  ): AsyncIterable<AzureEntitlement> {
    return paginate(
      this.pipeline,
      operations.list,
      { params: { customerId, subscriptionId: azurePlanSubscriptionId } },
      options,
    );
  }

  get(
    customerId: string,
    azurePlanSubscriptionId: string,
    entitlementId: string,
    options: CallOptions = {},
  ): Promise<AzureEntitlement> {
    return this.pipeline.call(
      operations.get,
      { params: { customerId, subscriptionId: azurePlanSubscriptionId, entitlementId } },
      options,
    );
  }
}

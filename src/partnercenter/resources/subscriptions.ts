import { ConstantBackoff, handleWhenResult, retry } from 'cockatiel';
import type { CallOptions } from '../callOptions';
import { PartnerCenterError } from '../errors';
import { defineOperation } from '../http/operation';
import { paginate } from '../http/paging';
import type { Pipeline } from '../http/pipeline';
import {
  collectionSchema,
  subscriptionProvisioningStatusSchema,
  subscriptionSchema,
  type Subscription,
  type SubscriptionProvisioningStatus,
} from '../schemas';

const SUBSCRIPTION = '/customers/{customerId}/subscriptions/{subscriptionId}';

const operations = {
  get: defineOperation({
    name: 'subscriptions.get',
    method: 'GET',
    path: SUBSCRIPTION,
    auth: 'app',
    family: 'subscriptions',
    response: subscriptionSchema,
    idempotent: true,
  }),
  list: defineOperation({
    name: 'subscriptions.list',
    method: 'GET',
    path: '/customers/{customerId}/subscriptions',
    auth: 'app',
    family: 'subscriptions',
    response: collectionSchema(subscriptionSchema),
    idempotent: true,
  }),
  // The same list with the partner user's token: the savings-plan APIs document App+User only.
  listAsUser: defineOperation({
    name: 'subscriptions.listAsUser',
    method: 'GET',
    path: '/customers/{customerId}/subscriptions',
    auth: 'app+user',
    family: 'subscriptions',
    response: collectionSchema(subscriptionSchema),
    idempotent: true,
  }),
  patch: defineOperation({
    name: 'subscriptions.update',
    method: 'PATCH',
    path: SUBSCRIPTION,
    auth: 'app',
    family: 'subscriptions',
    response: subscriptionSchema,
    // The full desired state under If-Match: a repeat cannot change anything else; a repeat after
    // a success answers 2055 (stale etag), which updateStatus reads back.
    idempotent: true,
    bodylessStatuses: [202],
  }),
  provisioningStatus: defineOperation({
    name: 'subscriptions.getProvisioningStatus',
    method: 'GET',
    path: `${SUBSCRIPTION}/provisioningstatus`,
    auth: 'app+user',
    family: 'subscriptions',
    response: subscriptionProvisioningStatusSchema,
    idempotent: true,
  }),
};

export interface SubscriptionListOptions extends CallOptions {
  /** Only the subscriptions an order created (cannot be combined with mpnId). */
  orderId?: string;
  mpnId?: string;
  productType?: string;
  productSubtype?: string;
  /** Ask with the partner user's token (App+User), as the savings-plan APIs require. */
  asUser?: boolean;
}

/** What Partner Center answered to a status change sent without waiting for it to show. */
export interface StatusChangeSent {
  /** 200: the change is made (the subscription as it now stands); 202: accepted, it shows later. */
  answer: 'ok' | 'accepted';
  subscription?: Subscription;
  /** The subscription already had the status: nothing was sent. */
  unchanged: boolean;
}

export interface UpdateStatusOptions extends CallOptions {
  /**
   * The etag the caller based its decision on (`attributes.etag`); sent as If-Match so that a
   * subscription changed meanwhile is not overwritten (Partner Center answers 2055). Defaults to
   * the etag of the fresh read.
   */
  etag?: string;
  /** After a 202: time between reads (client default otherwise). */
  pollIntervalMs?: number;
  /** After a 202: how long to wait for the new status before PartnerCenterError 'pending'. */
  pollTimeoutMs?: number;
}

export type SubscriptionTargetStatus = 'suspended' | 'active';

export interface SubscriptionPolling {
  intervalMs: number;
  timeoutMs: number;
}

export class SubscriptionsClient {
  constructor(
    private readonly pipeline: Pipeline,
    private readonly polling: SubscriptionPolling,
  ) {}

  get(customerId: string, subscriptionId: string, options: CallOptions = {}): Promise<Subscription> {
    return this.pipeline.call(operations.get, { params: { customerId, subscriptionId } }, options);
  }

  list(customerId: string, options: SubscriptionListOptions = {}): AsyncIterable<Subscription> {
    return paginate(
      this.pipeline,
      options.asUser ? operations.listAsUser : operations.list,
      {
        params: { customerId },
        query: {
          order_id: options.orderId,
          mpn_id: options.mpnId,
          product_type: options.productType,
          product_subtype: options.productSubtype,
        },
      },
      options,
    );
  }

  /**
   * Suspends or reactivates: reads the subscription, sends it back whole with the new status under
   * If-Match, and when the service answers 202 reads it again until the status has changed.
   * Already in the wanted status: returned as is, nothing sent.
   */
  async updateStatus(
    customerId: string,
    subscriptionId: string,
    status: SubscriptionTargetStatus,
    options: UpdateStatusOptions = {},
  ): Promise<Subscription> {
    const current = await this.get(customerId, subscriptionId, options);
    if (current.status === status) return current;
    const etag = options.etag ?? current.attributes?.etag ?? undefined;
    try {
      const response = await this.pipeline.send(
        operations.patch,
        {
          params: { customerId, subscriptionId },
          body: { ...current, status },
          headers: etag ? { 'If-Match': etag } : undefined,
        },
        options,
      );
      if (response.body && response.body.status === status) return response.body;
      return await this.waitForStatus(customerId, subscriptionId, status, options);
    } catch (error) {
      if (error instanceof PartnerCenterError && error.code === '2055') {
        // The etag moved: maybe because an earlier attempt of this very change went through.
        const fresh = await this.get(customerId, subscriptionId, options);
        if (fresh.status === status) return fresh;
      }
      throw error;
    }
  }

  /**
   * Sends the subscription back whole with the new status under If-Match, and returns Partner
   * Center's answer without waiting for a 202 to show (a durable watcher reads it back). Already in
   * the wanted status: nothing sent. A stale etag (2055) is thrown for the caller to read again.
   */
  async sendStatus(
    customerId: string,
    subscriptionId: string,
    status: SubscriptionTargetStatus,
    options: CallOptions & { current?: Subscription } = {},
  ): Promise<StatusChangeSent> {
    const current = options.current ?? (await this.get(customerId, subscriptionId, options));
    if (current.status === status) return { answer: 'ok', subscription: current, unchanged: true };
    const etag = current.attributes?.etag ?? undefined;
    const response = await this.pipeline.send(
      operations.patch,
      {
        params: { customerId, subscriptionId },
        body: { ...current, status },
        headers: etag ? { 'If-Match': etag } : undefined,
      },
      options,
    );
    return response.status === 202
      ? { answer: 'accepted', unchanged: false }
      : { answer: 'ok', unchanged: false, ...(response.body ? { subscription: response.body } : {}) };
  }

  getProvisioningStatus(
    customerId: string,
    subscriptionId: string,
    options: CallOptions = {},
  ): Promise<SubscriptionProvisioningStatus> {
    return this.pipeline.call(
      operations.provisioningStatus,
      { params: { customerId, subscriptionId } },
      options,
    );
  }

  private async waitForStatus(
    customerId: string,
    subscriptionId: string,
    status: SubscriptionTargetStatus,
    options: UpdateStatusOptions,
  ): Promise<Subscription> {
    const intervalMs = options.pollIntervalMs ?? this.polling.intervalMs;
    const timeoutMs = options.pollTimeoutMs ?? this.polling.timeoutMs;
    const polling = retry(
      handleWhenResult((value) => (value as Subscription).status !== status),
      {
        maxAttempts: Math.max(1, Math.ceil(timeoutMs / Math.max(1, intervalMs))),
        backoff: new ConstantBackoff(intervalMs),
      },
    );
    const latest = await polling.execute(() => this.get(customerId, subscriptionId, options), options.signal);
    if (latest.status === status) return latest;
    throw new PartnerCenterError({
      code: 'pending',
      description: `Accepted, but the subscription is still "${latest.status}" after ${timeoutMs} ms`,
      method: operations.patch.method,
      path: `/v1/customers/${customerId}/subscriptions/${subscriptionId}`,
      correlationId: options.correlationId,
    });
  }
}

import type { CallOptions } from '../callOptions';
import { defineOperation } from '../http/operation';
import { paginate } from '../http/paging';
import type { Pipeline } from '../http/pipeline';
import {
  azureUtilizationRecordSchema,
  collectionSchema,
  customerUsageSummarySchema,
  meterUsageRecordSchema,
  resourceUsageRecordSchema,
  subscriptionMonthlyUsageRecordSchema,
  subscriptionUsageSummarySchema,
  type AzureUtilizationRecord,
  type CustomerUsageSummary,
  type MeterUsageRecord,
  type ResourceUsageRecord,
  type SubscriptionMonthlyUsageRecord,
  type SubscriptionUsageSummary,
} from '../schemas';

const SUBSCRIPTION = '/customers/{customerId}/subscriptions/{subscriptionId}';

const operations = {
  customerSummary: defineOperation({
    name: 'usage.customerSummary',
    method: 'GET',
    path: '/customers/{customerId}/usagesummary',
    auth: 'app+user',
    family: 'usage',
    response: customerUsageSummarySchema,
    idempotent: true,
  }),
  subscriptionSummary: defineOperation({
    name: 'usage.subscriptionSummary',
    method: 'GET',
    path: `${SUBSCRIPTION}/usagesummary`,
    auth: 'app+user',
    family: 'usage',
    response: subscriptionUsageSummarySchema,
    idempotent: true,
  }),
  subscriptionUsageRecords: defineOperation({
    name: 'usage.subscriptionUsageRecords',
    method: 'GET',
    path: '/customers/{customerId}/subscriptions/usagerecords',
    auth: 'app+user',
    family: 'usage',
    response: collectionSchema(subscriptionMonthlyUsageRecordSchema),
    idempotent: true,
  }),
  meterUsageRecords: defineOperation({
    name: 'usage.meterUsageRecords',
    method: 'GET',
    path: `${SUBSCRIPTION}/meterusagerecords`,
    auth: 'app+user',
    family: 'usage',
    response: collectionSchema(meterUsageRecordSchema),
    idempotent: true,
  }),
  resourceUsageRecords: defineOperation({
    name: 'usage.resourceUsageRecords',
    method: 'GET',
    path: `${SUBSCRIPTION}/resourceusagerecords`,
    auth: 'app+user',
    family: 'usage',
    response: collectionSchema(resourceUsageRecordSchema),
    idempotent: true,
  }),
  utilization: defineOperation({
    name: 'usage.utilization',
    method: 'GET',
    path: `${SUBSCRIPTION}/utilizations/azure`,
    auth: 'app',
    family: 'usage',
    response: collectionSchema(azureUtilizationRecordSchema),
    idempotent: true,
    // 204 + Retry-After: the data is not ready yet (read as "no records").
    bodylessStatuses: [204],
    seekParameter: 'seek_operation',
  }),
};

export interface UtilizationOptions extends CallOptions {
  /** ISO 8601, by reported time. */
  startTime: string;
  endTime: string;
  granularity?: 'daily' | 'hourly';
  showDetails?: boolean;
  /** Page size, up to 1000. */
  size?: number;
}

/** Current-period Azure spend. The figures are estimates, not billing. */
export class UsageClient {
  constructor(private readonly pipeline: Pipeline) {}

  customerSummary(customerId: string, options: CallOptions = {}): Promise<CustomerUsageSummary> {
    return this.pipeline.call(operations.customerSummary, { params: { customerId } }, options);
  }

  /** For an Azure plan, pass the plan's subscription id. */
  subscriptionSummary(
    customerId: string,
    subscriptionId: string,
    options: CallOptions = {},
  ): Promise<SubscriptionUsageSummary> {
    return this.pipeline.call(
      operations.subscriptionSummary,
      { params: { customerId, subscriptionId } },
      options,
    );
  }

  subscriptionUsageRecords(
    customerId: string,
    options: CallOptions = {},
  ): AsyncIterable<SubscriptionMonthlyUsageRecord> {
    return paginate(this.pipeline, operations.subscriptionUsageRecords, { params: { customerId } }, options);
  }

  meterUsageRecords(
    customerId: string,
    subscriptionId: string,
    options: CallOptions = {},
  ): AsyncIterable<MeterUsageRecord> {
    return paginate(
      this.pipeline,
      operations.meterUsageRecords,
      { params: { customerId, subscriptionId } },
      options,
    );
  }

  resourceUsageRecords(
    customerId: string,
    subscriptionId: string,
    options: CallOptions = {},
  ): AsyncIterable<ResourceUsageRecord> {
    return paginate(
      this.pipeline,
      operations.resourceUsageRecords,
      { params: { customerId, subscriptionId } },
      options,
    );
  }

  /** Legacy MS-AZR-0145P only (not supported for Azure plans). */
  utilization(
    customerId: string,
    subscriptionId: string,
    options: UtilizationOptions,
  ): AsyncIterable<AzureUtilizationRecord> {
    return paginate(
      this.pipeline,
      operations.utilization,
      {
        params: { customerId, subscriptionId },
        query: {
          start_time: options.startTime,
          end_time: options.endTime,
          granularity: options.granularity,
          show_details: options.showDetails,
          size: options.size,
        },
      },
      options,
    );
  }
}

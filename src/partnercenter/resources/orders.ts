import type { CallOptions } from '../callOptions';
import { defineOperation } from '../http/operation';
import { collect, paginate } from '../http/paging';
import type { Pipeline } from '../http/pipeline';
import {
  collectionSchema,
  orderLineItemProvisioningStatusSchema,
  orderSchema,
  type Order,
  type OrderLineItemProvisioningStatus,
} from '../schemas';

const operations = {
  get: defineOperation({
    name: 'orders.get',
    method: 'GET',
    path: '/customers/{customerId}/orders/{orderId}',
    auth: 'app',
    family: 'orders',
    response: orderSchema,
    idempotent: true,
  }),
  list: defineOperation({
    name: 'orders.list',
    method: 'GET',
    path: '/customers/{customerId}/orders',
    auth: 'app',
    family: 'orders',
    response: collectionSchema(orderSchema),
    idempotent: true,
  }),
  provisioningStatus: defineOperation({
    name: 'orders.getProvisioningStatus',
    method: 'GET',
    path: '/customers/{customerId}/orders/{orderId}/provisioningstatus',
    auth: 'app+user',
    family: 'orders',
    response: collectionSchema(orderLineItemProvisioningStatusSchema),
    idempotent: true,
  }),
};

export interface OrderGetOptions extends CallOptions {
  includePrice?: boolean;
}

export interface OrderListOptions extends CallOptions {
  /** A billing cycle, e.g. 'onetime' for reservation and other one-time orders. */
  billingType?: string;
  includePrice?: boolean;
}

export class OrdersClient {
  constructor(private readonly pipeline: Pipeline) {}

  get(customerId: string, orderId: string, options: OrderGetOptions = {}): Promise<Order> {
    return this.pipeline.call(
      operations.get,
      { params: { customerId, orderId }, query: { include_price: options.includePrice } },
      options,
    );
  }

  /** Note: a new order can take up to 15 minutes to show here; track a fresh order with get(). */
  list(customerId: string, options: OrderListOptions = {}): AsyncIterable<Order> {
    return paginate(
      this.pipeline,
      operations.list,
      {
        params: { customerId },
        query: { billingType: options.billingType, include_price: options.includePrice },
      },
      options,
    );
  }

  getProvisioningStatus(
    customerId: string,
    orderId: string,
    options: CallOptions = {},
  ): Promise<OrderLineItemProvisioningStatus[]> {
    return collect(
      paginate(this.pipeline, operations.provisioningStatus, { params: { customerId, orderId } }, options),
    );
  }
}

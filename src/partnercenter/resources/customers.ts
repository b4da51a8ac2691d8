import type { CallOptions } from '../callOptions';
import { defineOperation } from '../http/operation';
import { paginate } from '../http/paging';
import type { Pipeline } from '../http/pipeline';
import { collectionSchema, customerSchema, type Customer } from '../schemas';

const operations = {
  list: defineOperation({
    name: 'customers.list',
    method: 'GET',
    path: '/customers',
    auth: 'app',
    family: 'customers',
    response: collectionSchema(customerSchema),
    idempotent: true,
  }),
  get: defineOperation({
    name: 'customers.get',
    method: 'GET',
    path: '/customers/{customerId}',
    auth: 'app',
    family: 'customers',
    response: customerSchema,
    idempotent: true,
  }),
};

/** Partner Center matches company names and domains by prefix, case-insensitively. */
export type CustomerSearch = { companyName: string } | { domain: string };

export interface CustomerListOptions extends CallOptions {
  /** Page size. */
  size?: number;
}

export class CustomersClient {
  constructor(private readonly pipeline: Pipeline) {}

  list(options: CustomerListOptions = {}): AsyncIterable<Customer> {
    return paginate(this.pipeline, operations.list, { query: { size: options.size } }, options);
  }

  search(search: CustomerSearch, options: CustomerListOptions = {}): AsyncIterable<Customer> {
    const filter =
      'companyName' in search
        ? { Field: 'CompanyName', Value: search.companyName, Operator: 'starts_with' }
        : { Field: 'Domain', Value: search.domain, Operator: 'starts_with' };
    return paginate(
      this.pipeline,
      operations.list,
      { query: { size: options.size, filter: JSON.stringify(filter) } },
      options,
    );
  }

  get(customerId: string, options: CallOptions = {}): Promise<Customer> {
    return this.pipeline.call(operations.get, { params: { customerId } }, options);
  }
}

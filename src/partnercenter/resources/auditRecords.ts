import type { CallOptions } from '../callOptions';
import { defineOperation } from '../http/operation';
import { paginate } from '../http/paging';
import type { Pipeline } from '../http/pipeline';
import { auditRecordSchema, collectionSchema, type AuditRecord } from '../schemas';

const operations = {
  list: defineOperation({
    name: 'auditRecords.list',
    method: 'GET',
    path: '/auditrecords',
    auth: 'app',
    family: 'auditRecords',
    response: collectionSchema(auditRecordSchema),
    idempotent: true,
  }),
};

export type AuditRecordFilter =
  | { field: 'CompanyName'; value: string; operator?: 'substring' }
  | { field: 'CustomerId'; value: string; operator?: 'equals' }
  | { field: 'ResourceType'; value: string; operator?: 'equals' };

export interface AuditRecordListOptions extends CallOptions {
  /** yyyy-mm-dd; Partner Center defaults to 30 days ago and keeps 90 days. */
  startDate?: string;
  endDate?: string;
  filter?: AuditRecordFilter;
  size?: number;
}

/** The partner's activity log. */
export class AuditRecordsClient {
  constructor(private readonly pipeline: Pipeline) {}

  list(options: AuditRecordListOptions = {}): AsyncIterable<AuditRecord> {
    const filter = options.filter
      ? JSON.stringify({
          Field: options.filter.field,
          Value: options.filter.value,
          Operator:
            options.filter.operator ?? (options.filter.field === 'CompanyName' ? 'substring' : 'equals'),
        })
      : undefined;
    return paginate(
      this.pipeline,
      operations.list,
      { query: { startDate: options.startDate, endDate: options.endDate, filter, size: options.size } },
      options,
    );
  }
}

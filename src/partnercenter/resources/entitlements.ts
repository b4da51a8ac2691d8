import type { CallOptions } from '../callOptions';
import { PartnerCenterError } from '../errors';
import { defineOperation } from '../http/operation';
import { paginate } from '../http/paging';
import type { Pipeline } from '../http/pipeline';
import {
  collectionSchema,
  entitlementSchema,
  reservedInstanceArtifactDetailsSchema,
  type Entitlement,
  type Link,
  type ReservedInstanceArtifactDetails,
} from '../schemas';

const operations = {
  list: defineOperation({
    name: 'entitlements.list',
    method: 'GET',
    path: '/customers/{customerId}/entitlements',
    auth: 'app+user',
    family: 'entitlements',
    response: collectionSchema(entitlementSchema),
    idempotent: true,
  }),
  artifactDetails: defineOperation({
    name: 'entitlements.getReservedInstanceArtifactDetails',
    method: 'GET',
    // Only reached through an artifact's link (rawPath); the template documents its shape.
    path: '/customers/{customerId}/artifacts/reservedinstance/groups/{groupId}/lineitems/{lineItemId}/resource/{resourceId}',
    auth: 'app+user',
    family: 'entitlements',
    response: reservedInstanceArtifactDetailsSchema,
    idempotent: true,
  }),
};

export interface ReservedInstanceListOptions extends CallOptions {
  /** Include expiry dates. */
  showExpiry?: boolean;
}

export class EntitlementsClient {
  constructor(private readonly pipeline: Pipeline) {}

  listReservedInstances(
    customerId: string,
    options: ReservedInstanceListOptions = {},
  ): AsyncIterable<Entitlement> {
    return paginate(
      this.pipeline,
      operations.list,
      {
        params: { customerId },
        query: { entitlementType: 'reservedInstance', showExpiry: options.showExpiry },
      },
      options,
    );
  }

  /** Follows an entitled artifact's link (`entitledArtifacts[].link`) to its reservations. */
  getReservedInstanceArtifactDetails(
    link: Link | string,
    options: CallOptions = {},
  ): Promise<ReservedInstanceArtifactDetails> {
    const uri = typeof link === 'string' ? link : link.uri;
    if (!/\/artifacts\//i.test(uri)) {
      throw new PartnerCenterError({
        code: 'schema',
        description: 'Not an entitlement artifact link',
        method: 'GET',
        path: uri.split('?')[0],
        schemaPath: 'entitledArtifacts.link.uri',
      });
    }
    return this.pipeline.call(operations.artifactDetails, { rawPath: uri }, options);
  }
}

import type { CallOptions } from '../callOptions';
import { PartnerCenterError } from '../errors';
import { defineOperation } from '../http/operation';
import type { PcResponse, Pipeline } from '../http/pipeline';
import {
  productUpgradeEligibilitySchema,
  productUpgradeStatusSchema,
  type ProductUpgradeEligibility,
  type ProductUpgradeStatus,
} from '../schemas';

const operations = {
  eligibility: defineOperation({
    name: 'productUpgrades.checkEligibility',
    method: 'POST',
    path: '/productUpgrades/eligibility',
    auth: 'app+user',
    family: 'productUpgrades',
    response: productUpgradeEligibilitySchema,
    // A read expressed as POST.
    idempotent: true,
  }),
  create: defineOperation<never>({
    name: 'productUpgrades.create',
    method: 'POST',
    path: '/productupgrades',
    auth: 'app+user',
    family: 'productUpgrades',
    // 202 + Location: productUpgrades/{upgradeId}, no body. Deduplicated by MS-RequestId, so a
    // retry with the same id is safe; after an unclear failure the guard first reads eligibility
    // back, whose upgradeId shows an upgrade that already exists.
    idempotent: false,
    idempotentByRequestId: true,
    bodylessStatuses: [202],
  }),
  status: defineOperation({
    name: 'productUpgrades.getStatus',
    method: 'POST',
    path: '/productUpgrades/{upgradeId}/status',
    auth: 'app+user',
    family: 'productUpgrades',
    response: productUpgradeStatusSchema,
    idempotent: true,
  }),
};

export interface ProductUpgradeOptions extends CallOptions {
  /** Only 'azure' (legacy MS-AZR-0145P → Azure plan) is documented. */
  productFamily?: string;
}

export interface ProductUpgradeCreated {
  upgradeId: string;
  /** The upgrade existed already (started earlier, by us or someone else); nothing new was created. */
  existing: boolean;
}

/** Legacy Azure (MS-AZR-0145P) → Azure plan upgrades. All App+User only. */
export class ProductUpgradesClient {
  constructor(private readonly pipeline: Pipeline) {}

  checkEligibility(
    customerId: string,
    options: ProductUpgradeOptions = {},
  ): Promise<ProductUpgradeEligibility> {
    return this.pipeline.call(operations.eligibility, { body: upgradeRequest(customerId, options) }, options);
  }

  async create(customerId: string, options: ProductUpgradeOptions = {}): Promise<ProductUpgradeCreated> {
    const existingUpgrade = async (): Promise<string | undefined> =>
      (await this.checkEligibility(customerId, options)).upgradeId ?? undefined;
    let response: PcResponse<never>;
    try {
      response = await this.pipeline.send(
        operations.create,
        { body: upgradeRequest(customerId, options) },
        options,
        {
          guard: async () => {
            const upgradeId = await existingUpgrade();
            return upgradeId ? locationResponse(upgradeId) : undefined;
          },
        },
      );
    } catch (error) {
      // 900109: an upgrade is already in progress for this customer; it is the one to follow.
      if (error instanceof PartnerCenterError && error.code === '900109') {
        const upgradeId = await existingUpgrade();
        if (upgradeId) return { upgradeId, existing: true };
      }
      throw error;
    }
    const upgradeId = upgradeIdFromLocation(response.headers.location);
    if (!upgradeId) {
      throw new PartnerCenterError({
        code: 'schema',
        description: 'The upgrade was accepted but its Location header does not name it',
        method: operations.create.method,
        path: `/v1${operations.create.path}`,
        status: response.status,
        requestId: response.requestId,
        correlationId: response.correlationId,
        schemaPath: 'headers.location',
      });
    }
    return { upgradeId, existing: response.recovered === true };
  }

  getStatus(
    customerId: string,
    upgradeId: string,
    options: ProductUpgradeOptions = {},
  ): Promise<ProductUpgradeStatus> {
    return this.pipeline.call(
      operations.status,
      { params: { upgradeId }, body: upgradeRequest(customerId, options) },
      options,
    );
  }
}

function upgradeRequest(customerId: string, options: ProductUpgradeOptions) {
  return { customerId, productFamily: options.productFamily ?? 'azure' };
}

function locationResponse(upgradeId: string): PcResponse<never> {
  return {
    status: 202,
    headers: { location: `productUpgrades/${upgradeId}` },
    body: undefined,
    requestId: '',
    correlationId: '',
  };
}

/** `productUpgrades/{id}`, possibly absolute or with /v1: the id is the last path segment. */
export function upgradeIdFromLocation(location: string | undefined): string | undefined {
  if (!location) return undefined;
  const path = location.split('?')[0].replace(/\/+$/, '');
  const id = path.slice(path.lastIndexOf('/') + 1);
  return id && !/^productupgrades$/i.test(id) ? decodeURIComponent(id) : undefined;
}

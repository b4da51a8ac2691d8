import type { CallOptions } from '../callOptions';
import { PartnerCenterError } from '../errors';
import { defineOperation } from '../http/operation';
import { collect, paginate } from '../http/paging';
import type { Pipeline } from '../http/pipeline';
import {
  agreementMetadataSchema,
  agreementSchema,
  collectionSchema,
  type Agreement,
  type AgreementMetadata,
  type Contact,
} from '../schemas';

const MCA = 'MicrosoftCustomerAgreement';

const operations = {
  metadata: defineOperation({
    name: 'agreements.getMetadata',
    method: 'GET',
    path: '/agreements',
    auth: 'app+user',
    family: 'agreements',
    response: collectionSchema(agreementMetadataSchema),
    idempotent: true,
  }),
  create: defineOperation({
    name: 'agreements.createAttestation',
    method: 'POST',
    path: '/customers/{customerId}/agreements',
    auth: 'app+user',
    family: 'agreements',
    response: agreementSchema,
    // Each POST records a new attestation, but a retry carries the same MS-RequestId, which the
    // service deduplicates; after an unclear failure the guard looks for it first.
    idempotent: false,
    idempotentByRequestId: true,
  }),
  list: defineOperation({
    name: 'agreements.list',
    method: 'GET',
    path: '/customers/{customerId}/agreements',
    auth: 'app+user',
    family: 'agreements',
    response: collectionSchema(agreementSchema),
    idempotent: true,
  }),
};

export interface AttestationInput {
  /** The customer's person who accepted the agreement. */
  primaryContact: Contact;
  /** The MCA template id; looked up with getMcaMetadata() when absent. */
  templateId?: string;
  /** ISO 8601; now when absent. */
  dateAgreed?: string;
}

export interface AgreementListOptions extends CallOptions {
  agreementType?: string;
}

/** Microsoft Customer Agreement: template metadata, the partner's attestation of acceptance. */
export class AgreementsClient {
  constructor(private readonly pipeline: Pipeline) {}

  async getMcaMetadata(options: CallOptions = {}): Promise<AgreementMetadata> {
    const items = await collect(
      paginate(this.pipeline, operations.metadata, { query: { agreementType: MCA } }, options),
    );
    const metadata = items.find((item) => item.agreementType === MCA);
    if (!metadata) {
      throw new PartnerCenterError({
        code: 'schema',
        description: 'Partner Center returned no Microsoft Customer Agreement template',
        method: 'GET',
        path: '/v1/agreements',
        correlationId: options.correlationId,
        schemaPath: 'items',
      });
    }
    return metadata;
  }

  async createAttestation(
    customerId: string,
    input: AttestationInput,
    options: CallOptions = {},
  ): Promise<Agreement> {
    const templateId = input.templateId ?? (await this.getMcaMetadata(options)).templateId;
    const body = {
      primaryContact: input.primaryContact,
      templateId,
      dateAgreed: input.dateAgreed ?? new Date().toISOString(),
      type: MCA,
    };
    const sameAttestation = (agreement: Agreement) =>
      agreement.templateId === templateId &&
      agreement.primaryContact?.email.toLowerCase() === input.primaryContact.email.toLowerCase();
    return this.pipeline.call(operations.create, { params: { customerId }, body }, options, {
      guard: async () => {
        const existing = (await collect(this.list(customerId, options))).find(sameAttestation);
        return existing
          ? { status: 201, headers: {}, body: existing, requestId: '', correlationId: '' }
          : undefined;
      },
    });
  }

  list(customerId: string, options: AgreementListOptions = {}): AsyncIterable<Agreement> {
    return paginate(
      this.pipeline,
      operations.list,
      { params: { customerId }, query: { agreementType: options.agreementType ?? MCA } },
      options,
    );
  }
}

import type { AgreementType, CustomerState } from './types';

export interface AgreementTemplate {
  templateId: string;
  agreementType: AgreementType;
  agreementLink: string;
  versionRank: number;
}

/** Agreement metadata as `GET /v1/agreements` serves it (the MCA template id is the documented one). */
export const AGREEMENT_TEMPLATES: readonly AgreementTemplate[] = [
  {
    templateId: '117a77b0-9360-443b-8795-c6dedc750cf9',
    agreementType: 'MicrosoftCustomerAgreement',
    agreementLink: 'https://aka.ms/customeragreement',
    versionRank: 0,
  },
  {
    templateId: '998b88de-aa99-4388-a42c-1b3517d49490',
    agreementType: 'MicrosoftCloudAgreement',
    agreementLink: 'https://aka.ms/microsoftcloudagreement',
    versionRank: 0,
  },
];

export const MCA_TEMPLATE_ID = AGREEMENT_TEMPLATES[0].templateId;
export const MCLOUD_TEMPLATE_ID = AGREEMENT_TEMPLATES[1].templateId;

export function templateFor(type: string): AgreementTemplate | undefined {
  return AGREEMENT_TEMPLATES.find((t) => t.agreementType.toLowerCase() === type.toLowerCase());
}

/**
 * Which agreement types a query asks for. The documentation: no parameter means
 * MicrosoftCloudAgreement (backward compatibility), `*` means all.
 */
export function agreementTypesFor(query: string | undefined): AgreementType[] | 'unknown' {
  if (query === undefined || query === '') return ['MicrosoftCloudAgreement'];
  if (query === '*') return ['MicrosoftCustomerAgreement', 'MicrosoftCloudAgreement'];
  const template = templateFor(query);
  return template ? [template.agreementType] : 'unknown';
}

export function hasAcceptedMca(customer: CustomerState): boolean {
  return customer.agreements.some((a) => a.type === 'MicrosoftCustomerAgreement');
}

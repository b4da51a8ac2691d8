import { iso } from '../state/clock';
import type { AgreementTemplate } from '../state/agreements';
import type { AuditRecordEntry } from '../state/audit';
import { PARTNER_ID } from '../state/partner';
import type { AgreementRecord } from '../state/types';

export function agreementTemplateView(t: AgreementTemplate) {
  return {
    templateId: t.templateId,
    agreementType: t.agreementType,
    agreementLink: t.agreementLink,
    versionRank: t.versionRank,
  };
}

export function agreementView(a: AgreementRecord, agreementLink: string) {
  return {
    ...(a.userId ? { userId: a.userId } : {}),
    primaryContact: a.primaryContact,
    templateId: a.templateId,
    dateAgreed: a.dateAgreed,
    type: a.type,
    agreementLink,
  };
}

export function auditRecordView(e: AuditRecordEntry) {
  return {
    partnerId: PARTNER_ID,
    customerId: e.customerId,
    customerName: e.customerName,
    userPrincipalName: e.userPrincipalName,
    applicationId: e.applicationId,
    resourceType: e.resourceType,
    ...(e.resourceOldValue !== undefined ? { resourceOldValue: e.resourceOldValue } : {}),
    resourceNewValue: e.resourceNewValue,
    operationType: e.operationType,
    operationDate: iso(e.operationDate),
    operationStatus: e.operationStatus,
    customizedData: e.customizedData,
    attributes: { objectType: 'AuditRecord' },
  };
}

export function upgradeEligibilityView(
  customerId: string,
  result: { isEligible: boolean; upgradeId?: string; reason?: string },
) {
  return {
    customerId,
    productFamily: 'azure',
    isEligible: result.isEligible,
    ...(result.upgradeId ? { upgradeId: result.upgradeId } : {}),
    ...(result.reason ? { reason: result.reason } : {}),
  };
}

import { link } from '../http/links';
import { stableGuid } from '../state/ids';
import type { CustomerProfile } from '../state/types';

/** The Customer resource (get-a-customer-by-id shape; lists use the same). */
export function customerView(p: CustomerProfile) {
  return {
    id: p.id,
    commerceId: stableGuid(`commerce:${p.id}`),
    companyProfile: {
      tenantId: p.id,
      domain: p.domain,
      companyName: p.companyName,
      address: {
        country: p.country,
        region: p.region,
        city: p.city,
        addressLine1: p.addressLine1,
        postalCode: p.postalCode,
        phoneNumber: p.contact.phoneNumber,
      },
      email: p.contact.email,
      links: { self: link(`/customers/${p.id}/profiles/company`) },
      attributes: { objectType: 'CustomerCompanyProfile' },
    },
    billingProfile: {
      id: stableGuid(`billing-profile:${p.id}`),
      firstName: p.contact.firstName,
      lastName: p.contact.lastName,
      email: p.contact.email,
      culture: p.culture,
      language: p.language,
      companyName: p.companyName,
      defaultAddress: {
        country: p.country,
        city: p.city,
        state: p.region,
        addressLine1: p.addressLine1,
        postalCode: p.postalCode,
        firstName: p.contact.firstName,
        lastName: p.contact.lastName,
        phoneNumber: p.contact.phoneNumber,
      },
      links: { self: link(`/customers/${p.id}/profiles/billing`) },
      attributes: { etag: '1', objectType: 'CustomerBillingProfile' },
    },
    relationshipToPartner: 'reseller',
    allowDelegatedAccess: true,
    customDomains: [p.domain],
    links: { self: link(`/customers/${p.id}`) },
    attributes: { objectType: 'Customer' },
  };
}

import type { CustomerSpec } from './customerSpec';
import { generatedSpend } from './generatedSpend';
import type { Country, EntitlementStatus } from './types';

const NAMES = [
  'Blue Yonder Airlines',
  'Proseware',
  'Lamna Healthcare',
  'Trey Research',
  'Relecloud',
  'VanArsdel',
  'Margies Travel',
  'Humongous Insurance',
  'Lucerne Publishing',
  'Fourth Coffee',
  'Wide World Importers',
  'Southridge Video',
  'Bellows College',
  'A Datum',
  'Consolidated Messenger',
  'Tailwind Traders',
  'Graphic Design Institute',
  'First Up Consultants',
  'Nod Publishers',
  'Woodgrove Florist',
];

const PLACES: Record<Country, { city: string; region: string; street: string; postalCode: string }> = {
  US: { city: 'Redmond', region: 'WA', street: 'Main St', postalCode: '98052' },
  FR: {
    city: 'Bordeaux',
    region: 'Nouvelle-Aquitaine',
    street: 'cours de l’Intendance',
    postalCode: '33000',
  },
  GB: { city: 'Leeds', region: 'West Yorkshire', street: 'Park Row', postalCode: 'LS1 5HD' },
  DE: { city: 'Hamburg', region: 'Hamburg', street: 'Jungfernstieg', postalCode: '20354' },
};

const COUNTRY_CYCLE: readonly Country[] = ['US', 'FR', 'GB', 'DE'];
const DOMAIN_PREFIXES = NAMES.map((n) => n.toLowerCase().replace(/[^a-z]/g, ''));

/** What listing and searching need of the i-th generated customer, without building its spec. */
export function generatedCustomerEntry(i: number): {
  key: string;
  companyName: string;
  domain: string;
  country: Country;
} {
  const number = String(i + 1).padStart(5, '0');
  return {
    key: `generated-${i}`,
    companyName: `${NAMES[i % NAMES.length]} ${number}`,
    domain: `${DOMAIN_PREFIXES[i % NAMES.length]}${number}.onmicrosoft.com`,
    country: COUNTRY_CYCLE[i % COUNTRY_CYCLE.length],
  };
}

/**
 * The spec of the i-th generated customer (0-based). Computing it is cheap and needs no state, so
 * 10,000 customers cost a loop of string formatting at start-up; their subscriptions, usage and
 * orders are built only when a request first touches the customer.
 *
 * Situations cycle over ten: eight active Azure plans (one, two, or an active and an inactive Azure
 * subscription), a plan whose only Azure subscription is inactive, and a legacy MS-AZR-0145P
 * customer eligible for the upgrade. Every one has a spending budget and a current-period spend
 * derived from its key (see generatedSpend): no generated customer is without Azure usage.
 */
export function generatedCustomerSpec(i: number): CustomerSpec {
  const { key, companyName, domain, country } = generatedCustomerEntry(i);
  const number = String(i + 1).padStart(5, '0');
  const place = PLACES[country];
  const spec: CustomerSpec = {
    key,
    companyName,
    domain,
    country,
    city: place.city,
    region: place.region,
    addressLine1: `${(i % 200) + 1} ${place.street}`,
    postalCode: place.postalCode,
    contact: {
      firstName: 'Alex',
      lastName: `Admin${number}`,
      email: `admin@${domain}`,
      phoneNumber: '+10000000000',
    },
    mca: true,
  };
  const spend = generatedSpend(key);
  const r = i % 10;
  if (r === 8) return { ...spec, ...spend, cloudAgreement: true, legacy: { ageDays: 1200 } };
  if (r === 7) {
    return { ...spec, ...spend, plan: { status: 'active', ageDays: 400, entitlements: ['inactive'] } };
  }
  const entitlements: EntitlementStatus[][] = [['active'], ['active', 'active'], ['active', 'inactive']];
  return {
    ...spec,
    ...spend,
    plan: { status: 'active', ageDays: 30 + (i % 700), entitlements: entitlements[r % 3] },
  };
}

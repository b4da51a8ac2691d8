import type { CustomerSpec } from './customerSpec';
import type { Country } from './types';

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
 * Situations cycle: no Azure plan, three kinds of active plan, a plan with only inactive Azure
 * subscriptions, and a legacy MS-AZR-0145P customer eligible for the upgrade.
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
  const usageCents = 5_000 + ((i * 7919) % 400_000);
  switch (i % 6) {
    case 0:
      return spec;
    case 1:
    case 2:
    case 3:
      return {
        ...spec,
        plan: {
          status: 'active',
          ageDays: 30 + (i % 700),
          entitlements: i % 2 === 0 ? ['active'] : ['active', 'active'],
        },
        usageCents,
        usageResources: 3,
        budgetCents: i % 3 === 0 ? null : Math.round((usageCents * (0.5 + (i % 10) / 10)) / 100) * 100,
      };
    case 4:
      return {
        ...spec,
        plan: { status: 'active', ageDays: 400, entitlements: ['inactive'] },
        usageCents: 1_000 + (i % 5_000),
        usageResources: 1,
      };
    default:
      return { ...spec, cloudAgreement: true, legacy: { ageDays: 1200 }, usageCents, usageResources: 3 };
  }
}

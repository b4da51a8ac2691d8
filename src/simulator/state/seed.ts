import type { CustomerSpec } from './customerSpec';
import type { Country } from './types';

/**
 * The named customers of the simulator contract, each with the situation that makes one path of
 * the bot real. Figures are fixed so that tests can name them:
 * - Alpine Ski House spends 850.00 EUR of a 1,000.00 EUR budget (85 %);
 * - Coho Winery spends 612.30 USD of a 500.00 USD budget (122.46 %);
 * - Fabrikam spends 2,345.67 USD of 5,000.00 USD.
 * Lakeshore Retail has an Azure plan with no active Azure subscription and no reservation, but an
 * active Azure savings plan (0.05 USD an hour, shared scope): only the preflight can see it.
 */

const contact = (firstName: string, lastName: string, domain: string, phone: string) => ({
  firstName,
  lastName,
  email: `${firstName.toLowerCase()}.${lastName.toLowerCase()}@${domain}`,
  phoneNumber: phone,
});

const address = (
  country: Country,
  city: string,
  region: string,
  addressLine1: string,
  postalCode: string,
) => ({
  country,
  city,
  region,
  addressLine1,
  postalCode,
});

function named(
  key: string,
  companyName: string,
  domainPrefix: string,
  where: ReturnType<typeof address>,
  person: [string, string, string],
  situation: Omit<
    CustomerSpec,
    'key' | 'companyName' | 'domain' | 'contact' | keyof ReturnType<typeof address>
  >,
): CustomerSpec {
  const domain = `${domainPrefix}.onmicrosoft.com`;
  return {
    key,
    companyName,
    domain,
    ...where,
    contact: contact(person[0], person[1], domain, person[2]),
    ...situation,
  };
}

export const NAMED_CUSTOMERS: readonly CustomerSpec[] = [
  named(
    'contoso-france',
    'Contoso France',
    'contosofrance',
    address('FR', 'Paris', 'Île-de-France', '12 rue de la Paix', '75002'),
    ['Camille', 'Martin', '+33142680000'],
    { mca: true },
  ),
  named(
    'contoso-pharmaceuticals',
    'Contoso Pharmaceuticals',
    'contosopharmaceuticals',
    address('US', 'Redmond', 'WA', '1 Microsoft Way', '98052'),
    ['Dana', 'Birkby', '+14255550100'],
    { mca: true },
  ),
  named(
    'fabrikam',
    'Fabrikam Inc',
    'fabrikaminc',
    address('US', 'Seattle', 'WA', '1201 3rd Ave', '98101'),
    ['Anne', 'Wallace', '+12065550111'],
    {
      mca: true,
      plan: { status: 'active', ageDays: 300, entitlements: ['active', 'active', 'inactive'] },
      usageCents: 234_567,
      usageResources: 6,
      budgetCents: 500_000,
    },
  ),
  named(
    'northwind',
    'Northwind Traders',
    'northwindtraders',
    address('GB', 'London', 'Greater London', '10 Fleet Street', 'EC4Y 1AA'),
    ['Oliver', 'Hughes', '+442075550122'],
    {
      mca: true,
      plan: { status: 'active', ageDays: 500, entitlements: ['inactive', 'inactive'] },
      reservation: 'expired',
      usageCents: 1_240,
      usageResources: 2,
      budgetCents: null,
    },
  ),
  named(
    'tailspin',
    'Tailspin Toys',
    'tailspintoys',
    address('DE', 'München', 'Bayern', 'Leopoldstraße 12', '80802'),
    ['Lukas', 'Schmidt', '+49895550133'],
    {
      mca: true,
      plan: { status: 'suspended', ageDays: 700, entitlements: ['inactive'] },
      usageCents: 4_510,
      usageResources: 2,
      budgetCents: 20_000,
    },
  ),
  named(
    'wingtip',
    'Wingtip Toys',
    'wingtiptoys',
    address('US', 'Portland', 'OR', '200 SW Market St', '97201'),
    ['Kim', 'Abercrombie', '+15035550144'],
    {
      mca: true,
      cloudAgreement: true,
      legacy: { ageDays: 1500 },
      usageCents: 31_025,
      usageResources: 4,
      budgetCents: 100_000,
    },
  ),
  named(
    'litware',
    'Litware',
    'litware',
    address('FR', 'Lyon', 'Auvergne-Rhône-Alpes', '5 place Bellecour', '69002'),
    ['Hugo', 'Bernard', '+33472550155'],
    {
      mca: true,
      cloudAgreement: true,
      legacy: {
        ageDays: 1400,
        block: {
          status: 403,
          code: '900119',
          reason: "Can't process Azure upgrade for Azure Partner Shared Services",
        },
      },
      usageCents: 12_800,
      usageResources: 3,
      budgetCents: null,
    },
  ),
  named(
    'adventure-works',
    'Adventure Works',
    'adventureworks',
    address('US', 'Bothell', 'WA', '18000 NE Union Hill Rd', '98011'),
    ['Jordan', 'Reyes', '+14255550166'],
    {
      mca: true,
      plan: { status: 'active', ageDays: 450, entitlements: ['inactive'] },
      reservation: 'active',
      usageCents: 1_820,
      usageResources: 1,
      budgetCents: null,
    },
  ),
  named(
    'woodgrove',
    'Woodgrove Bank',
    'woodgrovebank',
    address('GB', 'Manchester', 'Greater Manchester', '1 Spinningfields', 'M3 3AP'),
    ['Amelia', 'Clarke', '+441615550177'],
    { mca: false, cloudAgreement: true },
  ),
  named(
    'alpine-ski-house',
    'Alpine Ski House',
    'alpineskihouse',
    address('FR', 'Chamonix-Mont-Blanc', 'Auvergne-Rhône-Alpes', '100 avenue Michel Croz', '74400'),
    ['Léa', 'Dubois', '+33450550188'],
    {
      mca: true,
      plan: { status: 'active', ageDays: 200, entitlements: ['active'] },
      usageCents: 85_000,
      usageResources: 4,
      budgetCents: 100_000,
    },
  ),
  named(
    'coho-winery',
    'Coho Winery',
    'cohowinery',
    address('US', 'Napa', 'CA', '1 Vineyard Ln', '94558'),
    ['Pat', 'Coleman', '+17075550199'],
    {
      mca: true,
      plan: { status: 'active', ageDays: 150, entitlements: ['active', 'active'] },
      usageCents: 61_230,
      usageResources: 5,
      budgetCents: 50_000,
    },
  ),
  named(
    'lakeshore-retail',
    'Lakeshore Retail',
    'lakeshoreretail',
    address('US', 'Chicago', 'IL', '233 S Wacker Dr', '60606'),
    ['Morgan', 'Ellis', '+13125550211'],
    {
      mca: true,
      plan: { status: 'active', ageDays: 260, entitlements: ['inactive'] },
      savingsPlan: { ageDays: 90, hourlyCommitment: 0.05 },
      usageCents: 2_150,
      usageResources: 1,
      budgetCents: null,
    },
  ),
];

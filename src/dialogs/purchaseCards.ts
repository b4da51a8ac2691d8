import { renderCard, type AdaptiveCard } from '../cards/render';
import { billingCycleLabel, hasKey, t, type Locale } from '../i18n';
import type { AvailabilityChoice, CatalogChoice, CustomerSummary, SkuChoice } from '../workflows';

/** The purchase dialog's data: what was offered and chosen so far (kept in dialog state, JSON only). */
export interface PurchaseDraft {
  query: string;
  /** Customers the picker offered. */
  customers: CustomerSummary[];
  customer?: CustomerSummary;
  mca?: 'accepted' | 'missing' | 'unknown';
  products: CatalogChoice[];
  product?: CatalogChoice;
  productAuto?: boolean;
  skus: SkuChoice[];
  sku?: SkuChoice;
  skuAuto?: boolean;
  availabilities: AvailabilityChoice[];
  availability?: AvailabilityChoice;
  availabilityAuto?: boolean;
  /** Shown once on the next card (e.g. "attestation recorded"). */
  notice?: string;
}

export type CatalogLevel = 'product' | 'sku' | 'availability';

interface Fact {
  title: string;
  value: string;
}

export function customerLabel(customer: CustomerSummary): string {
  return `${customer.companyName} (${customer.domain})`;
}

/** An availability in words (its segment and currency); its CatalogItemId is a detail of the confirmation. */
export function availabilityLabel(locale: Locale, a: AvailabilityChoice): string {
  const key = `purchase.segments.${(a.segment ?? '').toLowerCase()}`;
  const segment = a.segment
    ? hasKey(locale, key)
      ? t(locale, key)
      : a.segment.charAt(0).toUpperCase() + a.segment.slice(1)
    : a.title;
  return a.currency ? `${segment} · ${a.currency}` : segment;
}

export function currencyOf(draft: PurchaseDraft): string {
  return draft.availability?.currency ?? draft.customer?.currency ?? '';
}

/** The selections so far, each marked when it was the only choice. */
export function draftFacts(draft: PurchaseDraft, locale: Locale): Fact[] {
  const only = (value: string, auto: boolean | undefined) =>
    auto ? t(locale, 'purchase.onlyChoice', { value }) : value;
  const facts: Fact[] = [];
  if (draft.customer) {
    facts.push({ title: t(locale, 'purchase.facts.customer'), value: customerLabel(draft.customer) });
    facts.push({ title: t(locale, 'purchase.facts.country'), value: draft.customer.country ?? '—' });
  }
  if (draft.product) {
    facts.push({
      title: t(locale, 'purchase.facts.product'),
      value: only(draft.product.title, draft.productAuto),
    });
  }
  if (draft.sku) {
    facts.push({ title: t(locale, 'purchase.facts.sku'), value: only(draft.sku.title, draft.skuAuto) });
  }
  if (draft.availability) {
    facts.push({
      title: t(locale, 'purchase.facts.availability'),
      value: only(availabilityLabel(locale, draft.availability), draft.availabilityAuto),
    });
  }
  return facts;
}

export function customerPickerCard(
  locale: Locale,
  input: {
    token: string;
    title: string;
    query: string;
    customers: CustomerSummary[];
    notice?: string;
    /** The customers are near misses of the query ("Did you mean"), not matches. */
    suggested?: boolean;
    /** Where the person is in the flow ("Step 1 of 3"). */
    progress?: string;
  },
): AdaptiveCard {
  const mode =
    input.query === ''
      ? 'ask'
      : input.customers.length === 0
        ? 'none'
        : input.suggested
          ? 'suggest'
          : input.customers.length === 1
            ? 'one'
            : 'several';
  return renderCard(
    'customerPicker',
    {
      token: input.token,
      title: input.title,
      query: input.query,
      mode,
      progress: input.progress ?? null,
      notice: input.notice ?? null,
      choices: input.customers.map((c) => ({ title: customerLabel(c), value: c.id })),
    },
    locale,
  );
}

export function catalogPickerCard(
  locale: Locale,
  input: {
    token: string;
    level: CatalogLevel;
    draft: PurchaseDraft;
    choices: Array<{ title: string; value: string }>;
    /** Where the person is in the flow ("Step 2 of 3"). */
    progress?: string;
  },
): AdaptiveCard {
  return renderCard(
    'catalogPicker',
    {
      token: input.token,
      heading: t(locale, `purchase.catalog.${input.level}`),
      progress: input.progress ?? null,
      notice: input.draft.notice ?? null,
      facts: draftFacts(input.draft, locale),
      choices: input.choices,
      selected: input.choices.length === 1 ? input.choices[0].value : null,
    },
    locale,
  );
}

export interface NoticeButton {
  title: string;
  action: string;
  style: 'positive' | 'destructive' | 'default';
}

export function noticeCard(
  locale: Locale,
  input: {
    title?: string;
    tone?: 'info' | 'warning' | 'error';
    paragraphs: string[];
    draft?: PurchaseDraft;
    token?: string;
    buttons?: NoticeButton[];
  },
): AdaptiveCard {
  return renderCard(
    'purchaseNotice',
    {
      token: input.token ?? '',
      title: input.title ?? null,
      tone: input.tone ?? 'info',
      facts: input.draft ? draftFacts(input.draft, locale) : [],
      paragraphs: input.paragraphs,
      buttons: input.buttons ?? [],
    },
    locale,
  );
}

export function mcaAttestationCard(
  locale: Locale,
  input: {
    token: string;
    customerName: string;
    today: string;
    notice?: string;
    values?: Record<string, string>;
  },
): AdaptiveCard {
  const v = input.values ?? {};
  return renderCard(
    'mcaAttestation',
    {
      token: input.token,
      customerName: input.customerName,
      today: input.today,
      notice: input.notice ?? null,
      firstName: v.firstName ?? '',
      lastName: v.lastName ?? '',
      email: v.email ?? '',
      phoneNumber: v.phoneNumber ?? '',
      dateAgreed: v.dateAgreed || input.today,
    },
    locale,
  );
}

export function confirmCard(
  locale: Locale,
  input: {
    token: string;
    draft: PurchaseDraft;
    progress?: string;
    /** Said before going on (a request for this is already open), in the warning colour. */
    warning?: string;
  },
): AdaptiveCard {
  const { draft } = input;
  const sku = draft.sku;
  const availability = draft.availability;
  if (!draft.customer || !draft.product || !sku || !availability) {
    throw new Error('confirmCard needs a customer, a product, a SKU and an availability');
  }
  const cycles = sku.billingCycles.length > 0 ? sku.billingCycles : ['one_time'];
  const facts: Fact[] = [
    ...draftFacts(draft, locale),
    { title: t(locale, 'purchase.facts.currency'), value: currencyOf(draft) || '—' },
    { title: t(locale, 'purchase.facts.catalogItemId'), value: availability.catalogItemId },
  ];
  if (cycles.length === 1)
    facts.push({
      title: t(locale, 'purchase.facts.billingCycle'),
      value: billingCycleLabel(locale, cycles[0]),
    });
  if (sku.maximumQuantity <= sku.minimumQuantity) {
    facts.push({ title: t(locale, 'purchase.facts.quantity'), value: String(sku.minimumQuantity) });
  }
  return renderCard(
    'purchaseConfirm',
    {
      token: input.token,
      progress: input.progress ?? null,
      warning: input.warning ?? null,
      notice: draft.notice ?? null,
      facts,
      billingCycles: cycles.map((c) => ({ title: billingCycleLabel(locale, c), value: c })),
      billingCycle: cycles[0],
      minimum: sku.minimumQuantity,
      maximum: Math.max(sku.minimumQuantity, sku.maximumQuantity),
    },
    locale,
  );
}

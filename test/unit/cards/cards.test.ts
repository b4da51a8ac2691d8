import { MAX_CARD_BYTES, renderCard } from '../../../src/cards/render';
import { cardNames, type CardName } from '../../../src/cards/templates';
import { LOCALES } from '../../../src/i18n';
import { adaptiveCardProblems } from '../../support/cardValidation';

/** Representative data for every template; a new template without an entry here fails the suite. */
const samples: Record<CardName, Record<string, unknown>> = {
  help: {
    commands: [{ usage: 'help', description: 'Show what I can do' }],
    buttons: [{ command: 'whoami', title: 'Who am I?' }],
    notice: 'I don\'t know "x".',
  },
  whoami: {
    name: 'Megan Bowen',
    aadObjectId: 'abc',
    tenantId: 'tid',
    roles: 'Reader',
    localeName: 'English',
  },
  notice: { title: 'Heads up', text: 'Something happened', tone: 'error', correlationId: '1234' },
  flow: {
    flow: 'Suspend an Azure plan',
    title: 'Preflight checks for Azure plan',
    tone: 'warning',
    notice: null,
    facts: [{ title: 'Customer', value: 'Fabrikam Inc' }],
    sections: [
      {
        title: 'Checks',
        subtitle: null,
        facts: [],
        lines: ['⛔ Active Azure subscriptions under the plan: 2 found', '✅ Active reservations: none'],
      },
    ],
    paragraphs: ['Something still uses this plan.'],
    choice: {
      id: 'plan',
      label: 'Azure plan',
      required: 'Required.',
      selected: null,
      options: [{ title: 'Azure plan · active', value: 'p1' }],
    },
    buttons: [
      {
        title: 'Run the checks again',
        style: 'default',
        inputs: 'auto',
        verb: 'dialog.submit',
        data: { token: 't', action: 'recheck' },
      },
      {
        title: 'Cancel',
        style: 'default',
        inputs: 'none',
        verb: 'dialog.submit',
        data: { token: 't', action: 'cancel' },
      },
    ],
  },
  spend: {
    flow: 'Azure spend',
    title: 'Azure spend of Alpine Ski House',
    tone: 'warning',
    subtitle: 'Billing period Nov 1, 2026 – Nov 30, 2026',
    facts: [{ title: 'Spent so far', value: '€850.00' }],
    gauge: {
      title: 'Budget used',
      label: '€850.00 of €1,000.00',
      value: 85,
      max: 100,
      fallback: '85% of the budget used (€850.00 of €1,000.00).',
      segments: [
        { legend: 'Within budget', size: 80, color: 'good' },
        { legend: 'Close to the budget', size: 20, color: 'warning' },
      ],
    },
    sections: [{ title: 'Top meters', lines: ['D2s v5 — €412.00'] }],
    bars: {
      title: 'Spend per day',
      xTitle: 'Day',
      yTitle: 'Spent',
      data: [
        { x: 'Nov 1', y: 20.5 },
        { x: 'Nov 2', y: 31 },
      ],
      fallback: 'Spend per day: Nov 1 €20.50 · Nov 2 €31.00',
    },
    paragraphs: ['At this pace the budget is reached around Nov 24, 2026.'],
    note: 'Acknowledged by Adele Vance on Nov 20, 2026, 9:00 AM UTC.',
    buttons: [{ title: 'Acknowledge', verb: 'alert.ack', data: { alertId: 'a1' }, style: 'positive' }],
  },
  customerPicker: {
    token: 'f1c2',
    title: 'Buy an Azure plan',
    mode: 'several',
    query: 'contoso',
    notice: null,
    choices: [
      { title: 'Contoso France (contosofrance.onmicrosoft.com)', value: 'c1' },
      { title: 'Contoso Pharmaceuticals (contosopharmaceuticals.onmicrosoft.com)', value: 'c2' },
    ],
  },
  catalogPicker: {
    token: 'f1c2',
    heading: 'Choose the product',
    notice: null,
    selected: null,
    facts: [{ title: 'Customer', value: 'Contoso France' }],
    choices: [{ title: 'Microsoft Azure plan', value: 'DZH318Z0BPS6' }],
  },
  purchaseNotice: {
    token: 'f1c2',
    title: 'Wingtip Toys already has an Azure plan',
    tone: 'warning',
    facts: [{ title: 'Customer', value: 'Wingtip Toys' }],
    paragraphs: ['First paragraph.', 'Second paragraph.'],
    buttons: [
      { title: 'Continue anyway', action: 'continue', style: 'positive' },
      { title: 'Cancel', action: 'cancel', style: 'default' },
    ],
  },
  mcaAttestation: {
    token: 'f1c2',
    customerName: 'Woodgrove Bank',
    notice: null,
    today: '2025-01-31',
    firstName: '',
    lastName: '',
    email: '',
    phoneNumber: '',
    dateAgreed: '2025-01-31',
  },
  purchaseConfirm: {
    token: 'f1c2',
    notice: null,
    facts: [{ title: 'CatalogItemId', value: 'DZH318Z0BPS6:0001:DZH318Z0BML6' }],
    billingCycles: [
      { title: 'one_time', value: 'one_time' },
      { title: 'monthly', value: 'monthly' },
    ],
    billingCycle: 'one_time',
    minimum: 1,
    maximum: 5,
  },
  request: {
    requestId: 'r1',
    version: 3,
    heading: 'Azure plan purchase for Contoso France',
    state: 'requested',
    stateLabel: 'Waiting for approval',
    tone: 'info',
    notice: null,
    view: 'approver',
    origin: 'card',
    refresh: true,
    userIds: ['29:requester-megan', '29:approver-adele'],
    facts: [{ title: 'Requested by', value: 'Megan Bowen' }],
  },
  order: {
    orderId: 'o1',
    pendingListing: true,
    provisioningNote: null,
    facts: [{ title: 'Status', value: 'completed' }],
    lines: [{ text: '#0 Microsoft Azure plan × 1', facts: [{ title: 'Subscription', value: 's1' }] }],
  },
  orders: {
    customerName: 'Contoso France',
    orders: [{ heading: 'Order o1', pendingListing: true, facts: [{ title: 'Status', value: 'pending' }] }],
  },
  requests: {
    notice: null,
    truncated: false,
    count: 1,
    requests: [
      {
        heading: 'Contoso France: Microsoft Azure plan',
        facts: [{ title: 'State', value: 'Waiting for approval' }],
        buttons: [
          { title: 'Approve', verb: 'request.approve', style: 'positive', requestId: 'r1', version: 3 },
        ],
      },
    ],
  },
  invoiceList: {
    invoices: [
      {
        id: 'G000100001',
        type: 'New commerce',
        date: 'Nov 9, 2026',
        total: '$9,426.00',
        paid: 'Not paid',
        settled: false,
      },
    ],
    shown: 'The 12 most recent of 30 invoices.',
  },
  reconciliation: {
    title: 'Reconciliation of invoice G000100001',
    subtitle: 'Customer: Fabrikam Inc',
    facts: [{ title: 'Invoice total', value: '$9,426.00' }],
    progress: {
      title: 'Working on it',
      text: 'Reading the exported line items: 2,000 so far (file 2 of 3).',
    },
    check: { style: 'good', text: '✅ The line items add up to the invoice total, $9,426.00.' },
    failure: { title: 'The reconciliation could not be done', lines: ['No data available (5000)'] },
    heading: 'Per customer and product',
    // The most a card shows: 12 customers of 6 products each, with long names.
    sections: Array.from({ length: 12 }, (_, c) => ({
      title: `Customer number ${c} with a rather long company name Ltd: $123,456.78`,
      facts: Array.from({ length: 6 }, (_, p) => ({
        title: `Reserved VM Instance, Standard_DS1_v2, US West 2, 1 Year (${p})`,
        value: '× 1,234 · $123,456.78',
      })),
      note: 'and 3 more products',
    })),
    notes: ['12 more customers are in the CSV download.'],
    correlationId: '1234',
    download: {
      title: 'Download the line items (CSV)',
      url: 'https://bot.example/downloads/x?expires=1&signature=s',
    },
    buttons: [{ title: 'New download link', verb: 'invoices.newLink', data: { downloadId: 'abc' } }],
  },
  roles: {
    notice: 'Isaiah Langer now has the Approver role, from their next message on.',
    tone: 'good',
    roles: [
      {
        title: 'Approver',
        members: [
          { label: '6f3a1c2e-8b4d-4e5f-9a7b-0c1d2e3f4a52', source: 'Configuration (ROLE_APPROVERS)' },
          {
            label: 'Isaiah Langer (6f3a1c2e-8b4d-4e5f-9a7b-0c1d2e3f4a53)',
            source: 'Granted in Teams by Adele Vance, Nov 24, 2026',
            revoke: { role: 'approver', userId: '6f3a1c2e-8b4d-4e5f-9a7b-0c1d2e3f4a53' },
          },
        ],
      },
      { title: 'Viewer', members: [] },
    ],
    grantForm: {
      role: 'approver',
      roles: [{ title: 'Approver', value: 'approver' }],
      people: [
        {
          title: 'Adele Vance (6f3a1c2e-8b4d-4e5f-9a7b-0c1d2e3f4a52)',
          value: '6f3a1c2e-8b4d-4e5f-9a7b-0c1d2e3f4a52',
        },
      ],
    },
  },
  auditTrail: {
    scope: 'All customers · the last 30 days · newest first',
    notice: 'The CSV of 12 entries is ready: the link works for 15 minutes.',
    // A full page: ten entries with every fact, long ids.
    rows: Array.from({ length: 10 }, (_, i) => ({
      heading: `Nov 24, 2026, 9:0${i} AM · request.approve.refused`,
      facts: [
        { title: 'Who', value: 'Adele Vance (6f3a1c2e-8b4d-4e5f-9a7b-0c1d2e3f4a52)' },
        { title: 'Outcome', value: 'stale-card' },
        { title: 'Customer', value: 'Contoso Pharmaceuticals (7b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e)' },
        { title: 'Kind', value: 'purchase' },
        { title: 'Request', value: '0f1e2d3c-4b5a-4968-8776-655443322110' },
        {
          title: 'Partner Center request ids',
          value: Array(5).fill('1d2c3b4a-5e6f-4a7b-8c9d-0e1f2a3b4c5d').join(' '),
        },
        { title: 'Correlation id', value: '9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d' },
      ],
    })),
    pageLabel: 'Page 2 · 10 entries per page · kept 365 days',
    previous: { viewId: 'v', page: 0 },
    next: { viewId: 'v', page: 2 },
    export: { viewId: 'v' },
    download: 'https://bot.example/downloads/x?expires=1&signature=s',
  },
};

describe('card templates', () => {
  it('renders a template again with other data and language afresh (a prepared template keeps nothing between renders)', () => {
    const first = JSON.stringify(
      renderCard('notice', { text: 'first text', tone: 'error', correlationId: 'corr-first' }, 'en'),
    );
    const second = JSON.stringify(renderCard('notice', { text: 'second text' }, 'fr'));
    expect(first).toContain('corr-first');
    expect(second).not.toContain('corr-first');
    expect(first).toContain('first text');
    expect(first).toContain('Attention');
    expect(second).toContain('second text');
    expect(second).not.toContain('first text');
    expect(second).not.toContain('Attention');
    expect(
      JSON.stringify(
        renderCard('notice', { text: 'first text', tone: 'error', correlationId: 'corr-first' }, 'en'),
      ),
    ).toBe(first);
  });

  it.each(cardNames.flatMap((name) => LOCALES.map((locale) => [name, locale] as const)))(
    '%s (%s) expands fully and passes the Adaptive Cards SDK validation',
    (name, locale) => {
      const card = renderCard(name, samples[name], locale);
      const json = JSON.stringify(card);
      expect(json).not.toContain('${');
      expect(card.version).toBe('1.5');
      expect(adaptiveCardProblems(card)).toEqual([]);
      expect(Buffer.byteLength(json)).toBeLessThan(MAX_CARD_BYTES);
    },
  );

  it('puts localized strings in the card', () => {
    expect(JSON.stringify(renderCard('notice', samples.notice, 'fr'))).toContain('Référence : 1234');
    expect(JSON.stringify(renderCard('notice', samples.notice, 'en'))).toContain('Reference: 1234');
  });

  it('refuses a card over the Teams size limit', () => {
    const huge = { ...samples.notice, text: 'x'.repeat(MAX_CARD_BYTES) };
    expect(() => renderCard('notice', huge, 'en')).toThrow(/over the .* limit/);
  });

  it('gives every chart a text fallback for clients without charts', () => {
    const card = renderCard('spend', samples.spend, 'en');
    const json = JSON.stringify(card);
    expect(json).toContain('"type":"Chart.Gauge"');
    expect(json).toContain('"type":"Chart.VerticalBar"');
    expect(json).toContain('85% of the budget used (€850.00 of €1,000.00).');
    const withoutFallback = {
      type: 'AdaptiveCard',
      version: '1.5',
      body: [{ type: 'Chart.Gauge', value: 10 }],
    };
    expect(adaptiveCardProblems(withoutFallback)).toEqual([
      'Chart.Gauge without a fallback for clients without charts',
    ]);
  });

  it('leaves the gauge and the trend out when there is nothing to chart', () => {
    const card = renderCard('spend', { ...samples.spend, gauge: null, bars: null }, 'fr');
    expect(JSON.stringify(card)).not.toContain('Chart.');
    expect(adaptiveCardProblems(card)).toEqual([]);
  });

  it('catches an invalid card (the validator is not a rubber stamp)', () => {
    const broken = { type: 'AdaptiveCard', version: '1.5', body: [{ type: 'Input.ChoiceSet' }] };
    expect(adaptiveCardProblems(broken).length).toBeGreaterThan(0);
  });
});

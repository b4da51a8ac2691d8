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
};

describe('card templates', () => {
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

  it('catches an invalid card (the validator is not a rubber stamp)', () => {
    const broken = { type: 'AdaptiveCard', version: '1.5', body: [{ type: 'Input.ChoiceSet' }] };
    expect(adaptiveCardProblems(broken).length).toBeGreaterThan(0);
  });
});

import { ActivityTypes, CardFactory, type Activity, type TurnContext } from 'botbuilder';
import { DialogTurnStatus } from 'botbuilder-dialogs';
import { DialogTestClient } from 'botbuilder-testing';
import { renderCard } from '../../../src/cards/render';
import { CardDialogHost } from '../../../src/dialogs/cardDialogHost';
import { cardTurnOf, type DialogTurn } from '../../../src/dialogs/cardTurn';
import { PurchaseDialog } from '../../../src/dialogs/purchaseDialog';
import { localeFrom, t } from '../../../src/i18n';
import { silentLogger } from '../../../src/logging';
import type { PartnerCenterClient } from '../../../src/partnercenter';
import type { SqlStore } from '../../../src/store';
import { PURCHASE_KIND, purchaseKind, type RequestService, type Role } from '../../../src/workflows';
import { SimulatorHarness } from '../partnercenter/simulatorHarness';
import { closeEngines, engineInstance } from '../workflows/engineHarness';
import { MEGAN, ROLES } from '../workflows/workflowHarness';

/**
 * The purchase dialog and its parts (the shared customer picker, the MCA attestation), turn by turn
 * with botbuilder-testing's DialogTestClient, against the simulator: each turn is a card submission
 * (an Action.Submit value) and the card the dialog presents in answer.
 */

const roles = ROLES;

let harness: SimulatorHarness;
let pc: PartnerCenterClient;
let store: SqlStore;
let requests: RequestService;
let host: CardDialogHost;

beforeAll(async () => {
  harness = await SimulatorHarness.start({ orderCompletionDelayMs: 1_000 });
  pc = harness.client();
});

afterAll(async () => {
  await pc?.close();
  await harness?.close();
});

beforeEach(async () => {
  await harness.reseed();
  const engine = await engineInstance({
    kinds: (s) => [purchaseKind({ pc, store: s })],
    policy: {},
  });
  store = engine.store;
  requests = engine.service;
  host = new CardDialogHost({
    storage: store.botState,
    idempotency: store.idempotency,
    kv: store.kv,
    localeOf: () => 'en',
    cancelledCard: (context, flow) =>
      renderCard(
        'notice',
        { text: t(localeFrom(context.activity.locale), 'dialogs.cancelled', { flow }) },
        'en',
      ),
  });
});

afterEach(closeEngines);

/** Megan's roles, resolved once as the bot does at the start of a turn. */
let meganRoles: Role[] = [];
beforeAll(async () => {
  meganRoles = await roles.rolesOf(MEGAN);
});

function turnOf(context: TurnContext): DialogTurn {
  return {
    correlationId: 'dialog-test',
    logger: silentLogger(),
    locale: localeFrom(context.activity.locale),
    caller: MEGAN,
    roles: meganRoles,
  };
}

/** A client running the purchase dialog; the card each turn presents comes back as the reply. */
function client(query: string): DialogTestClient {
  const dialog = new PurchaseDialog({
    pc,
    store,
    roles,
    requests,
    prompts: host,
    turn: turnOf,
    today: () => '2026-12-01',
    publishRequest: async (_context, request) =>
      renderCard('notice', { text: `request ${request.id} (${request.state})` }, 'en'),
  });
  return new DialogTestClient('msteams', dialog, { query }, [
    {
      async onTurn(context, next) {
        await next();
        const card = cardTurnOf(context).card;
        if (card) await context.sendActivity({ attachments: [CardFactory.adaptiveCard(card)] });
      },
    },
  ]);
}

interface ShownCard {
  text: string;
  token: string;
  choices(id: string): string[];
}

function shown(reply: Partial<Activity> | undefined): ShownCard {
  const card = reply?.attachments?.[0]?.content as Record<string, unknown> | undefined;
  if (!card) throw new Error(`expected a card, got ${JSON.stringify(reply)}`);
  const text = JSON.stringify(card);
  const token = /"token":"([^"]+)"/.exec(text)?.[1] ?? '';
  return {
    text,
    token,
    choices: (id) => {
      const input = JSON.stringify(card).match(new RegExp(`"id":"${id}"[^\\]]*"choices":\\[([^\\]]*)\\]`));
      return input ? [...input[1].matchAll(/"value":"([^"]+)"/g)].map((m) => m[1]) : [];
    },
  };
}

/** The user clicks an action of the card: an Action.Submit carrying the card's data and inputs. */
async function submit(
  c: DialogTestClient,
  card: ShownCard,
  action: string,
  inputs: Record<string, string> = {},
) {
  return c.sendActivity({
    type: ActivityTypes.Message,
    value: { token: card.token, action, ...inputs },
  } as Partial<Activity>);
}

const COMMERCIAL = 'DZH318Z0BML6';

describe('the purchase dialog, turn by turn', () => {
  it('goes from a customer that one name matches to a purchase request in three turns', async () => {
    const c = client('Contoso France');
    // The Azure plan is the only product on sale (the legacy offer is left out, and said so).
    const availabilities = shown(await c.sendActivity('buy Contoso France'));
    expect(availabilities.text).toContain('Choose the availability');
    expect(availabilities.text).toContain('Microsoft Azure plan (the only choice)');
    expect(availabilities.text).toContain('Microsoft Azure (MS-AZR-0145P) is not offered');
    const confirm = shown(await submit(c, availabilities, 'select', { choice: COMMERCIAL }));
    expect(confirm.text).toContain('Confirm the purchase');
    const published = shown(await submit(c, confirm, 'submit'));
    expect(published.text).toMatch(/request [0-9a-f-]{36} \(requested\)/);
    expect(c.dialogContext.stack).toEqual([]);
    const [request] = await store.requests.list({ kind: PURCHASE_KIND });
    expect(request.payload).toMatchObject({
      item: { customerName: 'Contoso France', catalogItemId: expect.stringContaining(COMMERCIAL) },
    });
  });

  it.each([
    ['the customer picker', 'contoso', 0],
    ['the availability picker', 'Contoso France', 0],
    ['the confirmation', 'Contoso France', 1],
  ])('cancels at %s: one place ends the flow, nothing is created', async (_step, query, clicks) => {
    const c = client(query);
    let card = shown(await c.sendActivity(`buy ${query}`));
    const withoutToken = (shownCard: ShownCard) => shownCard.text.split(shownCard.token).join('');
    const firstStep = withoutToken(card);
    const answers = [{ choice: COMMERCIAL }];
    for (let i = 0; i < clicks; i++) card = shown(await submit(c, card, 'select', answers[i]));
    const cancelled = shown(await submit(c, card, 'cancel'));
    expect(cancelled.text).toContain('Buy an Azure plan: cancelled. Nothing was changed.');
    // Every dialog of the flow has ended: the customer picker or MCA card inside it too.
    expect(c.dialogContext.stack).toEqual([]);
    // A new turn starts the flow over: its first step again, not the step it was cancelled at.
    expect(withoutToken(shown(await c.sendActivity('anything')))).toBe(firstStep);
    expect(await store.requests.list()).toEqual([]);
  });

  it('says which step of how many each card is, and goes Back: to the availability from the confirmation, to the customer from the availability', async () => {
    // "contoso" names two customers: a Back that started the flow over from the command would
    // show that choice again instead of the step before.
    const c = client('contoso');
    const picker = shown(await c.sendActivity('buy contoso'));
    expect(picker.text).toContain('Step 1 of 3');
    const france = required(/"title":"Contoso France[^"]*","value":"([^"]+)"/.exec(picker.text))[1];
    const availabilities = shown(await submit(c, picker, 'select', { customerId: france }));
    expect(availabilities.text).toContain('Step 2 of 3');
    const confirm = shown(await submit(c, availabilities, 'select', { choice: COMMERCIAL }));
    expect(confirm.text).toContain('Step 3 of 3');
    expect(confirm.text).toContain('"title":"Back"');

    // Back from the confirmation: the availability picker again, for the same customer.
    const again = shown(await submit(c, confirm, 'back'));
    expect(again.text).toContain('Choose the availability');
    expect(again.text).toContain('Contoso France');
    expect(again.text).toContain('Step 2 of 3');
    // The old confirmation is spent: its Submit changes nothing.
    expect(await submit(c, confirm, 'submit')).toBeUndefined();

    // Back from the availability: the customer, kept, with a search to pick another.
    const customer = shown(await submit(c, again, 'back'));
    expect(customer.text).toContain('Step 1 of 3');
    expect(customer.text).toContain('Keep this customer, or search for another.');
    expect(customer.choices('customerId')).toEqual([france]);
    const other = shown(await submit(c, customer, 'search', { search: 'Contoso Pharmaceuticals' }));
    expect(other.text).toContain('Contoso Pharmaceuticals');
    expect(other.text).toContain('Choose the availability');

    const confirmOther = shown(await submit(c, other, 'select', { choice: COMMERCIAL }));
    shown(await submit(c, confirmOther, 'submit'));
    const created = await store.requests.list({ kind: PURCHASE_KIND });
    expect(created.map((r) => r.customerName)).toEqual(['Contoso Pharmaceuticals']);
  });

  it('offers a picker when several customers match, searches again, and goes on with the one picked', async () => {
    const c = client('contoso');
    const picker = shown(await c.sendActivity('buy contoso'));
    expect(picker.text).toContain('Several customers match');
    expect(picker.choices('customerId')).toHaveLength(2);
    const again = shown(await submit(c, picker, 'search', { search: 'Contoso Pharma' }));
    const availabilities = again.text.includes('Choose the availability')
      ? again
      : shown(await submit(c, again, 'select', { customerId: again.choices('customerId')[0] }));
    expect(availabilities.text).toContain('Contoso Pharmaceuticals');
    expect(availabilities.text).toContain('Choose the availability');
  });

  it('refuses a forged token and a choice it did not offer, and stays where it was', async () => {
    const c = client('Contoso France');
    const availabilities = shown(await c.sendActivity('buy Contoso France'));
    expect(
      await submit(c, { ...availabilities, token: 'forged' }, 'select', { choice: COMMERCIAL }),
    ).toBeUndefined();
    expect(await submit(c, availabilities, 'select', { choice: 'NOT-OFFERED' })).toBeUndefined();
    expect(c.dialogTurnResult.status).toBe(DialogTurnStatus.waiting);
    const next = shown(await submit(c, availabilities, 'select', { choice: COMMERCIAL }));
    expect(next.text).toContain('Confirm the purchase');
  });

  it('ends with a notice for a customer with a legacy MS-AZR-0145P subscription', async () => {
    const c = client('Wingtip Toys');
    const notice = shown(await c.sendActivity('buy Wingtip Toys'));
    expect(notice.text).toContain('MS-AZR-0145P');
    expect(c.dialogContext.stack).toEqual([]);
  });

  it('asks before going on for a customer that already has an Azure plan', async () => {
    const c = client('Fabrikam Inc');
    const ask = shown(await c.sendActivity('buy Fabrikam Inc'));
    expect(ask.text).toContain('already has an Azure plan');
    const availabilities = shown(await submit(c, ask, 'continue'));
    expect(availabilities.text).toContain('Choose the availability');
  });

  it('records the MCA attestation on a card, refuses a bad e-mail, then goes on to the catalog', async () => {
    const c = client('Woodgrove Bank');
    const attest = shown(await c.sendActivity('buy Woodgrove Bank'));
    expect(attest.text).toContain('has not accepted the Microsoft Customer Agreement');
    const values = { firstName: 'Amelia', lastName: 'Clarke', phoneNumber: '', dateAgreed: '2025-01-15' };
    // A bad e-mail: the card again, the problem under the field, what was typed kept.
    const again = await submit(c, attest, 'attest', { ...values, email: 'not-an-email' });
    expect(JSON.stringify(again)).toContain('Enter an e-mail address, like name@contoso.com.');
    expect(JSON.stringify(again)).toContain('"value":"not-an-email"');
    const products = shown(
      await submit(c, attest, 'attest', { ...values, email: 'amelia@woodgrovebank.onmicrosoft.com' }),
    );
    expect(products.text).toContain('Attestation recorded for Woodgrove Bank.');
    expect(products.choices('choice')).toContain(COMMERCIAL);
  });

  it('speaks French to a French client', async () => {
    const c = client('contoso');
    const picker = shown(
      await c.sendActivity({ type: ActivityTypes.Message, text: 'acheter contoso', locale: 'fr-FR' }),
    );
    expect(picker.text).toContain('Plusieurs clients correspondent à « contoso »');
    expect(picker.text).toContain('Étape 1 sur 3');
  });
});

function required<T>(value: T | null | undefined): T {
  if (value === null || value === undefined) throw new Error('expected a value');
  return value;
}

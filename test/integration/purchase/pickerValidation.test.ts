import { REQUESTER } from '../../support/teamsActivities';
import { startPurchaseHarness, type PurchaseHarness } from './harness';
import { TeamsThread, actionOf, choicesOf, inputOf, textOf, type Card } from './teamsDriver';

/**
 * Every picker of the purchase flow given what people get wrong: nothing chosen, a number out of
 * range, a malformed e-mail, phone or date. Each answer is the same card with the problem said
 * under the field (and what was typed kept), localized; nothing moves on until it is right.
 */
describe('pickers answer bad input with the problem under the field', () => {
  let harness: PurchaseHarness;

  beforeAll(async () => {
    harness = await startPurchaseHarness();
  });

  beforeEach(async () => {
    await harness.simulator.reseed();
  });

  afterAll(async () => {
    await harness.close();
  });

  /** The TextBlock right after the input `id`: where its problem is said. */
  function problemUnder(card: Card | undefined, id: string): string | undefined {
    const walk = (elements: unknown[]): string | undefined => {
      for (let i = 0; i < elements.length; i++) {
        const element = elements[i] as Record<string, unknown>;
        if (element.id === id) {
          const next = elements[i + 1] as Record<string, unknown> | undefined;
          return next?.type === 'TextBlock' && next.color === 'Attention' ? String(next.text) : undefined;
        }
        for (const key of ['items', 'columns', 'body']) {
          if (Array.isArray(element[key])) {
            const found = walk(element[key] as unknown[]);
            if (found !== undefined) return found;
          }
        }
      }
      return undefined;
    };
    return walk(card?.body ?? []);
  }

  it('customer and availability pickers: nothing chosen → "Required" under the field; then it goes on', async () => {
    const t = new TeamsThread(harness);
    const [first] = await t.say(REQUESTER, 'buy contoso');
    const picker = first.card as Card;
    const empty = await t.click(REQUESTER, first.id, actionOf(picker, { action: 'select' }), {
      customerId: '',
    });
    expect(problemUnder(empty.card, 'customerId')).toBe('Required: fill this in.');

    const france = (await harness.simulator.customer('Contoso France')).id;
    const next = await t.click(REQUESTER, first.id, actionOf(empty.card as Card, { action: 'select' }), {
      customerId: france,
    });
    const availabilityPicker = next.card as Card;
    expect(textOf(availabilityPicker)).toContain('Contoso France');
    // The legacy offer is not a choice (it cannot be bought): the Azure plan is taken, and the card says why.
    expect(textOf(availabilityPicker)).toContain('Microsoft Azure plan (the only choice)');
    expect(textOf(availabilityPicker)).toContain('Microsoft Azure (MS-AZR-0145P) is not offered');
    const noAvailability = await t.click(
      REQUESTER,
      first.id,
      actionOf(availabilityPicker, { action: 'select' }),
      { choice: '' },
    );
    expect(problemUnder(noAvailability.card, 'choice')).toBe('Required: fill this in.');
    // Still this step: the same picker goes on when something is chosen.
    const confirm = await t.click(
      REQUESTER,
      first.id,
      actionOf(noAvailability.card as Card, { action: 'select' }),
      { choice: choicesOf(availabilityPicker, 'choice')[0] },
    );
    expect(textOf(confirm.card)).toContain('Confirm the purchase');
  });

  it('says it in French to a French client', async () => {
    const t = new TeamsThread(harness, { locale: 'fr-FR' });
    const [first] = await t.say(REQUESTER, 'acheter contoso');
    const empty = await t.click(REQUESTER, first.id, actionOf(first.card as Card, { action: 'select' }), {
      customerId: '',
    });
    expect(problemUnder(empty.card, 'customerId')).toBe('Obligatoire : renseignez ce champ.');
  });

  it('the MCA attestation: e-mail, phone and date checked, each said under its field', async () => {
    const t = new TeamsThread(harness);
    const [first] = await t.say(REQUESTER, 'buy Woodgrove Bank');
    const card = first.card as Card;
    expect(textOf(card)).toContain('has not accepted the Microsoft Customer Agreement');
    const answer = await t.click(REQUESTER, first.id, actionOf(card, { action: 'attest' }), {
      firstName: 'Amelia',
      lastName: '',
      email: 'amelia at woodgrove',
      phoneNumber: 'call me',
      dateAgreed: '15/01/2025',
    });
    expect(problemUnder(answer.card, 'lastName')).toBe('Required: fill this in.');
    expect(problemUnder(answer.card, 'email')).toBe('Enter an e-mail address, like name@contoso.com.');
    expect(problemUnder(answer.card, 'phoneNumber')).toBe(
      'Enter a phone number: digits, spaces, + ( ) . - only.',
    );
    expect(problemUnder(answer.card, 'dateAgreed')).toBe('Enter a date as YYYY-MM-DD.');
    expect(problemUnder(answer.card, 'firstName')).toBeUndefined();
    expect(inputOf(answer.card as Card, 'firstName').value).toBe('Amelia');
    // Nothing was recorded.
    expect(
      (await harness.simulator.requests()).filter(
        (r) => r.method === 'POST' && r.path.endsWith('/agreements'),
      ),
    ).toHaveLength(0);
  });
});

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

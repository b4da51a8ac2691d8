import { parseAlertsCommand, parseBudgetCommand } from '../../../src/bot/features/spend';

describe('budget command words', () => {
  it.each([
    ['Contoso Ltd', { query: 'Contoso Ltd', change: 'show' }],
    ['Contoso Ltd set 5 000,50', { query: 'Contoso Ltd', change: 'set', amountText: '5 000,50' }],
    ['Contoso fixer 300 €', { query: 'Contoso', change: 'set', amountText: '300 €' }],
    ['Contoso set', { query: 'Contoso', change: 'set' }],
    ['Contoso clear', { query: 'Contoso', change: 'clear' }],
    ['Contoso supprimer', { query: 'Contoso', change: 'clear' }],
    // A customer named like a word is still a customer when nothing follows it.
    ['set', { query: 'set', change: 'show' }],
    // …and when the word is part of the name.
    ['Blue Clear Ltd', { query: 'Blue Clear Ltd', change: 'show' }],
    ['Blue Clear Ltd clear', { query: 'Blue Clear Ltd', change: 'clear' }],
    ['Set Point Ltd set 500', { query: 'Set Point Ltd', change: 'set', amountText: '500' }],
    ['Contoso Set Ltd', { query: 'Contoso Set Ltd', change: 'show' }],
  ])('%p', (text, expected) => {
    expect(parseBudgetCommand(text)).toEqual(expected);
  });
});

describe('alerts command words', () => {
  it.each([
    ['', { action: 'list' }],
    ['list', { action: 'list' }],
    ['liste', { action: 'list' }],
    ['on', { action: 'on', target: '*', thresholds: [50, 80, 100] }],
    ['on all 75 90%', { action: 'on', target: '*', thresholds: [75, 90] }],
    ['activer tous', { action: 'on', target: '*', thresholds: [50, 80, 100] }],
    ['on Contoso Ltd 60', { action: 'on', target: 'Contoso Ltd', thresholds: [60], trailing: ['60'] }],
    [
      'on Contoso 365 80%',
      { action: 'on', target: 'Contoso', thresholds: [365, 80], trailing: ['365', '80%'] },
    ],
    ['off Contoso 365', { action: 'off', target: 'Contoso', trailing: ['365'] }],
    ['off Contoso Ltd', { action: 'off', target: 'Contoso Ltd' }],
    ['désactiver', { action: 'off', target: '*' }],
    ['on all 0', { action: 'invalid', reason: 'thresholds' }],
    ['on all 2000', { action: 'invalid', reason: 'thresholds' }],
    ['off all 50', { action: 'invalid', reason: 'usage' }],
    ['maybe', { action: 'invalid', reason: 'usage' }],
  ])('%p', (text, expected) => {
    expect(parseAlertsCommand(text)).toEqual(expected);
  });
});

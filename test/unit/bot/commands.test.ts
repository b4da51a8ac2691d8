import { appCommandParser, servedCommandWords } from '../../../src/app/features';
import { CommandParser, normalizeWord, PLANNED_COMMANDS } from '../../../src/bot/commands';

const parser = appCommandParser();

describe('command parsing', () => {
  it.each([
    ['help', 'help'],
    ['AIDE', 'help'],
    ['Whoami', 'whoami'],
    ['acheter Contoso', 'buy'],
    ['Réactiver Tailspin Toys', 'reactivate'],
    ['REACTIVER Tailspin Toys', 'reactivate'],
    ['consommation Coho', 'usage'],
    ['/help', 'help'],
  ])('"%s" is the %s command', (text, command) => {
    expect(parser.parse(text)).toMatchObject({ kind: 'command', command });
  });

  it('keeps the arguments with their original case and spacing', () => {
    expect(parser.parse('  buy   Contoso France ')).toEqual({
      kind: 'command',
      command: 'buy',
      args: ['Contoso', 'France'],
      argText: 'Contoso France',
    });
  });

  it('reports an empty message as empty', () => {
    expect(parser.parse('   ')).toEqual({ kind: 'empty' });
    expect(parser.parse(undefined)).toEqual({ kind: 'empty' });
  });

  it('suggests the nearest served command for a typo and nothing for gibberish', () => {
    expect(parser.parse('hepl')).toEqual({ kind: 'unknown', text: 'hepl', suggestion: 'help' });
    expect(parser.closest('whoamii')).toBe('whoami');
    expect(parser.closest('xyzzyplugh')).toBeUndefined();
  });

  it('removes accents and case', () => {
    expect(normalizeWord('RÉACTIVER')).toBe('reactiver');
  });

  it('has no word shared by two commands of the product', () => {
    const words = [...servedCommandWords(), ...PLANNED_COMMANDS].flatMap((c) => c.aliases.map(normalizeWord));
    expect(new Set(words).size).toBe(words.length);
  });

  it('refuses two commands that claim one word, whatever its case or accents', () => {
    expect(
      () =>
        new CommandParser([
          { id: 'reactivate', aliases: ['réactiver'] },
          { id: 'restart', aliases: ['REACTIVER'] },
        ]),
    ).toThrow(/"REACTIVER" names two commands: reactivate and restart/);
  });
});

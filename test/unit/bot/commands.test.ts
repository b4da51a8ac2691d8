import {
  COMMAND_IDS,
  COMMANDS,
  closestCommand,
  normalizeWord,
  parseCommand,
} from '../../../src/bot/commands';

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
    expect(parseCommand(text)).toMatchObject({ kind: 'command', command });
  });

  it('keeps the arguments with their original case and spacing', () => {
    expect(parseCommand('  buy   Contoso France ')).toEqual({
      kind: 'command',
      command: 'buy',
      args: ['Contoso', 'France'],
      argText: 'Contoso France',
    });
  });

  it('reports an empty message as empty', () => {
    expect(parseCommand('   ')).toEqual({ kind: 'empty' });
    expect(parseCommand(undefined)).toEqual({ kind: 'empty' });
  });

  it('suggests the nearest available command for a typo and nothing for gibberish', () => {
    expect(parseCommand('hepl')).toEqual({ kind: 'unknown', text: 'hepl', suggestion: 'help' });
    expect(closestCommand('whoamii')).toBe('whoami');
    expect(closestCommand('xyzzyplugh')).toBeUndefined();
  });

  it('removes accents and case', () => {
    expect(normalizeWord('RÉACTIVER')).toBe('reactiver');
  });

  it('has no alias shared by two commands', () => {
    const aliases = COMMAND_IDS.flatMap((id) => COMMANDS[id].aliases.map(normalizeWord));
    expect(new Set(aliases).size).toBe(aliases.length);
  });
});

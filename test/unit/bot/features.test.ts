import type { FeatureDefinition, FeatureHost } from '../../../src/bot/features/feature';
import { assembleFeatures } from '../../../src/bot/features/feature';
import type { VerbHandler } from '../../../src/bot/handlers/types';
import { CommandParser } from '../../../src/bot/commands';

/**
 * Features each claim their commands, words, verbs, dialogs, datasets and presenters once: a second
 * claim stops the start, naming both features, instead of one silently overriding the other.
 */

const host = {} as FeatureHost; // these definitions use nothing of the host
const verb: VerbHandler = async () => ({
  statusCode: 200,
  type: 'application/vnd.microsoft.activity.message',
  value: {},
});

function feature(
  name: string,
  parts: Partial<Omit<FeatureDefinition, 'name' | 'create'>> & { verbs?: string[] },
): FeatureDefinition {
  const commands = parts.commands ?? [];
  return {
    name,
    commands,
    create: () => ({
      commands: Object.fromEntries(commands.map((c) => [c.id, async () => undefined])),
      verbs: Object.fromEntries((parts.verbs ?? []).map((v) => [v, verb])),
    }),
  };
}

describe('assembling features', () => {
  it('merges what each feature brings', () => {
    const set = assembleFeatures(
      [
        feature('purchase', {
          commands: [{ id: 'buy', aliases: ['buy', 'acheter'] }],
          verbs: ['purchase.go'],
        }),
        feature('lifecycle', { commands: [{ id: 'suspend', aliases: ['suspend'] }], verbs: ['suspend.go'] }),
      ],
      host,
    );
    expect([...set.commands.keys()]).toEqual(['buy', 'suspend']);
    expect([...set.verbs.keys()]).toEqual(['purchase.go', 'suspend.go']);
  });

  it('stops the start when two features claim one verb', () => {
    expect(() =>
      assembleFeatures(
        [
          feature('purchase', { verbs: ['request.approve'] }),
          feature('lifecycle', { verbs: ['request.approve'] }),
        ],
        host,
      ),
    ).toThrow('verb "request.approve" is claimed by two features: purchase and lifecycle');
  });

  it('stops the start when two features claim one command', () => {
    expect(() =>
      assembleFeatures(
        [
          feature('purchase', { commands: [{ id: 'buy', aliases: ['buy'] }] }),
          feature('shop', { commands: [{ id: 'buy', aliases: ['purchase'] }] }),
        ],
        host,
      ),
    ).toThrow('command "buy" is claimed by two features: purchase and shop');
  });

  it('refuses a declared command without a handler, and a handler for a command nobody declared', () => {
    const missing: FeatureDefinition = {
      name: 'x',
      commands: [{ id: 'plans', aliases: ['plans'] }],
      create: () => ({}),
    };
    expect(() => assembleFeatures([missing], host)).toThrow(
      'Feature "x" declares command "plans" without a handler',
    );
    const undeclared: FeatureDefinition = {
      name: 'y',
      commands: [],
      create: () => ({ commands: { plans: async () => undefined } }),
    };
    expect(() => assembleFeatures([undeclared], host)).toThrow(
      'Feature "y" handles undeclared command "plans"',
    );
  });

  it('stops the start when two commands share a word (the parser the bot builds from the features)', () => {
    const set = assembleFeatures(
      [
        feature('purchase', { commands: [{ id: 'buy', aliases: ['buy', 'acheter'] }] }),
        feature('orders', { commands: [{ id: 'orders', aliases: ['orders', 'Acheter'] }] }),
      ],
      host,
    );
    expect(() => new CommandParser(set.words)).toThrow(
      'The word "Acheter" names two commands: buy and orders',
    );
  });
});

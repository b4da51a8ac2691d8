import { APP_FEATURES } from '../../../src/app/features';
import type { FeatureDefinition } from '../../../src/bot/features/feature';
import { startSoon } from '../../../src/workflows/heldWork';
import { personalMessage } from '../../support/teamsActivities';
import { startPurchaseHarness, type PurchaseHarness } from '../purchase/harness';

/** What a turn sets off in the background starts once /api/messages has answered, not beside the turn. */

const started: string[] = [];

/** `probe`: sets off background work, then replies (the reply is where the turn can be kept waiting). */
const probe: FeatureDefinition = {
  name: 'probe',
  commands: [{ id: 'probe', aliases: ['probe'] }],
  create: () => ({
    commands: {
      probe: async ({ context }) => {
        startSoon(() => started.push('background'));
        await context.sendActivity('probing');
      },
    },
  }),
};

describe('background work a turn sets off', () => {
  let harness: PurchaseHarness;

  beforeAll(async () => {
    harness = await startPurchaseHarness({ bot: { features: [...APP_FEATURES, probe] } });
  });

  afterAll(async () => {
    await harness.close();
  });

  it('waits while the turn is still answering (its reply held by Teams), and starts once it has answered', async () => {
    const release = harness.connector.hold();
    const answered = harness.post(personalMessage('probe', { serviceUrl: harness.connector.serviceUrl }));
    let whileAnswering: string[];
    try {
      for (let i = 0; i < 200 && harness.connector.held().length === 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(harness.connector.held()).toHaveLength(1);
      // Long enough for anything scheduled beside the turn to have run.
      await new Promise((resolve) => setTimeout(resolve, 50));
      whileAnswering = [...started];
    } finally {
      release();
    }
    expect(whileAnswering).toEqual([]);
    expect((await answered).status).toBe(200);
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual(['background']);
  });
});

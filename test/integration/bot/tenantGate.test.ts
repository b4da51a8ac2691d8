import { parseConfig } from '../../../src/config';
import { createStore, type AuditEntry, type Store } from '../../../src/store';
import { startFakeConnector, type FakeConnector } from '../../support/fakeConnector';
import { startTestBot } from '../../support/testBot';
import {
  OUTSIDER,
  TENANT_ID,
  cardAction,
  channelMessageWithMention,
  personalMessage,
  type ActivityOptions,
  type TeamsActivity,
} from '../../support/teamsActivities';

const FOREIGN = '11111111-2222-4333-8444-555555555555';
const SECRET_TEXT = 'help me with the password hunter2';
const REFUSAL = "only serves its partner's own organisation";

describe('tenant gate (channelData.tenant.id is the authority)', () => {
  let connector: FakeConnector;
  let store: Store;
  let bot: Awaited<ReturnType<typeof startTestBot>>;

  const post = async (activity: TeamsActivity) => {
    const response = await fetch(`${bot.server.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(activity),
    });
    const text = await response.text();
    return {
      status: response.status,
      json: text ? (JSON.parse(text) as Record<string, unknown>) : undefined,
    };
  };

  const refusals = async (): Promise<AuditEntry[]> =>
    (await store.audit.list({ limit: 500 })).filter((entry) => entry.action === 'tenant.refused');

  beforeAll(async () => {
    connector = await startFakeConnector();
    store = await createStore({ sqlitePath: ':memory:' });
    bot = await startTestBot({ config: parseConfig({}), store });
  });

  afterAll(async () => {
    await bot.close();
    await store.close();
    await connector.close();
  });

  beforeEach(() => connector.clear());

  const cases: Array<[string, Partial<ActivityOptions>, Record<string, unknown>]> = [
    [
      'a foreign tenant',
      { tenantId: FOREIGN },
      { reason: 'foreign', channelTenantId: FOREIGN, conversationTenantId: FOREIGN },
    ],
    [
      'no channelData.tenant (even with an allowed conversation.tenantId)',
      { channelTenantId: null },
      { reason: 'missing', conversationTenantId: TENANT_ID },
    ],
    [
      'an allowed conversation.tenantId but a foreign channelData.tenant.id',
      { channelTenantId: FOREIGN },
      { reason: 'mismatch', channelTenantId: FOREIGN, conversationTenantId: TENANT_ID },
    ],
    [
      'an allowed channelData.tenant.id but a foreign conversation.tenantId',
      { conversationTenantId: FOREIGN },
      { reason: 'mismatch', channelTenantId: TENANT_ID, conversationTenantId: FOREIGN },
    ],
    ['no tenant anywhere', { channelTenantId: null, conversationTenantId: null }, { reason: 'missing' }],
  ];

  it.each(cases)(
    'refuses a message from %s, audits it without its text, and keeps nothing',
    async (_name, tenant, seen) => {
      const before = (await refusals()).length;
      const conversationId = `a:personal-refused-${Math.random().toString(16).slice(2)}`;
      const activity = personalMessage(SECRET_TEXT, {
        serviceUrl: connector.serviceUrl,
        user: OUTSIDER,
        conversationId,
        ...tenant,
      });
      expect((await post(activity)).status).toBe(200);
      await connector.waitForSent(1);
      expect(String(connector.sent()[0].text)).toContain(REFUSAL);

      const audited = await refusals();
      expect(audited).toHaveLength(before + 1);
      const [entry] = audited;
      expect(entry).toMatchObject({
        action: 'tenant.refused',
        outcome: 'refused',
        actorId: OUTSIDER.aadObjectId,
        correlationId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        details: { ...seen, conversationId, activityType: 'message' },
      });
      if (!('conversationTenantId' in seen)) expect(entry.details).not.toHaveProperty('conversationTenantId');
      expect(JSON.stringify(entry)).not.toContain('hunter2');
      // Refused before anything is kept: no conversation reference for proactive messages later.
      expect(await store.conversations.get(conversationId)).toBeUndefined();
    },
  );

  it.each(cases)('refuses a card action from %s with 403', async (_name, tenant) => {
    const before = (await refusals()).length;
    const answer = await post(
      cardAction('command.run', { command: 'whoami' }, { serviceUrl: connector.serviceUrl, ...tenant }),
    );
    expect(answer.status).toBe(403);
    expect(answer.json).toMatchObject({ statusCode: 403, type: 'application/vnd.microsoft.error' });
    expect(await refusals()).toHaveLength(before + 1);
    expect(connector.sent()).toHaveLength(0);
  });

  it('refuses a channel message whose channelData names another tenant than its conversation', async () => {
    await post(
      channelMessageWithMention('whoami', { serviceUrl: connector.serviceUrl, channelTenantId: FOREIGN }),
    );
    await connector.waitForSent(1);
    expect(String(connector.sent()[0].text)).toContain(REFUSAL);
  });

  it('serves the allowed tenant, whichever case Teams writes its id in', async () => {
    const before = (await refusals()).length;
    await post(
      personalMessage('whoami', { serviceUrl: connector.serviceUrl, tenantId: TENANT_ID.toUpperCase() }),
    );
    await connector.waitForSent(1);
    expect(JSON.stringify(connector.sent()[0])).toContain('AdaptiveCard');
    expect(await refusals()).toHaveLength(before);
  });
});

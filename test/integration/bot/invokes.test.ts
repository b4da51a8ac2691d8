import { parseConfig } from '../../../src/config';
import { createStore, type Store } from '../../../src/store';
import { startFakeConnector, type FakeConnector } from '../../support/fakeConnector';
import { startTestBot } from '../../support/testBot';
import { cardAction, personalMessage } from '../../support/teamsActivities';

describe('invokes the bot does not handle, and known invokes with the wrong shapes', () => {
  let connector: FakeConnector;
  let store: Store;
  let bot: Awaited<ReturnType<typeof startTestBot>>;

  const post = async (activity: Record<string, unknown>) => {
    const response = await fetch(`${bot.server.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(activity),
    });
    const text = await response.text();
    return { status: response.status, text };
  };
  const invokeNamed = (name: string | undefined, value: unknown = {}) => ({
    ...cardAction('help.show', {}, { serviceUrl: connector.serviceUrl }),
    name,
    value,
  });

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

  it.each([
    'task/fetch',
    'task/submit',
    'composeExtension/query',
    'composeExtension/submitAction',
    'config/fetch',
    'tab/fetch',
    'fileConsent/invoke',
    'actionableMessage/executeAction',
    'signin/verifyState',
    'handoff/action',
    'something/new',
    'constructor',
  ])('answers the invoke %s with a clear 400, not 501', async (name) => {
    const answer = await post(invokeNamed(name));
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.text)).toMatchObject({
      statusCode: 400,
      type: 'application/vnd.microsoft.error',
      value: { code: 'NotSupported' },
    });
  });

  it('answers an invoke without a name with 400, not 501', async () => {
    expect((await post(invokeNamed(undefined))).status).toBe(400);
  });

  it.each([
    ['adaptiveCard/action', null],
    ['adaptiveCard/action', 'approve'],
    ['adaptiveCard/action', {}],
    ['adaptiveCard/action', { action: null }],
    ['adaptiveCard/action', { action: { type: 'Action.Execute', verb: 42 } }],
    ['adaptiveCard/action', { action: { type: 'Action.Execute', verb: 'request.approve', data: 'x' } }],
    ['adaptiveCard/action', { action: { type: 'Action.Execute', verb: 'request.approve', data: [1] } }],
    ['application/search', null],
    ['application/search', 'contoso'],
    ['application/search', { queryText: 42, dataset: 'customers' }],
    ['application/search', { queryText: 'contoso', dataset: ['customers'] }],
  ])('answers %s with value %j with 400 naming the field, not a 5xx', async (name, value) => {
    const answer = await post(invokeNamed(name, value));
    expect(answer.status).toBe(400);
    expect(answer.text).toContain('value');
  });

  it('still answers a well-formed card action, and a search with nothing to find', async () => {
    const action = await post(cardAction('no.such.verb', {}, { serviceUrl: connector.serviceUrl }));
    expect(action.status).toBe(400);
    expect(JSON.parse(action.text)).toMatchObject({ value: { code: 'BadRequest' } });
    const search = await post(invokeNamed('application/search', { queryText: 'x', dataset: 'none' }));
    expect(search.status).toBe(200);
  });

  it('answers a message with numbers where text belongs with 400 naming the field', async () => {
    const message = personalMessage('help', { serviceUrl: connector.serviceUrl });
    for (const [field, broken] of [
      ['text', { text: 42 }],
      ['locale', { locale: 7 }],
      ['entities.0.mentioned', { entities: [{ type: 'mention', text: '<at>x</at>' }] }],
      ['entities.0.mentioned.id', { entities: [{ type: 'mention', mentioned: { id: 5 } }] }],
      ['entities.0.text', { entities: [{ type: 'mention', mentioned: { id: 'x' }, text: 5 }] }],
      ['channelData.tenant.id', { channelData: { tenant: { id: 12345 } } }],
      ['conversation.tenantId', { conversation: { id: 'a:1', tenantId: 12345 } }],
      ['from.aadObjectId', { from: { id: '29:x', aadObjectId: 1 } }],
      ['value', { text: undefined, value: 'approve' }],
      ['timestamp', { timestamp: 'yesterday-ish' }],
      ['serviceUrl', { serviceUrl: 'javascript:alert(1)' }],
    ] as const) {
      const answer = await post({ ...message, ...broken });
      expect({ field, status: answer.status }).toEqual({ field, status: 400 });
      expect(answer.text).toContain(field);
    }
  });
});

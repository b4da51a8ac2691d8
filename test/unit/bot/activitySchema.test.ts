import { parseInboundActivity } from '../../../src/bot/activitySchema';
import { personalMessage } from '../../support/teamsActivities';

const message = () =>
  JSON.parse(JSON.stringify(personalMessage('help', { serviceUrl: 'https://smba.example.com/' }))) as Record<
    string,
    unknown
  >;

describe('inbound activity schema', () => {
  it('accepts a Teams message as it is, unknown fields kept, timestamps as Dates', () => {
    const body = { ...message(), somethingNew: { nested: true } };
    const checked = parseInboundActivity(body);
    if (!checked.ok) throw new Error(checked.message);
    expect(checked.activity).toBe(body);
    expect(checked.activity.timestamp).toBeInstanceOf(Date);
    expect((checked.activity as unknown as Record<string, unknown>).rawTimestamp).toEqual(expect.any(String));
    expect((checked.activity as unknown as Record<string, unknown>).somethingNew).toEqual({ nested: true });
  });

  it.each([
    ['recipient', { recipient: undefined }],
    ['from.id', { from: { id: '' } }],
    ['text', { text: { rich: true } }],
    ['entities.0.type', { entities: [{ type: 7 }] }],
    ['entities', { entities: 'mention' }],
    ['channelData.tenant.id', { channelData: { tenant: { id: ['t'] } } }],
    ['channelData', { channelData: 'tenant' }],
    ['serviceUrl', { serviceUrl: 'file:///etc/passwd' }],
    ['type', { type: '' }],
  ])('refuses a wrong %s, naming it', (field, change) => {
    const checked = parseInboundActivity({ ...message(), ...change });
    expect(checked.ok).toBe(false);
    if (!checked.ok) expect(checked.message.startsWith(`${field}:`)).toBe(true);
  });

  it('reads a __proto__ key as plain data: no prototype is touched', () => {
    const body = JSON.parse(
      `{"__proto__": {"polluted": true}, ${JSON.stringify(message()).slice(1)}`,
    ) as object;
    expect(parseInboundActivity(body).ok).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

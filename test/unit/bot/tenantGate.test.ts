import type { Activity } from 'botbuilder';
import { decideTenant, tenantRefusalAudit } from '../../../src/bot/tenantGate';
import { tenantIdOf } from '../../../src/bot/turnServices';

const OURS = '7e2b8a4d-5c1f-4e3a-9b6d-2f8c1a0e4b7d';
const OTHER = '11111111-2222-4333-8444-555555555555';

function activity(channelTenant: unknown, conversationTenant?: unknown): Partial<Activity> {
  return {
    type: 'message',
    text: 'a private message',
    from: { id: '29:lee', name: 'Lee Gu', aadObjectId: 'aad-lee' },
    conversation: { id: 'a:conversation', tenantId: conversationTenant } as Activity['conversation'],
    channelData: channelTenant === undefined ? {} : { tenant: { id: channelTenant } },
  };
}

describe('tenant gate', () => {
  it('takes the tenant from channelData.tenant.id, not from conversation.tenantId', () => {
    expect(tenantIdOf(activity(OTHER, OURS))).toBe(OTHER);
    expect(tenantIdOf(activity(undefined, OURS))).toBeUndefined();
  });

  it.each([
    ['the allowed tenant in both places', activity(OURS, OURS), { allowed: true, tenantId: OURS }],
    ['the allowed tenant in channelData only', activity(OURS), { allowed: true, tenantId: OURS }],
    ['another case of the same id', activity(OURS.toUpperCase(), OURS), { allowed: true }],
    ['a foreign tenant', activity(OTHER, OTHER), { allowed: false, reason: 'foreign' }],
    ['no channelData.tenant', activity(undefined, OURS), { allowed: false, reason: 'missing' }],
    ['a number as tenant id', activity(42, OURS), { allowed: false, reason: 'missing' }],
    ['an empty tenant id', activity('  ', OURS), { allowed: false, reason: 'missing' }],
    [
      'channelData and conversation disagreeing',
      activity(OURS, OTHER),
      { allowed: false, reason: 'mismatch' },
    ],
    ['the other way round', activity(OTHER, OURS), { allowed: false, reason: 'mismatch' }],
  ])('decides %s', (_name, input, expected) => {
    expect(decideTenant(input, [OURS])).toMatchObject(expected);
  });

  it('allows no one when no tenant is configured', () => {
    expect(decideTenant(activity(OURS, OURS), [])).toMatchObject({ allowed: false, reason: 'foreign' });
  });

  it('audits what was seen, cut short, and never the text', () => {
    const long = 'x'.repeat(5_000);
    const input = activity(long, OURS);
    const decision = decideTenant(input, [OURS]);
    if (decision.allowed) throw new Error('expected a refusal');
    const entry = tenantRefusalAudit(input, decision, 'corr-1');
    expect(entry).toMatchObject({
      actorId: 'aad-lee',
      actorName: 'Lee Gu',
      action: 'tenant.refused',
      outcome: 'refused',
      correlationId: 'corr-1',
      details: { reason: 'mismatch', conversationTenantId: OURS, conversationId: 'a:conversation' },
    });
    expect(entry.details?.channelTenantId).toHaveLength(200);
    expect(JSON.stringify(entry)).not.toContain('private message');
  });
});

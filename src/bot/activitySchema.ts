import type { Activity } from 'botbuilder';
import { z } from 'zod';

/**
 * The fields the bot and botbuilder rely on, checked (types included) before an activity reaches the
 * adapter: a malformed activity gets a 400 with the failing path instead of an exception deep inside
 * a turn. Only authenticated callers (or anyone in the sandbox, where auth is off) get this far.
 * Unknown fields pass through untouched; the checked object is the parsed body itself, not a copy.
 */
const text = z.string().max(100_000);
const optionalText = text.nullish();
const record = z.record(z.unknown());

const account = z
  .object({ id: z.string().min(1), name: optionalText, aadObjectId: optionalText, role: optionalText })
  .passthrough();

const conversation = z
  .object({
    id: z.string().min(1),
    tenantId: optionalText,
    conversationType: optionalText,
    name: optionalText,
    isGroup: z.boolean().nullish(),
  })
  .passthrough();

const idHolder = z.object({ id: optionalText }).passthrough();

const channelData = z
  .object({
    tenant: idHolder.nullish(),
    team: idHolder.nullish(),
    channel: idHolder.nullish(),
    teamsTeamId: optionalText,
    teamsChannelId: optionalText,
    eventType: optionalText,
  })
  .passthrough();

const entity = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('mention'),
      mentioned: z.object({ id: z.string(), name: optionalText }).passthrough(),
      text: optionalText,
    })
    .passthrough(),
  z.object({ type: z.literal('clientInfo'), locale: optionalText, timezone: optionalText }).passthrough(),
]);
const anyEntity = z.object({ type: z.string() }).passthrough();

/** A date-time in text that Date can read: botbuilder turns these fields into Dates. */
const instant = z
  .string()
  .max(64)
  .refine((value) => !Number.isNaN(Date.parse(value)), 'must be a date-time')
  .nullish();

const envelope = z
  .object({
    type: z.string().min(1).max(100),
    id: optionalText,
    channelId: z.string().min(1).max(100),
    serviceUrl: z
      .string()
      .url()
      .refine((url) => /^https?:\/\//i.test(url), 'must be an http(s) URL'),
    from: account,
    recipient: account,
    conversation,
    channelData: channelData.nullish(),
    text: optionalText,
    textFormat: optionalText,
    locale: optionalText,
    name: optionalText,
    action: optionalText,
    replyToId: optionalText,
    timestamp: instant,
    localTimestamp: instant,
    expiration: instant,
    entities: z
      .array(anyEntity)
      .max(100)
      .nullish()
      .superRefine((entities, ctx) => {
        entities?.forEach((item, index) => {
          if (item.type !== 'mention' && item.type !== 'clientInfo') return;
          const checked = entity.safeParse(item);
          if (!checked.success) {
            for (const issue of checked.error.issues)
              ctx.addIssue({ ...issue, path: [index, ...issue.path] });
          }
        });
      }),
    attachments: z.array(record).max(100).nullish(),
    membersAdded: z.array(account).max(1000).nullish(),
    membersRemoved: z.array(account).max(1000).nullish(),
  })
  .passthrough();

/** What each kind of activity carries in `value`, where the bot reads it. */
const valueChecks = new Map<string, z.ZodTypeAny>([
  // Action.Submit arrives as a message whose value is the card's data.
  ['message', z.object({ value: record.nullish() }).passthrough()],
]);
const invokeValueChecks = new Map<string, z.ZodTypeAny>([
  [
    'adaptiveCard/action',
    z
      .object({
        value: z
          .object({
            action: z
              .object({
                type: z.string(),
                verb: optionalText,
                id: optionalText,
                data: record.nullish(),
              })
              .passthrough(),
            trigger: optionalText,
          })
          .passthrough(),
      })
      .passthrough(),
  ],
  [
    'application/search',
    z
      .object({
        value: z
          .object({
            kind: optionalText,
            queryText: optionalText,
            dataset: optionalText,
            queryOptions: record.nullish(),
          })
          .passthrough(),
      })
      .passthrough(),
  ],
]);

export type ActivityCheck = { ok: true; activity: Activity } | { ok: false; message: string };

export function parseInboundActivity(body: unknown): ActivityCheck {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, message: 'the request body must be a JSON object (a Bot Framework activity)' };
  }
  const checked = envelope.safeParse(body);
  if (!checked.success) return refusal(checked.error);
  const { type, name } = checked.data;
  const specific = type === 'invoke' ? invokeValueChecks.get(name ?? '') : valueChecks.get(type);
  if (specific) {
    const value = specific.safeParse(body);
    if (!value.success) return refusal(value.error);
  }
  return { ok: true, activity: withDates(body as Record<string, unknown>) };
}

function refusal(error: z.ZodError): ActivityCheck {
  const issue = error.issues[0];
  return { ok: false, message: `${issue.path.join('.') || '(activity)'}: ${issue.message}` };
}

/** As botbuilder's own validateAndFixActivity: date-times as Dates, the text kept beside them. */
function withDates(activity: Record<string, unknown>): Activity {
  for (const [field, raw] of [
    ['timestamp', 'rawTimestamp'],
    ['localTimestamp', 'rawLocalTimestamp'],
    ['expiration', 'rawExpiration'],
  ] as const) {
    const value = activity[field];
    if (typeof value === 'string') {
      activity[raw] = value;
      activity[field] = new Date(value);
    }
  }
  return activity as unknown as Activity;
}

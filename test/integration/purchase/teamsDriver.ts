import { randomUUID } from 'node:crypto';
import { adaptiveCardProblems } from '../../support/cardValidation';
import {
  GENERAL_CHANNEL,
  cardAction,
  channelMessageWithMention,
  type TeamsUser,
} from '../../support/teamsActivities';
import type { PurchaseHarness } from './harness';

export interface Card {
  type: string;
  version: string;
  body: Array<Record<string, unknown>>;
  actions?: Array<{ type: string; title?: string; verb?: string; data?: Record<string, unknown> }>;
  refresh?: { action: { verb: string; data: Record<string, unknown> }; userIds: string[] };
}

export interface InvokeAnswer {
  status: number;
  ms: number;
  card?: Card;
  message?: string;
  statusCode?: number;
}

const CARD_TYPE = 'application/vnd.microsoft.card.adaptive';

/** Finds a card's Action.Execute by its `action` (dialog cards) or its verb (request cards). */
export function actionOf(
  card: Card,
  match: { action?: string; verb?: string },
): Record<string, unknown> & { verb: string } {
  const actions = [...(card.actions ?? []), ...card.body.flatMap((element) => findActionSets(element))];
  const found = actions.find(
    (a) =>
      a.type === 'Action.Execute' &&
      (match.action === undefined || a.data?.action === match.action) &&
      (match.verb === undefined || a.verb === match.verb),
  );
  if (!found?.verb)
    throw new Error(`no action ${JSON.stringify(match)} in ${JSON.stringify(card).slice(0, 400)}`);
  return { ...(found.data ?? {}), verb: found.verb };
}

function findActionSets(
  element: unknown,
): Array<{ type: string; verb?: string; data?: Record<string, unknown> }> {
  if (typeof element !== 'object' || element === null) return [];
  const node = element as Record<string, unknown>;
  const own = node.type === 'ActionSet' ? ((node.actions as Array<{ type: string }>) ?? []) : [];
  const children = ['items', 'columns', 'body'].flatMap((key) =>
    Array.isArray(node[key]) ? (node[key] as unknown[]).flatMap(findActionSets) : [],
  );
  return [...own, ...children];
}

export function inputOf(card: Card, id: string): Record<string, unknown> {
  const walk = (element: unknown): Record<string, unknown> | undefined => {
    if (typeof element !== 'object' || element === null) return undefined;
    const node = element as Record<string, unknown>;
    if (node.id === id) return node;
    for (const key of ['items', 'columns', 'body']) {
      if (Array.isArray(node[key])) {
        for (const child of node[key] as unknown[]) {
          const found = walk(child);
          if (found) return found;
        }
      }
    }
    return undefined;
  };
  const found = walk({ body: card.body });
  if (!found) throw new Error(`no input ${id} in card`);
  return found;
}

export function choicesOf(card: Card, id: string): string[] {
  return ((inputOf(card, id).choices as Array<{ value: string }>) ?? []).map((c) => c.value);
}

export function textOf(card: Card | undefined): string {
  return JSON.stringify(card ?? {});
}

/** A Teams channel thread where two people talk to the bot, as the Teams client would send it. */
export class TeamsThread {
  readonly conversationId: string;
  /** Milliseconds of each card turn (invoke), for the report. */
  readonly latencies: Array<{ step: string; ms: number }> = [];
  private readonly locale: string;

  constructor(
    private readonly harness: PurchaseHarness,
    options: { conversationId?: string; channelId?: string; locale?: string } = {},
  ) {
    this.conversationId =
      options.conversationId ?? `${options.channelId ?? GENERAL_CHANNEL};messageid=${randomUUID()}`;
    this.channelId = options.channelId ?? GENERAL_CHANNEL;
    this.locale = options.locale ?? 'en-US';
  }

  private readonly channelId: string;

  /** Posts a message and returns the cards the bot sent in this thread because of it. */
  async say(user: TeamsUser, text: string): Promise<Array<{ id: string; card?: Card; text?: string }>> {
    const before = this.sentHere().length;
    const result = await this.harness.post(
      channelMessageWithMention(text, {
        serviceUrl: this.harness.connector.serviceUrl,
        user,
        conversationId: this.conversationId,
        channelId: this.channelId,
        locale: this.locale,
      }),
    );
    if (result.status !== 200) throw new Error(`message answered ${result.status}`);
    return this.sentHere()
      .slice(before)
      .filter((s) => s.method === 'POST')
      .map((s) => ({ id: s.id, card: s.card, text: s.text }));
  }

  /** An Action.Submit, as clients without Universal Actions send it: a message whose value is the card data. */
  async submit(user: TeamsUser, replyToId: string, value: Record<string, unknown>): Promise<number> {
    const message = channelMessageWithMention('', {
      serviceUrl: this.harness.connector.serviceUrl,
      user,
      conversationId: this.conversationId,
      channelId: this.channelId,
      locale: this.locale,
    });
    const result = await this.harness.post({ ...message, text: undefined, entities: [], value, replyToId });
    return result.status;
  }

  /** Clicks an Action.Execute of the card shown as `replyToId`; returns the invoke's answer. */
  async click(
    user: TeamsUser,
    replyToId: string,
    action: Record<string, unknown> & { verb: string },
    inputs: Record<string, unknown> = {},
    step = action.verb,
  ): Promise<InvokeAnswer> {
    const { verb, ...data } = action;
    const result = await this.harness.post(
      cardAction(
        verb,
        { ...data, ...inputs },
        {
          serviceUrl: this.harness.connector.serviceUrl,
          user,
          replyToId,
          conversationType: 'channel',
          conversationId: this.conversationId,
          locale: this.locale,
        },
      ),
    );
    this.latencies.push({ step, ms: result.ms });
    const body = result.json as { statusCode?: number; type?: string; value?: unknown } | undefined;
    const card = body?.type === CARD_TYPE ? (body.value as Card) : undefined;
    if (card) {
      const problems = adaptiveCardProblems(card);
      if (problems.length > 0) throw new Error(`invalid card from ${verb}: ${problems.join('; ')}`);
    }
    const value = body?.value as { message?: string } | string | undefined;
    return {
      status: result.status,
      ms: result.ms,
      statusCode: body?.statusCode,
      card,
      message: typeof value === 'string' ? value : value?.message,
    };
  }

  /**
   * Everything the bot POSTed or PUT in this thread (new messages and updates). The fake connector
   * answers every call but a PUT with `activity-<n>`, n counting from 1 and never reset (these
   * tests never clear it), so the id of a POSTed activity follows from its place in the log.
   */
  sentHere(): Array<{ method: string; id: string; path: string; card?: Card; text?: string }> {
    const encoded = encodeURIComponent(this.conversationId);
    let issued = 0;
    const all = this.harness.connector.calls.map((call) => {
      if (call.method !== 'PUT') issued += 1;
      const updated = /\/activities\/([^/]+)$/.exec(call.path);
      const id = call.method === 'PUT' && updated ? decodeURIComponent(updated[1]) : `activity-${issued}`;
      return { call, id };
    });
    return all
      .filter(
        ({ call }) =>
          (call.path.includes(encoded) || call.path.includes(this.conversationId)) &&
          (call.method === 'POST' || call.method === 'PUT'),
      )
      .map(({ call, id }) => {
        const body = call.body ?? {};
        const attachments = body.attachments as Array<{ contentType: string; content: Card }> | undefined;
        return {
          method: call.method,
          path: call.path,
          id,
          card: attachments?.find((a) => a.contentType === CARD_TYPE)?.content,
          text: typeof body.text === 'string' ? body.text : undefined,
        };
      });
  }
}

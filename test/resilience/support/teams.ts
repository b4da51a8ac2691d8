import { randomUUID } from 'node:crypto';
import type { Store } from '../../../src/store';
import type { ConnectorCall, FakeConnector } from '../../support/fakeConnector';
import {
  APPROVER,
  GENERAL_CHANNEL,
  REQUESTER,
  cardAction,
  channelMessageWithMention,
  type TeamsUser,
} from '../../support/teamsActivities';
import { actionOf, choicesOf, textOf, type Card } from '../../integration/purchase/teamsDriver';

/**
 * Teams, as far as a bot running in another process can tell: activities POSTed to an endpoint
 * (the bot, or a proxy in front of several) and what the bot sends back through the fake Bot
 * Connector. The requester (Megan) and the approver (Adele) talk in a channel thread.
 */

const CARD_TYPE = 'application/vnd.microsoft.card.adaptive';

export interface Sent {
  method: string;
  id: string;
  card?: Card;
  text?: string;
}

export interface InvokeAnswer {
  status: number;
  statusCode?: number;
  card?: Card;
  message?: string;
}

/** POSTs one activity as the Bot Connector does; the answer's status and JSON body. */
export async function postActivity(
  endpoint: string,
  activity: Record<string, unknown>,
): Promise<{ status: number; json: Record<string, unknown> | undefined }> {
  const response = await fetch(`${endpoint}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(activity),
  });
  const text = await response.text();
  return { status: response.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
}

export class Thread {
  readonly conversationId: string;

  constructor(
    private readonly endpoint: () => string,
    private readonly connector: FakeConnector,
    readonly channelId = GENERAL_CHANNEL,
  ) {
    this.conversationId = `${channelId};messageid=${randomUUID()}`;
  }

  /** Posts a message; returns what the bot POSTed in this thread while answering it. */
  async say(user: TeamsUser, text: string): Promise<Sent[]> {
    const before = this.sentHere().length;
    const result = await postActivity(
      this.endpoint(),
      channelMessageWithMention(text, {
        serviceUrl: this.connector.serviceUrl,
        user,
        conversationId: this.conversationId,
        channelId: this.channelId,
      }),
    );
    if (result.status !== 200) throw new Error(`"${text}" answered ${result.status}`);
    return this.sentHere()
      .slice(before)
      .filter((s) => s.method === 'POST');
  }

  /** The first card the bot answered a message with. */
  async sayForCard(user: TeamsUser, text: string): Promise<{ id: string; card: Card }> {
    const sent = await this.say(user, text);
    const first = sent.find((s) => s.card);
    if (!first?.card) throw new Error(`"${text}" got no card: ${JSON.stringify(sent).slice(0, 400)}`);
    return { id: first.id, card: first.card };
  }

  /** Clicks an Action.Execute of the card shown as `replyToId`. */
  async click(
    user: TeamsUser,
    replyToId: string,
    action: Record<string, unknown> & { verb: string },
    inputs: Record<string, unknown> = {},
  ): Promise<InvokeAnswer> {
    const { verb, ...data } = action;
    const result = await postActivity(
      this.endpoint(),
      cardAction(
        verb,
        { ...data, ...inputs },
        {
          serviceUrl: this.connector.serviceUrl,
          user,
          replyToId,
          conversationType: 'channel',
          conversationId: this.conversationId,
        },
      ),
    );
    const body = result.json as { statusCode?: number; type?: string; value?: unknown } | undefined;
    const value = body?.value as { message?: string } | string | undefined;
    return {
      status: result.status,
      statusCode: body?.statusCode,
      card: body?.type === CARD_TYPE ? (body.value as Card) : undefined,
      message: typeof value === 'string' ? value : value?.message,
    };
  }

  /** Everything the bot POSTed (new messages) or PUT (card updates) in this thread, in order. */
  sentHere(): Sent[] {
    const encoded = encodeURIComponent(this.conversationId);
    return this.connector.calls
      .filter(
        (call) =>
          (call.method === 'POST' || call.method === 'PUT') &&
          (call.path.includes(encoded) || call.path.includes(this.conversationId)),
      )
      .map((call) => {
        const body = call.body ?? {};
        const attachments = body.attachments as Array<{ contentType: string; content: Card }> | undefined;
        return {
          method: call.method,
          id: call.answeredId ?? '',
          card: attachments?.find((a) => a.contentType === CARD_TYPE)?.content,
          text: typeof body.text === 'string' ? body.text : undefined,
        };
      });
  }

  /** The texts of the messages (not card updates) the bot posted here that match. */
  messages(pattern: RegExp): string[] {
    return this.sentHere()
      .filter((s) => s.method === 'POST' && pattern.test(s.text ?? ''))
      .map((s) => s.text ?? '');
  }

  /** The newest version of the card shown as `cardId` (its last update), or its first post. */
  latestCard(cardId: string): Card | undefined {
    const versions = this.sentHere().filter((s) => s.id === cardId && s.card);
    return versions[versions.length - 1]?.card;
  }
}

/** A request the test made through Teams: where its card is, and its id. */
export interface SubmittedRequest {
  thread: Thread;
  cardId: string;
  requestId: string;
  /** The card everyone sees (the shared view); its refresh fetches each user's own view. */
  shared: Card;
}

function required(card: Card | undefined, what: string): Card {
  if (!card) throw new Error(`no card for ${what}`);
  return card;
}

/** The request card the submit click answered with: its id, and the shared view the bot PUT. */
function submitted(thread: Thread, cardId: string, answer: InvokeAnswer, what: string): SubmittedRequest {
  const requesterView = required(answer.card, what);
  const requestId = String(actionOf(requesterView, { verb: 'request.cancel' }).requestId);
  const shared = thread
    .sentHere()
    .filter((s) => s.method === 'PUT' && s.id === cardId && s.card?.refresh)
    .pop()?.card;
  return { thread, cardId, requestId, shared: required(shared, `${what} (shared view)`) };
}

const AZURE_PLAN = 'DZH318Z0BPS6';
const COMMERCIAL = 'DZH318Z0BML6';

/**
 * `buy <customer>` through the catalog pickers to a submitted purchase request (one matching
 * customer): at each card, the Azure plan or its commercial availability when the card asks, then
 * Submit. (A step with a single choice is taken by the bot and shown, so the steps vary.)
 */
export async function requestPurchase(thread: Thread, customer: string): Promise<SubmittedRequest> {
  const { id: cardId, card: first } = await thread.sayForCard(REQUESTER, `buy ${customer}`);
  let card = first;
  for (let step = 0; step < 6; step++) {
    const submit = findAction(card, 'submit');
    if (submit)
      return submitted(thread, cardId, await thread.click(REQUESTER, cardId, submit), `buy ${customer}`);
    const offered = choicesIn(card);
    const choice = [AZURE_PLAN, COMMERCIAL].find((c) => offered.includes(c));
    const select = findAction(card, 'select');
    if (!choice || !select) throw new Error(`buy ${customer}: no way on from ${textOf(card).slice(0, 600)}`);
    card = required(
      (await thread.click(REQUESTER, cardId, select, { choice })).card,
      `buy ${customer}: step ${step}`,
    );
  }
  throw new Error(`buy ${customer}: no confirmation after six steps`);
}

function findAction(card: Card, action: string): (Record<string, unknown> & { verb: string }) | undefined {
  try {
    return actionOf(card, { action });
  } catch {
    return undefined;
  }
}

function choicesIn(card: Card): string[] {
  try {
    return choicesOf(card, 'choice');
  } catch {
    return [];
  }
}

/** `suspend|reactivate|upgrade <customer>`: the one card of the flow, then its submit. */
export async function requestChange(
  thread: Thread,
  command: 'suspend' | 'reactivate' | 'upgrade',
  customer: string,
): Promise<SubmittedRequest> {
  const { id: cardId, card } = await thread.sayForCard(REQUESTER, `${command} ${customer}`);
  let submit: Record<string, unknown> & { verb: string };
  try {
    submit = actionOf(card, { action: 'submit' });
  } catch {
    throw new Error(`${command} ${customer}: no submit on ${textOf(card).slice(0, 600)}`);
  }
  const answer = await thread.click(REQUESTER, cardId, submit);
  return submitted(thread, cardId, answer, `${command} ${customer}`);
}

/** The approve action of the approver's own view, fetched as Teams does (the card's refresh). */
export async function approveAction(
  request: SubmittedRequest,
): Promise<Record<string, unknown> & { verb: string }> {
  const refresh = required(request.shared, 'shared view').refresh;
  if (!refresh) throw new Error(`request ${request.requestId}: the shared card has no refresh`);
  const view = await request.thread.click(APPROVER, request.cardId, {
    verb: refresh.action.verb,
    ...refresh.action.data,
  });
  return actionOf(required(view.card, 'approver view'), { verb: 'request.approve' });
}

/** Adele approves; the answer (the card she then sees). */
export async function approve(request: SubmittedRequest): Promise<InvokeAnswer> {
  const action = await approveAction(request);
  const answer = await request.thread.click(APPROVER, request.cardId, action);
  if (answer.status !== 200 || !textOf(answer.card).includes('Approved')) {
    throw new Error(
      `approving ${request.requestId} answered ${answer.status}: ${textOf(answer.card).slice(0, 300)}`,
    );
  }
  return answer;
}

/** Alert cards the bot posted as new threads of `channelId`: the id the connector gave each, and its words. */
/** A new thread posted in `channelId` (how an alert card goes out). */
export function isAlertPost(call: ConnectorCall, channelId: string): boolean {
  return (
    call.method === 'POST' &&
    /^\/v3\/conversations\/?$/.test(call.path) &&
    (call.body?.channelData as { channel?: { id?: string } } | undefined)?.channel?.id === channelId
  );
}

export function alertPosts(connector: FakeConnector, channelId: string): Array<{ id: string; text: string }> {
  return connector.calls
    .filter((c) => isAlertPost(c, channelId))
    .map((c) => {
      const activity = c.body?.activity as { text?: string; attachments?: unknown[] } | undefined;
      return {
        id: c.answeredId ?? '',
        text: `${activity?.text ?? ''} ${JSON.stringify(activity?.attachments ?? [])}`,
      };
    });
}

/**
 * Every alert once, in a channel: each alert the store holds as posted has exactly one card in the
 * channel (the activity the connector answered), and the channel has no card besides those.
 */
export async function alertCardsOf(
  store: Store,
  connector: FakeConnector,
  channelId: string,
): Promise<{
  cards: Array<{ id: string; text: string }>;
  posted: Array<{ customerName: string; activityId: string }>;
}> {
  const posted = (await store.alerts.alerts({ conversationKey: channelId, limit: 10_000 }))
    .filter((a) => a.state === 'posted')
    .map((a) => ({ customerName: a.customerName, activityId: a.posted?.activityId ?? '' }));
  return { cards: alertPosts(connector, channelId), posted };
}

import { mkdtempSync, rmSync } from 'node:fs';
import axios from 'axios';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { type RunningPlayground, startPlayground } from '../../../scripts/playgroundLauncher';
import { startPurchaseHarness, type PurchaseHarness } from '../../integration/purchase/harness';
import { actionOf, inputOf, textOf, type Card } from '../../integration/purchase/teamsDriver';
import { adaptiveCardProblems } from '../../support/cardValidation';
import {
  type BotMessage,
  type CardActionResponse,
  type ConversationStream,
  PlaygroundClient,
} from './playgroundClient';

const REPO_ROOT = join(__dirname, '..', '..', '..');
const CONFIG_FILE = '.m365agentsplayground.yml';
const MEGAN = '29:megan-bowen';
const ADELE = '29:adele-vance';
/** The team's Approvals channel in the Playground config: every purchase request also opens a thread there. */
const APPROVALS_CHANNEL = '19:csp-operations-approvals@thread.tacv2';
/** The team's General channel (its id is the team's). */
const GENERAL_CHANNEL = '19:csp-operations-general@thread.tacv2';
const CARD_TYPE = 'application/vnd.microsoft.card.adaptive';

const CardSchema = z.object({
  type: z.literal('AdaptiveCard'),
  version: z.string(),
  body: z.array(z.record(z.unknown())),
  actions: z
    .array(
      z.object({
        type: z.string(),
        title: z.string().optional(),
        verb: z.string().optional(),
        data: z.record(z.unknown()).optional(),
      }),
    )
    .optional(),
  refresh: z
    .object({
      action: z.object({ verb: z.string(), data: z.record(z.unknown()) }),
      userIds: z.array(z.string()),
    })
    .optional(),
});

/** A valid Adaptive Card, as the Adaptive Cards SDK (the renderer Teams and the Playground use) reads it. */
function validCard(content: unknown, where: string): Card {
  const problems = adaptiveCardProblems(content);
  if (problems.length > 0) throw new Error(`invalid card (${where}): ${problems.join('; ')}`);
  return CardSchema.parse(content);
}

function cardOf(message: BotMessage): Card {
  const attachment = message.attachments.find((a) => a.contentType === CARD_TYPE);
  if (!attachment)
    throw new Error(`message ${message.messageId} carries no card: ${JSON.stringify(message)}`);
  return validCard(attachment.content, `message ${message.messageId}`);
}

function hasCard(message: BotMessage): boolean {
  return message.attachments.some((a) => a.contentType === CARD_TYPE);
}

/** The card the bot answered a click with: what replaces the clicked card in the client. */
function answeredCard(response: CardActionResponse): Card {
  expect(response.type).toBe(CARD_TYPE);
  return validCard(response.value, 'invoke answer');
}

/** The value of the choice a user picks by what it says, as they would in the client. */
function choiceTitled(card: Card, inputId: string, title: (shown: string) => boolean): string {
  const choices = z
    .array(z.object({ title: z.string(), value: z.string() }))
    .parse(inputOf(card, inputId).choices);
  const found = choices.find((c) => title(c.title));
  if (!found) throw new Error(`no such choice among ${JSON.stringify(choices)}`);
  return found.value;
}

describe('the bot, used through the Agents Playground as Megan (requester) and Adele (approver)', () => {
  let tempDir: string;
  let harness: PurchaseHarness;
  let playground: RunningPlayground;
  let client: PlaygroundClient;
  let stream: ConversationStream;
  let personalChat: string;

  /** Messages the bot posts from now on in a conversation (a chat, or a channel and its threads). */
  function newMessagesIn(conversationId: string) {
    const known = new Set(stream.botMessages().map((m) => m.messageId));
    const inConversation = (m: BotMessage) =>
      m.conversationId === conversationId || m.conversationId.startsWith(`${conversationId};`);
    return (predicate: (m: BotMessage) => boolean, timeoutMs?: number) =>
      stream.waitForBotMessage(
        (m) => !known.has(m.messageId) && inConversation(m) && predicate(m),
        timeoutMs,
      );
  }

  beforeAll(async () => {
    tempDir = mkdtempSync(join(tmpdir(), 'bot-through-playground-'));
    harness = await startPurchaseHarness({ approvalsConversationId: APPROVALS_CHANNEL });
    playground = await startPlayground({
      botEndpoint: `${harness.app.server.url}/api/messages`,
      port: 0,
      cwd: REPO_ROOT,
      configPath: CONFIG_FILE,
      logFile: join(tempDir, 'playground.log'),
    });
    client = new PlaygroundClient(playground.url);
    stream = await client.openConversationStream();
    const config = await client.getConfig();
    personalChat = config.personalChat.id;
    expect(config.teams[0].channels).toContainEqual({ id: APPROVALS_CHANNEL, name: 'Approvals' });
  });

  afterAll(async () => {
    await stream?.close();
    await playground?.stop();
    await harness?.close();
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  });

  afterEach(() => {
    expect(stream.errors).toEqual([]);
  });

  it('shows the help card in Megan\'s personal chat when she types "help"', async () => {
    const next = newMessagesIn(personalChat);
    const sent = await client.sendText({ as: MEGAN, conversationId: personalChat, text: 'help' });
    expect(sent.route).toBe('message');

    const help = cardOf(await next(hasCard));
    for (const shown of [
      'Azure Plan Ops',
      'Commands',
      'Buy an Azure plan for a customer',
      'whoami',
      'requests',
    ]) {
      expect(textOf(help)).toContain(shown);
    }
    // Clients read TextBlock text as Markdown: a "<customer>" placeholder is taken for an HTML tag and vanishes.
    expect(textOf(help)).not.toMatch(/<[a-z]/i);
    expect(actionOf(help, { verb: 'command.run' }).command).toBe('buy');
  });

  it('takes "buy Contoso France" from the pickers to a completed Azure plan that Adele approves', async () => {
    // Adele asks for the open requests in the Approvals channel: the bot now knows that channel and her.
    const inApprovals = newMessagesIn(APPROVALS_CHANNEL);
    await client.sendText({
      as: ADELE,
      conversationId: APPROVALS_CHANNEL,
      text: 'requests',
      mentionBot: true,
    });
    expect(textOf(cardOf(await inApprovals(hasCard)))).toContain('Open requests');

    // Megan starts in her personal chat: one customer matches and the Azure plan is the only product
    // on sale (the legacy offer is left out, and said so), so the availability picker comes first.
    const inMegansChat = newMessagesIn(personalChat);
    await client.sendText({ as: MEGAN, conversationId: personalChat, text: 'buy Contoso France' });
    const pickerMessage = await inMegansChat(hasCard);
    const cardId = pickerMessage.messageId;
    const availabilityPicker = cardOf(pickerMessage);
    expect(textOf(availabilityPicker)).toContain('Choose the availability');
    expect(textOf(availabilityPicker)).toContain('Contoso France');
    expect(textOf(availabilityPicker)).toContain('Microsoft Azure plan (the only choice)');

    // Each click answers with the next step: the same card, updated in place by the client.
    const click = async (
      as: string,
      conversationId: string,
      messageId: string,
      action: Record<string, unknown> & { verb: string },
      inputs: Record<string, unknown> = {},
    ) => {
      const { verb, ...data } = action;
      return answeredCard(
        await client.invokeCardAction({
          as,
          conversationId,
          cardMessageId: messageId,
          verb,
          data: { ...data, ...inputs },
        }),
      );
    };
    const confirm = await click(
      MEGAN,
      personalChat,
      cardId,
      actionOf(availabilityPicker, { action: 'select' }),
      {
        choice: choiceTitled(availabilityPicker, 'choice', (title) => title.startsWith('Commercial')),
      },
    );
    expect(textOf(confirm)).toContain('Confirm the purchase');
    expect(textOf(confirm)).toContain('EUR');

    // Submit: Megan's answer is her view of the request (she may cancel it, not approve it).
    const megansView = await click(MEGAN, personalChat, cardId, actionOf(confirm, { action: 'submit' }));
    expect(textOf(megansView)).toContain('Azure plan purchase for Contoso France');
    expect(textOf(megansView)).toContain('Waiting for approval');
    const requestId = String(actionOf(megansView, { verb: 'request.cancel' }).requestId);
    expect(() => actionOf(megansView, { verb: 'request.approve' })).toThrow();

    // The bot also updates the picker message into the shared request card, and opens a thread for it in Approvals.
    const shared = await stream.waitForBotMessage(
      (m) =>
        m.messageId === cardId &&
        m.updated &&
        hasCard(m) &&
        textOf(cardOf(m)).includes('Waiting for approval'),
    );
    expect(shared.conversationId).toBe(personalChat);
    const threadMessage = await inApprovals((m) => hasCard(m) && textOf(cardOf(m)).includes(requestId));
    expect(threadMessage.conversationId).toBe(`${APPROVALS_CHANNEL};messageid=${threadMessage.messageId}`);
    const threadCard = cardOf(threadMessage);
    expect(threadCard.refresh?.userIds).toEqual(expect.arrayContaining([MEGAN, ADELE]));

    // Adele's client refreshes the card for her (Teams does so for refresh.userIds): she sees Approve.
    const refresh = threadCard.refresh?.action;
    if (!refresh) throw new Error('the request card has no refresh action');
    const adelesView = await click(ADELE, threadMessage.conversationId, threadMessage.messageId, {
      verb: refresh.verb,
      ...refresh.data,
    });
    actionOf(adelesView, { verb: 'request.reject' });
    const approved = await click(
      ADELE,
      threadMessage.conversationId,
      threadMessage.messageId,
      actionOf(adelesView, { verb: 'request.approve' }),
    );
    expect(textOf(approved)).toContain('Approved. I am carrying it out with Partner Center.');
    expect(textOf(approved)).toContain('Adele Vance');

    // The order is placed in the background; Megan is told in her chat.
    const placed = await inMegansChat((m) =>
      /^Order .+ placed with Partner Center for Contoso France/.test(m.text ?? ''),
    );
    expect(placed.conversationId).toBe(personalChat);
    // Simulated time passes; the next order poll sees the order complete.
    await harness.simulator.advanceClock(5_000);
    const done = await harness.until(requestId, (r) => r.state === 'succeeded');
    const { planSubscriptionId } = z.object({ planSubscriptionId: z.string() }).parse(done.result);

    const completion = await inMegansChat((m) => (m.text ?? '').includes('is ready'));
    expect(completion.text).toContain('The Azure plan of Contoso France is ready.');
    expect(completion.text).toContain(planSubscriptionId);
    const completedHere = (m: BotMessage) =>
      m.updated &&
      hasCard(m) &&
      textOf(cardOf(m)).includes('Completed') &&
      textOf(cardOf(m)).includes(planSubscriptionId);
    await stream.waitForBotMessage((m) => m.messageId === cardId && completedHere(m));
    await stream.waitForBotMessage((m) => m.messageId === threadMessage.messageId && completedHere(m));
  });

  it('a suspension blocked, then one allowed and approved by Adele, then an upgrade, each told to Megan when it ends', async () => {
    await harness.simulator.configure({ planSuspensionDelayMs: 30_000, upgradeCompletionDelayMs: 60_000 });
    const invoke = async (
      as: string,
      conversationId: string,
      messageId: string,
      action: Record<string, unknown> & { verb: string },
    ) => {
      const { verb, ...data } = action;
      return answeredCard(
        await client.invokeCardAction({ as, conversationId, cardMessageId: messageId, verb, data }),
      );
    };
    /** Adele approves the request from its thread in the Approvals channel, as she would in the client. */
    const approveInThread = async (requestId: string) => {
      const threadMessage = await stream.waitForBotMessage(
        (m) =>
          m.conversationId.startsWith(`${APPROVALS_CHANNEL};`) &&
          hasCard(m) &&
          textOf(cardOf(m)).includes(requestId),
      );
      const refresh = cardOf(threadMessage).refresh?.action;
      if (!refresh) throw new Error('the request card has no refresh action');
      const adelesView = await invoke(ADELE, threadMessage.conversationId, threadMessage.messageId, {
        verb: refresh.verb,
        ...refresh.data,
      });
      const approved = await invoke(
        ADELE,
        threadMessage.conversationId,
        threadMessage.messageId,
        actionOf(adelesView, { verb: 'request.approve' }),
      );
      expect(textOf(approved)).toContain('Approved');
    };

    // Fabrikam still has active Azure subscriptions: the checklist says so and offers no way to submit.
    const inMegansChat = newMessagesIn(personalChat);
    await client.sendText({ as: MEGAN, conversationId: personalChat, text: 'suspend Fabrikam Inc' });
    const blocked = cardOf(await inMegansChat(hasCard));
    expect(textOf(blocked)).toContain('Active Azure subscriptions under the plan: 2 found');
    expect(() => actionOf(blocked, { action: 'submit' })).toThrow();

    // Northwind Traders: nothing uses its plan any more.
    const next = newMessagesIn(personalChat);
    await client.sendText({ as: MEGAN, conversationId: personalChat, text: 'suspend Northwind Traders' });
    const clearMessage = await next(hasCard);
    const clear = cardOf(clearMessage);
    expect(textOf(clear)).toContain('Active reservations: none');
    const megansView = await invoke(
      MEGAN,
      personalChat,
      clearMessage.messageId,
      actionOf(clear, { action: 'submit' }),
    );
    expect(textOf(megansView)).toContain('Suspension of the Azure plan of Northwind Traders');
    const suspension = String(actionOf(megansView, { verb: 'request.cancel' }).requestId);
    await approveInThread(suspension);
    await next((m) => (m.text ?? '').includes('accepted the suspension'));
    await harness.simulator.advanceClock(30_001);
    await harness.until(suspension, (r) => r.state === 'succeeded');
    await next((m) => /The Azure plan .+ of Northwind Traders is suspended\./.test(m.text ?? ''));

    // Wingtip Toys moves from the legacy offer to an Azure plan.
    const later = newMessagesIn(personalChat);
    await client.sendText({ as: MEGAN, conversationId: personalChat, text: 'upgrade Wingtip Toys' });
    const effectsMessage = await later(hasCard);
    const effects = cardOf(effectsMessage);
    expect(textOf(effects)).toContain('The spending budget does not carry over');
    const upgradeView = await invoke(
      MEGAN,
      personalChat,
      effectsMessage.messageId,
      actionOf(effects, { action: 'submit' }),
    );
    const upgrade = String(actionOf(upgradeView, { verb: 'request.cancel' }).requestId);
    await approveInThread(upgrade);
    await later((m) => (m.text ?? '').includes('upgrade of Wingtip Toys to an Azure plan has started'));
    await harness.simulator.advanceClock(60_001);
    await harness.until(upgrade, (r) => r.state === 'succeeded');
    const done = await later((m) => (m.text ?? '').includes('is complete'));
    expect(done.text).toContain('→');
  });

  it('posts a budget alert once in the General channel when a spend crosses 80 %, and Adele acknowledges it', async () => {
    const general = GENERAL_CHANNEL;
    const inChannel = newMessagesIn(general);
    await client.sendText({
      as: MEGAN,
      conversationId: general,
      text: 'alerts on Alpine Ski House',
      mentionBot: true,
    });
    const on = cardOf(await inChannel(hasCard));
    expect(textOf(on)).toContain('Budget alerts for Alpine Ski House are on in this conversation');

    const alpine = await harness.simulator.customer('Alpine Ski House');
    await axios.put(`${harness.simulator.baseUrl}/_sim/customers/${alpine.id}/spend`, {
      percentOfBudget: 83,
      dailyCost: 0,
    });
    const sweep = async (at: number) => {
      await harness.domain.monitor.startSweep(at);
      await harness.domain.spendQueue.tick();
      await harness.settle();
    };
    const alerts = newMessagesIn(general);
    await sweep(Date.now());
    const alertMessage = await alerts((m) => hasCard(m) && textOf(cardOf(m)).includes('has used 83%'));
    const alertCard = cardOf(alertMessage);
    expect(textOf(alertCard)).toContain('Alpine Ski House has used 83% of its Azure budget');

    const { verb, ...data } = actionOf(alertCard, { verb: 'alert.ack' });
    const acknowledged = answeredCard(
      await client.invokeCardAction({
        as: ADELE,
        conversationId: alertMessage.conversationId,
        cardMessageId: alertMessage.messageId,
        verb,
        data,
      }),
    );
    expect(textOf(acknowledged)).toContain('Acknowledged by Adele Vance');

    // The next sweep finds nothing new to say: the channel got one alert.
    await sweep(Date.now() + 3_600_000);
    const posted = stream
      .botMessages()
      .filter((m) => m.conversationId.startsWith(`${general};`) && hasCard(m))
      .filter((m) => textOf(cardOf(m)).includes('Alpine Ski House has used'));
    expect(posted).toHaveLength(1);
  });

  it('answers "whoami" in French when Megan\'s client speaks fr-FR', async () => {
    const next = newMessagesIn(personalChat);
    const sent = await client.sendText({
      as: MEGAN,
      conversationId: personalChat,
      text: 'whoami',
      locale: 'fr-FR',
    });
    expect(sent.route).toBe('customActivity');

    const whoami = textOf(cardOf(await next(hasCard)));
    for (const shown of ['Qui vous êtes pour moi', 'Nom', 'Megan Bowen', 'Rôles', 'Langue', 'Français']) {
      expect(whoami).toContain(shown);
    }
    expect(whoami).not.toContain('Who you are');
  });
});

import type { PurchaseHarness } from '../purchase/harness';
import { TeamsThread, actionOf, type Card } from '../purchase/teamsDriver';
import { APPROVER, REQUESTER } from '../../support/teamsActivities';

/** The catalog ids the simulator's Azure plan has (one product, one commercial availability). */
const COMMERCIAL = 'DZH318Z0BML6';

function required(card: Card | undefined): Card {
  if (!card) throw new Error('expected a card');
  return card;
}

/**
 * Megan buys an Azure plan for a customer with one match, as a Teams user clicks through the cards:
 * the request is created and waits for an approver. Returns the thread and the request.
 */
export async function requestPurchase(
  harness: PurchaseHarness,
  customer = 'Contoso France',
): Promise<{ thread: TeamsThread; requestId: string; cardId: string }> {
  const thread = new TeamsThread(harness);
  await thread.say(APPROVER, 'requests'); // the approver has talked to the bot: her Teams id is known
  const [first] = await thread.say(REQUESTER, `buy ${customer}`);
  const cardId = first.id;
  // The Azure plan is the only product on sale: the first card asks for the availability.
  const availabilities = required(first.card);
  const confirm = await thread.click(REQUESTER, cardId, actionOf(availabilities, { action: 'select' }), {
    choice: COMMERCIAL,
  });
  const submitted = await thread.click(
    REQUESTER,
    cardId,
    actionOf(required(confirm.card), { action: 'submit' }),
  );
  const requestId = String(actionOf(required(submitted.card), { verb: 'request.cancel' }).requestId);
  return { thread, requestId, cardId };
}

/** Adele approves the request on its card, and the purchase runs to a ready Azure plan. */
export async function approveAndComplete(
  harness: PurchaseHarness,
  purchase: { thread: TeamsThread; requestId: string; cardId: string },
): Promise<void> {
  const request = await harness.requests.get(purchase.requestId);
  const approved = await purchase.thread.click(APPROVER, purchase.cardId, {
    verb: 'request.approve',
    requestId: purchase.requestId,
    version: request?.version ?? 0,
    origin: 'card',
  });
  if (approved.statusCode !== 200) throw new Error(`approval answered ${approved.statusCode}`);
  await harness.settle();
  await harness.simulator.advanceClock(5_000);
  await harness.until(purchase.requestId, (r) => r.state === 'succeeded');
}

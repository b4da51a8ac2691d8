import { APPROVER, REQUESTER } from '../test/support/teamsActivities';
import { startPurchaseHarness, type PurchaseHarness } from '../test/integration/purchase/harness';
import { TeamsThread, actionOf, type Card } from '../test/integration/purchase/teamsDriver';
import { percentile, printResult, round, type BenchResult } from './benchResult';

const COMMERCIAL = 'DZH318Z0BML6';

/**
 * The fewest Partner Center calls one Azure plan purchase can make, per the API: find the customer
 * (1), product → SKU → availability for the CatalogItemId (3), create the cart (1), check it out
 * (1), read the order by id until it completes (1 at best; its line names the plan subscription).
 * A warm catalog saves the three catalog reads.
 */
const MINIMUM_CALLS = { cold: 7, warm: 4 };

interface PurchaseRun {
  apiCalls: number;
  tokenCalls: number;
  byStep: Record<string, number>;
  turns: Array<{ step: string; ms: number }>;
}

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`missing ${what}`);
  return value;
}

/** One purchase as two Teams users over HTTP, counting what reached the simulator. */
async function purchase(harness: PurchaseHarness, customer: string): Promise<PurchaseRun> {
  await harness.simulator.clearRequests();
  const t = new TeamsThread(harness);
  const counts: Record<string, number> = {};
  let seen = 0;
  const mark = async (step: string) => {
    const log = await harness.simulator.requests();
    counts[step] = log.length - seen;
    seen = log.length;
  };

  const started = performance.now();
  const [first] = await t.say(REQUESTER, `buy ${customer}`);
  t.latencies.push({ step: 'buy (first card)', ms: performance.now() - started });
  const cardId = first.id;
  // The Azure plan is the only product on sale: products, SKUs and availabilities are read for
  // the first card, which asks for the availability.
  await mark('lookup + checks + catalog');
  const confirm = await t.click(
    REQUESTER,
    cardId,
    actionOf(required(first.card, 'availability picker'), { action: 'select' }),
    { choice: COMMERCIAL },
    'availability picked',
  );
  await mark('confirmation');
  const submitted = await t.click(
    REQUESTER,
    cardId,
    actionOf(required(confirm.card, 'confirmation'), { action: 'submit' }),
    {},
    'submitted',
  );
  const requestId = String(
    actionOf(required(submitted.card, 'request card') as Card, { verb: 'request.cancel' }).requestId,
  );
  const refreshed = await t.click(
    APPROVER,
    cardId,
    { verb: 'request.refresh', requestId, version: (await harness.requests.get(requestId))?.version ?? 0 },
    {},
    'refreshed (approver)',
  );
  await t.click(
    APPROVER,
    cardId,
    actionOf(required(refreshed.card, 'approver view'), { verb: 'request.approve' }),
    {},
    'approved',
  );
  await harness.settle();
  await mark('execution (availability, cart, checkout)');
  await harness.simulator.advanceClock(5_000);
  await harness.until(requestId, (r) => r.state === 'succeeded');
  await mark('order polls');

  const log = await harness.simulator.requests();
  const tokenCalls = log.filter((r) => r.path.includes('/oauth2/')).length;
  return { apiCalls: log.length - tokenCalls, tokenCalls, byStep: counts, turns: t.latencies };
}

/**
 * Partner Center calls for one purchase with a cold and with a warm catalog, against the minimum the
 * API allows, and the latency of each card turn (bot over HTTP, simulator and SQLite on loopback).
 */
export async function benchPurchase(): Promise<BenchResult> {
  const harness = await startPurchaseHarness({ orderCompletionDelayMs: 1_000 });
  try {
    harness.pc.catalog.invalidate();
    const cold = await purchase(harness, 'Contoso France');
    // Same country (FR), catalog now cached by the client: only the per-purchase calls remain.
    await harness.simulator.reseed();
    const warm = await purchase(harness, 'Contoso France');
    const turns = [...cold.turns, ...warm.turns];
    const figures: Record<string, number> = {
      coldApiCalls: cold.apiCalls,
      coldTokenCalls: cold.tokenCalls,
      coldMinimumApiCalls: MINIMUM_CALLS.cold,
      coldRatioToMinimum: round(cold.apiCalls / MINIMUM_CALLS.cold),
      warmApiCalls: warm.apiCalls,
      warmTokenCalls: warm.tokenCalls,
      warmMinimumApiCalls: MINIMUM_CALLS.warm,
      warmRatioToMinimum: round(warm.apiCalls / MINIMUM_CALLS.warm),
    };
    const byStep = new Map<string, number[]>();
    for (const { step, ms } of turns) byStep.set(step, [...(byStep.get(step) ?? []), ms]);
    for (const [step, values] of byStep) {
      figures[`turnMs ${step}`] = round(Math.max(...values), 1);
    }
    const all = turns.map((turn) => turn.ms).sort((a, b) => a - b);
    figures.cardTurnP50Ms = round(percentile(all, 50), 1);
    figures.cardTurnMaxMs = round(all[all.length - 1], 1);
    return {
      name: 'one Azure plan purchase through the bot (two Teams users, simulator, SQLite)',
      figures,
      notes: [
        `cold calls by step: ${JSON.stringify(cold.byStep)}`,
        `warm calls by step: ${JSON.stringify(warm.byStep)}`,
        "above the minimum (3 calls, warm or cold): the readiness checks before the catalog (the customer's subscriptions: a legacy MS-AZR-0145P subscription or an Azure plan already there means no purchase; the agreements: without a Microsoft Customer Agreement checkout fails with 13605 after the approval), and the Azure entitlements read once the plan exists, to give its Azure subscription id in the completion message",
        'no longer made: the availability read again before the cart (the confirmed CatalogItemId is used; a retired one gets 400019 at checkout, which reads it again) and the subscriptions-by-order read (the completed order line names the plan subscription)',
        'turn latency is the slower of the two runs per step; the first run includes the token calls',
      ],
    };
  } finally {
    await harness.close();
  }
}

if (require.main === module) {
  benchPurchase().then(printResult, (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}

import { APPROVER, REQUESTER } from '../test/support/teamsActivities';
import { startInvoiceHarness, type InvoiceHarness } from '../test/integration/invoices/harness';
import { TeamsThread, actionOf, type Card } from '../test/integration/purchase/teamsDriver';
import { printResult, type BenchResult } from './benchResult';

/**
 * The fewest calls each flow can make, by the API (what the documentation requires and no more):
 * - suspend with its preflight: find the customer (1), its subscriptions for the plan (1), the
 *   plan's Azure entitlements (1), the reservations (1), the plan read for its body and etag (1),
 *   the PATCH (1), the status read back (1) = 7;
 * - reactivate: customer (1), subscriptions (1), plan read (1), PATCH (1), read back (1) = 5;
 * - upgrade: customer (1), eligibility (1), create (1), status until complete (1) = 4;
 * - usage: customer (1), usage summary (1), subscription usage records (1), the plan's meter (1)
 *   and resource (1) records = 5;
 * - invoices: the list (1);
 * - one invoice with its totals per customer: the invoice (1) and its line items, which for new
 *   commerce only the Graph export gives: start (1), status until done (1), manifest (1), each blob
 *   (1 here) = 5;
 * - recon (Graph v2): the same 5.
 */
const MINIMUM: Record<string, number> = {
  suspend: 7,
  reactivate: 5,
  upgrade: 4,
  usage: 5,
  invoices: 1,
  'invoice by id': 5,
  'recon (Graph v2)': 5,
};

/** Why a flow makes the calls beyond its minimum (each was looked at; none is needed less). */
const WHY: Record<string, string> = {
  suspend:
    "8 beyond it: the reservation's artifact details (1, the list alone does not say whether a reservation is still active); the savings-plan and pending-order checks (2, commitments Partner Center does not refuse the suspension for); the same reservation, savings-plan and pending-order checks again when the approved request executes (4, approval can come hours later; the Azure-subscription check is not repeated, since Partner Center refuses the PATCH itself with 900115); a second status read back (1, the simulator shows the change after a delay, as Partner Center does)",
  reactivate: 'none',
  upgrade:
    "2 beyond it: the customer's subscriptions are read to name on the confirmation card the legacy 0145P subscription that the upgrade will suspend (1, beside the eligibility check, not after it); a second status poll (1, the upgrade completes after a delay)",
  usage: 'none beyond the minimum expected',
  invoices: '—',
  'invoice by id': 'the export status is polled until it succeeds (the simulator takes two polls)',
  'recon (Graph v2)': 'the export status is polled until it succeeds (the simulator takes two polls)',
};

type Flow = (harness: InvoiceHarness, t: TeamsThread) => Promise<void>;

async function approveOnCard(harness: InvoiceHarness, t: TeamsThread, cardId: string, card: Card) {
  const requestId = String(actionOf(card, { verb: 'request.cancel' }).requestId);
  const version = (await harness.requests.get(requestId))?.version ?? 0;
  await t.click(APPROVER, cardId, { verb: 'request.approve', requestId, version, origin: 'card' });
  return requestId;
}

async function changeWithApproval(harness: InvoiceHarness, t: TeamsThread, command: string, clockMs: number) {
  const [first] = await t.say(REQUESTER, command);
  if (!first.card) throw new Error(`no card for ${command}`);
  const submitted = await t.click(REQUESTER, first.id, actionOf(first.card, { action: 'submit' }));
  const requestId = await approveOnCard(harness, t, first.id, submitted.card as Card);
  await harness.settle();
  await harness.simulator.advanceClock(clockMs);
  await harness.until(requestId, (r) => r.state === 'succeeded' || r.state === 'failed', 20_000);
}

const FLOWS: Record<string, Flow> = {
  suspend: (h, t) => changeWithApproval(h, t, 'suspend Northwind Traders', 30_001),
  reactivate: (h, t) => changeWithApproval(h, t, 'reactivate Tailspin Toys', 1),
  upgrade: (h, t) => changeWithApproval(h, t, 'upgrade Wingtip Toys', 60_001),
  usage: async (_h, t) => {
    await t.say(REQUESTER, 'usage Alpine Ski House');
  },
  invoices: async (_h, t) => {
    await t.say(REQUESTER, 'invoices');
  },
  'invoice by id': async (h, t) => {
    await t.say(REQUESTER, 'invoices G000100001');
    await h.finishReconciliations();
  },
  'recon (Graph v2)': async (h, t) => {
    await t.say(REQUESTER, 'recon G000100001');
    await h.finishReconciliations();
  },
};

/** Partner Center (and Graph) calls per flow through the bot, from the simulator's request log. */
export async function benchFlowCalls(): Promise<BenchResult> {
  const harness = await startInvoiceHarness();
  const figures: Record<string, number> = {};
  const notes: string[] = [];
  try {
    await harness.simulator.configure({
      planSuspensionAnswer: 'ok',
      planSuspensionDelayMs: 30_000,
      planReactivationDelayMs: 0,
      upgradeCompletionDelayMs: 60_000,
      appUserMfa: true,
    });
    for (const [name, flow] of Object.entries(FLOWS)) {
      await harness.simulator.clearRequests();
      await flow(harness, new TeamsThread(harness));
      const calls = (await harness.simulator.requests()).filter(
        (r) => !r.path.includes('/oauth2/') && !r.path.startsWith('/_sim'),
      );
      figures[`${name} calls`] = calls.length;
      figures[`${name} minimum`] = MINIMUM[name];
      const byCall = new Map<string, number>();
      for (const call of calls) {
        const shape = `${call.method} ${call.path.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/gi, '{id}')}`;
        byCall.set(shape, (byCall.get(shape) ?? 0) + 1);
      }
      notes.push(
        `${name}: ${calls.length} calls (minimum ${MINIMUM[name]}); beyond it: ${WHY[name]}; log: ${[
          ...byCall,
        ]
          .map(([shape, n]) => `${n}× ${shape}`)
          .join(', ')}`,
      );
    }
    return { name: 'Partner Center calls per flow, through the bot (simulator request log)', figures, notes };
  } finally {
    await harness.close();
  }
}

if (require.main === module) {
  benchFlowCalls().then(printResult, (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}

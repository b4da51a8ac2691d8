import type { Storage, TurnContext } from 'botbuilder';
import { CardDialogHost } from '../../dialogs/cardDialogHost';
import { CARD_DIALOG_VERB } from '../../dialogs/cardPrompt';
import { PurchaseDialog } from '../../dialogs/purchaseDialog';
import type { Logger } from '../../logging';
import type { PartnerCenterClient } from '../../partnercenter';
import type { Store } from '../../store';
import type { RequestNotifier } from '../../workflows/notifier';
import type { RequestService } from '../../workflows/requestService';
import type { RolePolicy } from '../../workflows/roles';
import { orderCommand, ordersCommand } from '../handlers/orders';
import {
  buyCommand,
  continuePurchaseDialog,
  purchaseSubmitVerb,
  requestPublisher,
  searchCustomers,
} from '../handlers/purchase';
import { RequestCards, RequestMetaBook } from '../handlers/requestCards';
import { requestVerbs, requestsCommand } from '../handlers/requests';
import type { CommandHandler, CommandHandlers, VerbHandler, VerbHandlers } from '../handlers/types';
import type { ProactiveMessenger } from '../proactive';
import { TeamsRequestNotifier } from '../requestNotifier';
import { requiredTurnServices, type TurnServices } from '../turnServices';
import { UserDirectory } from './userDirectory';

export interface PurchaseFeatureDeps {
  store: Store;
  pc: PartnerCenterClient;
  requests: RequestService;
  messenger: ProactiveMessenger;
  roles: RolePolicy;
  logger: Logger;
  /** A Teams channel id: every purchase request also opens a thread there. */
  approvalsConversationId?: string;
  /** botbuilder Storage for dialog state (store.botState). */
  dialogStorage: Storage;
}

export interface PurchaseFeature {
  commands: CommandHandlers;
  verbs: VerbHandlers;
  continueDialog: (context: TurnContext, services: TurnServices) => Promise<boolean>;
  search: (
    context: TurnContext,
    services: TurnServices,
    dataset: string,
    queryText: string,
  ) => Promise<Array<{ title: string; value: string }>>;
  notifier: RequestNotifier;
}

/**
 * Issue #4, the Teams side: `buy` (the purchase dialog), the request card and its verbs
 * (approve, reject, cancel, per-user refresh), `requests`, `order` and `orders`, the customer
 * typeahead, and the notifier that keeps request cards current and reports the order's outcome.
 */
export function createPurchaseFeature(deps: PurchaseFeatureDeps): PurchaseFeature {
  const { store, pc, requests, roles, logger } = deps;
  const directory = new UserDirectory(store.kv, roles);
  const cards = new RequestCards(roles, directory);
  const meta = new RequestMetaBook(store.kv);
  const host = new CardDialogHost({
    storage: deps.dialogStorage,
    idempotency: store.idempotency,
    kv: store.kv,
  });
  host.add(
    new PurchaseDialog({
      pc,
      store,
      roles,
      requests,
      prompts: host,
      turn: requiredTurnServices,
      publishRequest: requestPublisher({
        requests,
        cards,
        meta,
        messenger: deps.messenger,
        approvalsConversationId: deps.approvalsConversationId,
        logger,
        services: requiredTurnServices,
      }),
    }),
  );

  const purchaseDeps = { host, directory, pc };
  const requestDeps = { requests, roles, cards };
  const orderDeps = { pc, store, logger };

  // Every way in records who the user is (their MRI), so that request cards can address approvers.
  const remembering =
    (handler: CommandHandler): CommandHandler =>
    async (request) => {
      await directory.remember(request.context);
      await handler(request);
    };
  const rememberingVerb =
    (handler: VerbHandler): VerbHandler =>
    async (request) => {
      await directory.remember(request.context);
      return handler(request);
    };

  const verbs: VerbHandlers = Object.fromEntries(
    Object.entries({
      [CARD_DIALOG_VERB]: purchaseSubmitVerb(purchaseDeps),
      ...requestVerbs(requestDeps),
    }).map(([verb, handler]) => [verb, rememberingVerb(handler)]),
  );

  return {
    commands: {
      buy: remembering(buyCommand(purchaseDeps)),
      requests: remembering(requestsCommand(requestDeps)),
      order: remembering(orderCommand(orderDeps)),
      orders: remembering(ordersCommand(orderDeps)),
    },
    verbs,
    async continueDialog(context, turn) {
      await directory.remember(context);
      return continuePurchaseDialog(purchaseDeps, context, turn);
    },
    async search(context, turn, dataset, queryText) {
      await directory.remember(context);
      return searchCustomers(purchaseDeps, context, turn, dataset, queryText);
    },
    notifier: new TeamsRequestNotifier({
      messenger: deps.messenger,
      requests: store.requests,
      cards,
      meta,
      logger,
    }),
  };
}

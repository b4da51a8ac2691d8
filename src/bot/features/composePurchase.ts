import type { AppConfig } from '../../config';
import type { Logger } from '../../logging';
import type { PartnerCenterClient } from '../../partnercenter';
import type { Store } from '../../store';
import { OrderWatcher, PurchaseExecutor, RequestService } from '../../workflows';
import type { PurchaseExecutorDeps } from '../../workflows/purchaseExecutor';
import { RolePolicy } from '../../workflows/roles';
import type { BotFeatureFactory } from '../app';
import { RequestNotifierRelay } from '../requestNotifier';
import { createPurchaseFeature } from './purchase';

export interface PurchaseComposition {
  roles: RolePolicy;
  requests: RequestService;
  executor: PurchaseExecutor;
  watcher: OrderWatcher;
  /** Plugs the purchase commands, verbs, dialog and notifier into startBotApp. */
  feature: BotFeatureFactory;
}

export interface PurchaseCompositionDeps {
  store: Store;
  pc: PartnerCenterClient;
  logger: Logger;
  config: Pick<AppConfig, 'roles' | 'approvals'>;
  /** Names this process in execution leases and watch claims (the scheduler's instance id). */
  instanceId: string;
  /** Executor timings (tests shorten them). */
  executor?: Pick<PurchaseExecutorDeps, 'firstOrderPollMs' | 'retryDelaysMs' | 'maxRounds'>;
}

/**
 * The purchase domain and its Teams feature, wired the one way main.ts and the tests both use. The
 * domain is built before the bot exists and reaches Teams through a relay that the feature's
 * notifier joins once the bot (and its proactive messenger) has started.
 */
export function composePurchase(deps: PurchaseCompositionDeps): PurchaseComposition {
  const { store, pc, logger, config, instanceId } = deps;
  const roles = new RolePolicy(config.roles);
  const notifier = new RequestNotifierRelay();
  const executor = new PurchaseExecutor({ store, pc, notifier, logger, instanceId, ...deps.executor });
  const requests = new RequestService({
    store,
    roles,
    approvalRequiredFor: config.approvals.requiredFor,
    notifier,
    executor,
    expiryHours: config.approvals.expiryHours,
    logger,
  });
  const watcher = new OrderWatcher({ store, pc, notifier, logger, instanceId });
  const feature: BotFeatureFactory = ({ messenger }) => {
    const purchase = createPurchaseFeature({
      store,
      pc,
      requests,
      messenger,
      roles,
      logger,
      approvalsConversationId: config.approvals.conversationId,
      dialogStorage: store.botState,
    });
    notifier.attach(purchase.notifier);
    return purchase;
  };
  return { roles, requests, executor, watcher, feature };
}

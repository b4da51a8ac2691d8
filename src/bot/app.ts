import { randomBytes } from 'node:crypto';
import type { TurnContext } from 'botbuilder';
import { renderCard } from '../cards/render';
import type { AppConfig } from '../config';
import { CardDialogHost } from '../dialogs/cardDialogHost';
import { t } from '../i18n';
import type { Logger } from '../logging';
import type { GraphBillingClient, PartnerCenterClient } from '../partnercenter';
import type { Store } from '../store';
import type { KindRegistry, RequestNotifier, RequestService, RolePolicy, WorkQueue } from '../workflows';
import type { ReconciliationTuning } from '../workflows/invoices/reconciliationJob';
import { AzurePlanOpsBot } from './activityHandler';
import { createAdapter, type AzurePlanOpsAdapter } from './adapter';
import { CommandParser, PLANNED_COMMANDS } from './commands';
import { DownloadLinks, type DownloadLinkSettings } from './downloads/downloadLinks';
import { ConversationReferenceBook } from './conversationReferences';
import { ActAsBook, actAsFeature, type SandboxPerson } from './features/actAs';
import { continueCardDialog } from './features/cardDialogs';
import { coreFeature } from './features/core';
import {
  assembleFeatures,
  type FeatureDefinition,
  type FeatureHost,
  type FeatureSet,
  type GovernanceSettings,
} from './features/feature';
import { requestPublisher } from './features/requestPublisher';
import { guardDialogContinuation, guardRoutes } from './governance/routeGuard';
import { TurnAudit } from './governance/turnAudit';
import { UserDirectory } from './features/userDirectory';
import { helpCard } from './handlers/help';
import { RequestCards, RequestMetaBook } from './handlers/requestCards';
import { PresenterRegistry } from './presenters/presenter';
import { ProactiveMessenger } from './proactive';
import { TeamsRequestNotifier } from './requestNotifier';
import { startBotServer, type BotServer, type ReadinessCheck } from './server';
import { requiredTurnServices } from './turnServices';

/** The domain as the Teams side uses it (composed outside the bot layer, once). */
export interface BotDomain {
  requests: RequestService;
  roles: RolePolicy;
  kinds: KindRegistry;
  /** Where the domain's notices go once the bot can send them. */
  attachNotifier(notifier: RequestNotifier): void;
  /** The durable work queue: features' background tasks are registered and queued there. */
  queue: Pick<WorkQueue, 'register' | 'enqueue' | 'kick'>;
}

export interface BotAppDeps {
  config: Pick<AppConfig, 'botAuth' | 'allowedTenantIds' | 'approvals'> &
    Partial<Pick<AppConfig, 'turnDeadlineMs'>>;
  logger: Logger;
  store: Store;
  pc: PartnerCenterClient;
  domain: BotDomain;
  /** The features wired into the router, besides the core one (help, whoami, dialogs, typeahead). */
  features: readonly FeatureDefinition[];
  /** Extra readiness checks (Partner Center); the store's is always there. */
  readiness?: ReadinessCheck[];
  /** Microsoft Graph partner billing (reconciliation v2); without it new-commerce reconciliation says so. */
  graphBilling?: GraphBillingClient;
  reconciliation?: ReconciliationTuning;
  /** Signed download links; default: a random key (links die with the process) and the bot's own URL. */
  downloads?: Omit<DownloadLinkSettings, 'signingKey'> & { signingKey?: Buffer };
  /** Names of people for role grants (Microsoft Graph) and the audit retention the cards state. */
  governance?: GovernanceSettings;
  /** Sandbox only: the people one may act as (`act as Adele`), so the Playground's user can approve. */
  actAs?: { people: readonly SandboxPerson[] };
}

export interface BotApp {
  server: BotServer;
  adapter: AzurePlanOpsAdapter;
  bot: AzurePlanOpsBot;
  messenger: ProactiveMessenger;
  references: ConversationReferenceBook;
  /** What the features brought (commands, verbs, dialogs, datasets, presenters, routes, tasks). */
  features: FeatureSet;
  downloadLinks: DownloadLinks;
}

/**
 * Wires the Teams-facing half: adapter, the one dialog host, the features (each claims its commands,
 * verbs, dialogs, datasets and presenters once; a second claim stops the start), the request cards
 * and the notifier the domain reports to, the router and the HTTP server.
 */
export async function startBotApp(deps: BotAppDeps, listen: { port: number; host: string }): Promise<BotApp> {
  const { bot, adapter, messenger, references, features, downloadLinks } = buildBot(deps);
  const server = await startBotServer(
    {
      adapter,
      bot,
      logger: deps.logger,
      readiness: [{ name: 'store', check: () => deps.store.ping() }, ...(deps.readiness ?? [])],
      ...(deps.config.turnDeadlineMs !== undefined ? { turnDeadlineMs: deps.config.turnDeadlineMs } : {}),
      routes: features.routes,
    },
    listen.port,
    listen.host,
  );
  downloadLinks.useServerUrl(server.url);
  return { server, adapter, bot, messenger, references, features, downloadLinks };
}

/** Everything but the HTTP server: the bot as an adapter runs it (tests drive it without HTTP). */
export function buildBot(deps: BotAppDeps): Omit<BotApp, 'server'> {
  const { config, logger, store, domain } = deps;
  const adapter = createAdapter(config.botAuth, logger);
  const references = new ConversationReferenceBook(store.conversations);
  const messenger = new ProactiveMessenger(adapter, config.botAuth?.appId ?? '', references, logger);
  const directory = new UserDirectory(store.kv, domain.roles);
  const presenters = new PresenterRegistry(domain.kinds);
  const requestCards = new RequestCards(directory, presenters);
  const requestMeta = new RequestMetaBook(store.kv);
  const downloadLinks = new DownloadLinks({
    ...deps.downloads,
    signingKey: deps.downloads?.signingKey ?? randomBytes(32),
  });
  const dialogs = new CardDialogHost({
    storage: store.botState,
    idempotency: store.idempotency,
    kv: store.kv,
    localeOf: (context: TurnContext) => requiredTurnServices(context).locale,
    cancelledCard: (context: TurnContext, flow?: string) => {
      const { locale } = requiredTurnServices(context);
      const text = flow ? t(locale, 'dialogs.cancelled', { flow }) : t(locale, 'dialogs.cancelledUntitled');
      return renderCard('notice', { text }, locale);
    },
  });
  const host: FeatureHost = {
    store,
    pc: deps.pc,
    logger,
    requests: domain.requests,
    roles: domain.roles,
    kinds: domain.kinds,
    dialogs,
    messenger,
    directory,
    requestCards,
    requestMeta,
    publishRequest: requestPublisher({
      requests: domain.requests,
      cards: requestCards,
      meta: requestMeta,
      messenger,
      approvers: {
        namedMembers: (role) => domain.roles.namedMembers(role),
        mriOf: (aadObjectId) => directory.mriOf(aadObjectId),
      },
      approvalsConversationId: config.approvals.conversationId,
      logger,
    }),
    work: domain.queue,
    downloadLinks,
    graphBilling: deps.graphBilling,
    reconciliation: deps.reconciliation,
    governance: deps.governance,
  };

  // The core feature lists every command (help, its buttons): known once all features are in.
  const late: { features?: FeatureSet } = {};
  const ready = (): FeatureSet => {
    if (!late.features) throw new Error('features are not assembled yet');
    return late.features;
  };
  const core = coreFeature({
    served: () => ready().words.map((w) => w.id),
    handlers: () => ready().commands,
  });
  const actAs = deps.actAs && new ActAsBook(store.kv, deps.actAs.people);
  const features = assembleFeatures([core, ...deps.features, ...(actAs ? [actAsFeature(actAs)] : [])], host);
  late.features = features;
  for (const dialog of features.dialogs) dialogs.add(dialog);
  for (const presenter of features.presenters) presenters.register(presenter);
  for (const task of features.tasks) domain.queue.register(task);
  const parser = new CommandParser(features.words, PLANNED_COMMANDS);
  // Every route but help and whoami needs the viewer role, and what it reads is audited.
  const turnAudit = new TurnAudit(store.audit);
  deps.pc.onCall(turnAudit.listener);
  guardRoutes(features, turnAudit);

  domain.attachNotifier(
    new TeamsRequestNotifier({
      messenger,
      requests: store.requests,
      cards: requestCards,
      meta: requestMeta,
      presenters,
      directory,
    }),
  );

  const bot = new AzurePlanOpsBot({
    logger,
    roles: domain.roles,
    references,
    directory,
    ...(actAs ? { actAs } : {}),
    allowedTenantIds: config.allowedTenantIds,
    audit: store.audit,
    parser,
    commands: features.commands,
    verbs: features.verbs,
    searches: features.searches,
    continueDialog: guardDialogContinuation(
      (context, services) => continueCardDialog(dialogs, context, services),
      turnAudit,
    ),
    help: (services, notice) =>
      helpCard(
        services,
        features.words.map((w) => w.id),
        notice,
      ),
  });
  return { adapter, bot, messenger, references, features, downloadLinks };
}

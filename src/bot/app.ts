import type { CloudAdapter, TurnContext } from 'botbuilder';
import type { AppConfig } from '../config';
import type { Logger } from '../logging';
import type { Store } from '../store';
import { RolePolicy } from '../workflows/roles';
import { AzurePlanOpsBot, type BotDeps } from './activityHandler';
import { createAdapter } from './adapter';
import { ConversationReferenceBook } from './conversationReferences';
import { helpCommand, runCommandVerb } from './handlers/help';
import type { CommandHandlers, VerbHandlers } from './handlers/types';
import { whoamiCommand } from './handlers/whoami';
import { ProactiveMessenger } from './proactive';
import { startBotServer, type BotServer, type ReadinessCheck } from './server';
import type { TurnServices } from './turnServices';

/** A slice of the bot (commands, card verbs, dialogs, typeahead) built once the Teams half exists. */
export interface BotFeature {
  commands?: CommandHandlers;
  verbs?: VerbHandlers;
  continueDialog?: BotDeps['continueDialog'];
  search?: BotDeps['search'];
}

export type BotFeatureFactory = (host: {
  adapter: CloudAdapter;
  messenger: ProactiveMessenger;
  references: ConversationReferenceBook;
  roles: RolePolicy;
}) => BotFeature;

export interface BotAppDeps {
  config: Pick<AppConfig, 'botAuth' | 'allowedTenantIds' | 'roles'>;
  logger: Logger;
  store: Store;
  /** Extra readiness checks (Partner Center); the store's is always there. */
  readiness?: ReadinessCheck[];
  /** Features wired into the router (e.g. createPurchaseFeature), in order. */
  features?: BotFeatureFactory[];
}

export interface BotApp {
  server: BotServer;
  adapter: CloudAdapter;
  bot: AzurePlanOpsBot;
  messenger: ProactiveMessenger;
  references: ConversationReferenceBook;
  roles: RolePolicy;
}

/** Wires the Teams-facing half: adapter, router, handlers, proactive messenger and the HTTP server. */
export async function startBotApp(deps: BotAppDeps, listen: { port: number; host: string }): Promise<BotApp> {
  const { config, logger, store } = deps;
  const adapter = createAdapter(config.botAuth, logger);
  const roles = new RolePolicy(config.roles);
  const references = new ConversationReferenceBook(store.conversations);
  const messenger = new ProactiveMessenger(adapter, config.botAuth?.appId ?? '', references, logger);

  const features = (deps.features ?? []).map((create) => create({ adapter, messenger, references, roles }));
  const commands: CommandHandlers = {
    help: helpCommand,
    whoami: whoamiCommand,
    ...Object.assign({}, ...features.map((f) => f.commands ?? {})),
  };
  const verbs: VerbHandlers = {
    ...Object.assign({}, ...features.map((f) => f.verbs ?? {})),
    'command.run': runCommandVerb(commands),
  };
  const dialogs = features.flatMap((f) => (f.continueDialog ? [f.continueDialog] : []));
  const searches = features.flatMap((f) => (f.search ? [f.search] : []));

  const bot = new AzurePlanOpsBot({
    logger,
    roles,
    references,
    allowedTenantIds: config.allowedTenantIds,
    commands,
    verbs,
    ...(dialogs.length > 0 ? { continueDialog: firstThatTakes(dialogs) } : {}),
    ...(searches.length > 0 ? { search: allResults(searches) } : {}),
  });
  const server = await startBotServer(
    {
      adapter,
      bot,
      logger,
      readiness: [{ name: 'store', check: () => store.ping() }, ...(deps.readiness ?? [])],
    },
    listen.port,
    listen.host,
  );
  return { server, adapter, bot, messenger, references, roles };
}

type DialogContinuation = NonNullable<BotDeps['continueDialog']>;
type Search = NonNullable<BotDeps['search']>;

function firstThatTakes(dialogs: DialogContinuation[]): DialogContinuation {
  return async (context: TurnContext, services: TurnServices) => {
    for (const dialog of dialogs) if (await dialog(context, services)) return true;
    return false;
  };
}

function allResults(searches: Search[]): Search {
  return async (context, services, dataset, queryText) =>
    (await Promise.all(searches.map((search) => search(context, services, dataset, queryText)))).flat();
}

import type { CloudAdapter } from 'botbuilder';
import type { AppConfig } from '../config';
import type { Logger } from '../logging';
import type { Store } from '../store';
import { RolePolicy } from '../workflows/roles';
import { AzurePlanOpsBot } from './activityHandler';
import { createAdapter } from './adapter';
import { ConversationReferenceBook } from './conversationReferences';
import { helpCommand, runCommandVerb } from './handlers/help';
import type { CommandHandlers, VerbHandlers } from './handlers/types';
import { whoamiCommand } from './handlers/whoami';
import { ProactiveMessenger } from './proactive';
import { startBotServer, type BotServer, type ReadinessCheck } from './server';

export interface BotAppDeps {
  config: Pick<AppConfig, 'botAuth' | 'allowedTenantIds' | 'roles'>;
  logger: Logger;
  store: Store;
  /** Extra readiness checks (Partner Center); the store's is always there. */
  readiness?: ReadinessCheck[];
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

  const commands: CommandHandlers = {
    help: helpCommand,
    whoami: whoamiCommand,
  };
  const verbs: VerbHandlers = {
    'command.run': runCommandVerb(commands),
  };

  const bot = new AzurePlanOpsBot({
    logger,
    roles,
    references,
    allowedTenantIds: config.allowedTenantIds,
    commands,
    verbs,
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

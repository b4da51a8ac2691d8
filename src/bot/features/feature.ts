import type { Dialog } from 'botbuilder-dialogs';
import type { Logger } from '../../logging';
import type { GraphBillingClient, PartnerCenterClient } from '../../partnercenter';
import type { Store, WatchInput } from '../../store';
import type { KindRegistry, RequestService, RolePolicy, TaskHandler, WorkScheduler } from '../../workflows';
import type { ReconciliationTuning } from '../../workflows/invoices/reconciliationJob';
import type { DownloadLinks } from '../downloads/downloadLinks';
import type { HttpRoute } from '../httpRoute';
import type { CommandWords } from '../commands';
import type { CardDialogHost } from '../../dialogs/cardDialogHost';
import type { RequestCards, RequestMetaBook } from '../handlers/requestCards';
import type { CommandHandler, SearchHandler, VerbHandler } from '../handlers/types';
import type { KindPresenter } from '../presenters/presenter';
import type { ProactiveMessenger } from '../proactive';
import type { RequestPublisher } from './requestPublisher';
import type { UserDirectory } from './userDirectory';

/** What every feature is built with: the domain, the Teams plumbing and the shared request cards. */
export interface FeatureHost {
  store: Store;
  pc: PartnerCenterClient;
  logger: Logger;
  requests: RequestService;
  roles: RolePolicy;
  kinds: KindRegistry;
  /** The one dialog host: features add their dialogs to it and begin them through it. */
  dialogs: CardDialogHost;
  messenger: ProactiveMessenger;
  directory: UserDirectory;
  requestCards: RequestCards;
  requestMeta: RequestMetaBook;
  /** Turns a dialog's confirmation card into the new request's card (and its approvals thread). */
  publishRequest: RequestPublisher;
  /** Durable background work (the store's work queue, every instance): what outlasts a turn. */
  work: WorkScheduler & { enqueue(task: WatchInput): Promise<unknown> };
  /** Short-lived signed links to files the bot serves (`routes`). */
  downloadLinks: DownloadLinks;
  /** Microsoft Graph partner billing (reconciliation v2), when configured, and its export timings. */
  graphBilling?: GraphBillingClient;
  reconciliation?: ReconciliationTuning;
  /** Governance: people's names (Microsoft Graph) for grants, and how long audit rows are kept. */
  governance?: GovernanceSettings;
}

export interface GovernanceSettings {
  people?: { displayName(userId: string, options?: { correlationId?: string }): Promise<string | undefined> };
  auditRetentionDays: number;
}

/** What a feature plugs into the bot. */
export interface FeatureParts {
  /** A handler for each command the definition declares, by id. */
  commands?: Record<string, CommandHandler>;
  /** Action.Execute verbs (and Action.Submit values with a `verb`). */
  verbs?: Record<string, VerbHandler>;
  dialogs?: Dialog[];
  /** Typeahead datasets (Data.Query) this feature answers. */
  searches?: Record<string, SearchHandler>;
  /** How the request kinds this feature brings are worded. */
  presenters?: KindPresenter[];
  /** HTTP routes beside /api/messages, outside Bot Framework auth: each checks its own callers. */
  routes?: HttpRoute[];
  /** Durable background tasks this feature queues (registered with the work queue). */
  tasks?: TaskHandler[];
}

/**
 * One slice of the bot (purchase, orders, requests, lifecycle…): the words of its commands in both
 * languages, known without building anything (the help card and the app manifest list them), and
 * the parts it plugs in once the bot exists.
 */
export interface FeatureDefinition {
  name: string;
  commands: readonly CommandWords[];
  create(host: FeatureHost): FeatureParts;
}

/** Every command, verb, dialog, dataset, presenter, route and task the features brought, each claimed once. */
export interface FeatureSet {
  words: CommandWords[];
  commands: Map<string, CommandHandler>;
  verbs: Map<string, VerbHandler>;
  dialogs: Dialog[];
  searches: Map<string, SearchHandler>;
  presenters: KindPresenter[];
  routes: HttpRoute[];
  tasks: TaskHandler[];
}

/**
 * Builds the features and merges what they bring. Two features that claim one command, word, verb,
 * dialog, dataset, presenter, route or task stop the start with an error naming both: nothing
 * overrides silently.
 */
export function assembleFeatures(definitions: readonly FeatureDefinition[], host: FeatureHost): FeatureSet {
  const set: FeatureSet = {
    words: [],
    commands: new Map(),
    verbs: new Map(),
    dialogs: [],
    searches: new Map(),
    presenters: [],
    routes: [],
    tasks: [],
  };
  const owners = new Map<string, string>();
  const claim = (what: string, feature: string) => {
    const owner = owners.get(what);
    if (owner !== undefined) throw new Error(`${what} is claimed by two features: ${owner} and ${feature}`);
    owners.set(what, feature);
  };
  for (const definition of definitions) {
    claim(`feature "${definition.name}"`, definition.name);
    const parts = definition.create(host);
    const declared = new Set(definition.commands.map((c) => c.id));
    for (const words of definition.commands) {
      claim(`command "${words.id}"`, definition.name);
      const handler = parts.commands?.[words.id];
      if (!handler)
        throw new Error(`Feature "${definition.name}" declares command "${words.id}" without a handler`);
      set.words.push(words);
      set.commands.set(words.id, handler);
    }
    for (const id of Object.keys(parts.commands ?? {})) {
      if (!declared.has(id))
        throw new Error(`Feature "${definition.name}" handles undeclared command "${id}"`);
    }
    for (const [verb, handler] of Object.entries(parts.verbs ?? {})) {
      claim(`verb "${verb}"`, definition.name);
      set.verbs.set(verb, handler);
    }
    for (const dialog of parts.dialogs ?? []) {
      claim(`dialog "${dialog.id}"`, definition.name);
      set.dialogs.push(dialog);
    }
    for (const [dataset, handler] of Object.entries(parts.searches ?? {})) {
      claim(`dataset "${dataset}"`, definition.name);
      set.searches.set(dataset, handler);
    }
    for (const presenter of parts.presenters ?? []) {
      claim(`presenter of "${presenter.kind}"`, definition.name);
      set.presenters.push(presenter);
    }
    for (const route of parts.routes ?? []) {
      claim(`route "${route.method} ${route.path}"`, definition.name);
      set.routes.push(route);
    }
    for (const task of parts.tasks ?? []) {
      claim(`task "${task.kind}"`, definition.name);
      set.tasks.push(task);
    }
  }
  return set;
}

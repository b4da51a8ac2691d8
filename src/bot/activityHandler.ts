import {
  ActivityTypes,
  CardFactory,
  TeamsActivityHandler,
  TurnContext,
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
  type ConversationReference,
  type InvokeResponse,
  type SearchInvokeResponse,
  type SearchInvokeValue,
} from 'botbuilder';
import { renderCard, type AdaptiveCard } from '../cards/render';
import { t } from '../i18n';
import type { Logger } from '../logging';
import type { AuditEntryInput } from '../store';
import type { Caller, Role } from '../workflows/roles';
import type { CommandParser } from './commands';
import { invokeError } from './invokeResponses';
import type { CommandHandler, SearchHandler, VerbHandler } from './handlers/types';
import { decideTenant, tenantRefusalAudit, type TenantDecision } from './tenantGate';
import { createTurnServices, requiredTurnServices, type TurnServices } from './turnServices';

/** The invokes the bot answers; any other gets a clear 400 instead of botbuilder's 501. */
const HANDLED_INVOKES = new Set(['adaptiveCard/action', 'application/search']);

export interface ReferenceSink {
  saveReference(reference: Partial<ConversationReference>): Promise<string>;
}

export interface BotDeps {
  logger: Logger;
  roles: { rolesOf(caller: Caller, options?: { correlationId?: string }): Promise<Role[]> };
  references: ReferenceSink;
  /** Remembers who the user is (their Teams id), on every turn. */
  directory?: { remember(context: TurnContext): Promise<void> };
  /** Tenants allowed to talk to the bot (channelData.tenant.id). Empty: none. */
  allowedTenantIds: readonly string[];
  /** Where tenant refusals are recorded (the store's audit trail). */
  audit: { append(entry: AuditEntryInput): Promise<unknown> };
  parser: CommandParser;
  commands: ReadonlyMap<string, CommandHandler>;
  verbs: ReadonlyMap<string, VerbHandler>;
  /** Typeahead (`application/search` through Data.Query), by dataset. */
  searches?: ReadonlyMap<string, SearchHandler>;
  /** Sandbox only: whom a real user acts as (`act as`); absent in production. */
  actAs?: {
    actingAs(aadObjectId: string | undefined): Promise<{ aadObjectId: string; name: string } | undefined>;
  };
  /** Runs before command routing; returns true when an active dialog consumed the turn. */
  continueDialog?: (context: TurnContext, services: TurnServices) => Promise<boolean>;
  /** The help card, with a notice on top (an unknown command, a suggestion). */
  help(services: TurnServices, notice?: string): AdaptiveCard;
}

/**
 * The Teams-facing router: tenant gate, conversation references, mention stripping, text commands and
 * Action.Execute verbs. Everything the bot does beyond routing lives in handlers and dialogs.
 */
export class AzurePlanOpsBot extends TeamsActivityHandler {
  constructor(private readonly deps: BotDeps) {
    super();

    this.onMessage(async (context, next) => {
      await this.handleMessage(context);
      await next();
    });

    // Teams also sends a membersAdded conversation update on install; greeting once is enough.
    this.onInstallationUpdateAdd(async (context, next) => {
      await context.sendActivity(t(this.services(context).locale, 'welcome.text'));
      await next();
    });
  }

  override async run(context: TurnContext): Promise<void> {
    const services = createTurnServices(context, this.deps.logger);
    const started = Date.now();
    const tenant = decideTenant(context.activity, this.deps.allowedTenantIds);
    if (!tenant.allowed) {
      await this.refuseTenant(context, services, tenant);
      return;
    }
    const actingAs = await this.deps.actAs?.actingAs(services.caller.aadObjectId);
    if (actingAs) {
      services.actingFor = services.caller;
      services.caller = { ...services.caller, aadObjectId: actingAs.aadObjectId, name: actingAs.name };
      services.logger = services.logger.child({ actingAs: actingAs.aadObjectId });
    }
    // Once per turn, on the server, from the activity's caller (never from card data).
    services.roles = await this.deps.roles.rolesOf(services.caller, {
      correlationId: services.correlationId,
    });
    if (this.carriesReference(context)) {
      await this.deps.references.saveReference(TurnContext.getConversationReference(context.activity));
      await this.deps.directory?.remember(context);
    }
    await super.run(context);
    services.logger.info({ durationMs: Date.now() - started }, 'turn done');
  }

  protected override async onInvokeActivity(context: TurnContext): Promise<InvokeResponse> {
    const name = context.activity.name;
    if (name !== undefined && HANDLED_INVOKES.has(name)) return super.onInvokeActivity(context);
    const services = this.services(context);
    services.logger.info({ invokeName: name?.slice(0, 100) }, 'invoke the bot does not handle');
    return {
      status: 400,
      body: invokeError(
        400,
        'NotSupported',
        t(services.locale, 'errors.unknownAction', { correlationId: services.correlationId }),
      ),
    };
  }

  protected override async onAdaptiveCardInvoke(
    context: TurnContext,
    invokeValue: AdaptiveCardInvokeValue,
  ): Promise<AdaptiveCardInvokeResponse> {
    const services = this.services(context);
    const verb = invokeValue.action.verb;
    const handler = this.deps.verbs.get(verb);
    if (!handler) {
      services.logger.warn({ verb }, 'unknown card verb');
      return invokeError(
        400,
        'BadRequest',
        t(services.locale, 'errors.unknownAction', { correlationId: services.correlationId }),
      );
    }
    services.logger.info({ verb }, 'card action');
    return handler({ context, services, data: invokeValue.action.data ?? {}, verb });
  }

  protected override async onSearchInvoke(
    context: TurnContext,
    invokeValue: SearchInvokeValue,
  ): Promise<SearchInvokeResponse> {
    const services = this.services(context);
    // Teams puts the Data.Query's dataset next to queryText in the invoke's value.
    const dataset = (context.activity.value as { dataset?: unknown } | undefined)?.dataset;
    const search = typeof dataset === 'string' ? this.deps.searches?.get(dataset) : undefined;
    const results = search ? await search(context, services, String(invokeValue.queryText ?? '')) : [];
    return { statusCode: 200, type: 'application/vnd.microsoft.search.searchResponse', value: { results } };
  }

  private async handleMessage(context: TurnContext): Promise<void> {
    const services = this.services(context);
    const activity = context.activity;

    // Action.Submit (older clients) arrives as a message whose value carries the verb.
    if (!activity.text && isSubmitValue(activity.value)) {
      const { verb, ...data } = activity.value;
      const handler = this.deps.verbs.get(verb);
      if (!handler) {
        await context.sendActivity(
          t(services.locale, 'errors.unknownAction', { correlationId: services.correlationId }),
        );
        return;
      }
      const response = await handler({ context, services, data, verb });
      if (response.statusCode >= 400) {
        const value = response.value as { message?: string } | undefined;
        await context.sendActivity(
          value?.message ??
            t(services.locale, 'errors.unknownAction', { correlationId: services.correlationId }),
        );
      }
      return;
    }

    if (this.deps.continueDialog && (await this.deps.continueDialog(context, services))) return;

    const text = TurnContext.removeRecipientMention(activity) ?? activity.text ?? '';
    const parsed = this.deps.parser.parse(text);
    if (parsed.kind === 'command') {
      const handler: CommandHandler | undefined = this.deps.commands.get(parsed.command);
      if (handler) {
        services.logger.info({ command: parsed.command }, 'command');
        await handler({ context, services, args: parsed.args, argText: parsed.argText });
        return;
      }
      await this.replyNotYet(context, services, parsed.command);
      return;
    }
    const notice =
      parsed.kind === 'unknown'
        ? [
            t(services.locale, 'help.unknown', { text: parsed.text.slice(0, 60) }),
            parsed.suggestion
              ? t(services.locale, 'help.suggestion', {
                  suggestion: t(services.locale, `commands.${parsed.suggestion}.title`),
                })
              : undefined,
          ]
            .filter(Boolean)
            .join(' ')
        : undefined;
    await context.sendActivity({ attachments: [CardFactory.adaptiveCard(this.deps.help(services, notice))] });
  }

  private async replyNotYet(context: TurnContext, services: TurnServices, command: string): Promise<void> {
    const card = renderCard(
      'notice',
      {
        text: t(services.locale, 'help.notYet', { command: t(services.locale, `commands.${command}.title`) }),
      },
      services.locale,
    );
    await context.sendActivity({ attachments: [CardFactory.adaptiveCard(card)] });
  }

  /** Refused like a foreign tenant whatever the reason (missing, mismatched, foreign); audited. */
  private async refuseTenant(
    context: TurnContext,
    services: TurnServices,
    decision: Extract<TenantDecision, { allowed: false }>,
  ): Promise<void> {
    const { reason, channelTenantId, conversationTenantId } = decision;
    services.logger.warn(
      { reason, channelTenantId, conversationTenantId },
      'activity from a tenant that is not allowed',
    );
    try {
      await this.deps.audit.append(tenantRefusalAudit(context.activity, decision, services.correlationId));
    } catch (error) {
      services.logger.error({ err: error }, 'could not audit a tenant refusal');
    }
    const message = t(services.locale, 'errors.tenantNotAllowed');
    if (context.activity.type === ActivityTypes.Invoke) {
      await context.sendActivity({
        type: ActivityTypes.InvokeResponse,
        value: { status: 403, body: invokeError(403, 'Forbidden', message) },
      });
    } else if (context.activity.type === ActivityTypes.Message) {
      await context.sendActivity(message);
    }
  }

  private carriesReference(context: TurnContext): boolean {
    const type = context.activity.type;
    return (
      type === ActivityTypes.Message ||
      type === ActivityTypes.InstallationUpdate ||
      type === ActivityTypes.ConversationUpdate ||
      type === ActivityTypes.Invoke
    );
  }

  private services(context: TurnContext): TurnServices {
    return requiredTurnServices(context);
  }
}

function isSubmitValue(value: unknown): value is { verb: string } & Record<string, unknown> {
  return (
    typeof value === 'object' && value !== null && typeof (value as { verb?: unknown }).verb === 'string'
  );
}

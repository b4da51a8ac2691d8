import { randomUUID } from 'node:crypto';
import type { Activity, TurnContext } from 'botbuilder';
import { localeFrom, type Locale } from '../i18n';
import type { Logger } from '../logging';
import type { Caller, Role } from '../workflows/roles';
import { channelTenantIdOf } from './tenantGate';

/** What every turn knows about itself, set once by the turn middleware and read everywhere else. */
export interface TurnServices {
  correlationId: string;
  logger: Logger;
  locale: Locale;
  caller: Caller;
  /** Sandbox only: the real person when they act as someone else (`act as`); `caller` is then that someone. */
  actingFor?: Caller;
  /**
   * The caller's effective roles, resolved once per turn on the server (configuration, Entra groups,
   * grants) after the tenant gate; empty until then. The domain resolves them again for changes.
   */
  roles: Role[];
  tenantId?: string;
  /** The conversation the activity came from ('' when it named none) and its type. */
  conversationId: string;
  conversationType?: string;
  /** Set when the turn refused the caller for lacking a role (the read audit records a refusal). */
  refusedRole?: Role;
}

const KEY = Symbol('azurePlanOps.turnServices');

/**
 * The caller's tenant: `channelData.tenant.id`, which Teams sends on every activity. The bot's tenant
 * gate (tenantGate.ts) refuses an activity without it or whose conversation names another tenant.
 */
export function tenantIdOf(activity: Partial<Activity>): string | undefined {
  return channelTenantIdOf(activity);
}

export function callerOf(activity: Partial<Activity>): Caller {
  return {
    aadObjectId: activity.from?.aadObjectId,
    name: activity.from?.name ?? activity.from?.id ?? 'unknown',
    tenantId: tenantIdOf(activity),
  };
}

export function createTurnServices(context: TurnContext, logger: Logger): TurnServices {
  const activity = context.activity;
  const correlationId = randomUUID();
  const caller = callerOf(activity);
  const conversationId = typeof activity.conversation?.id === 'string' ? activity.conversation.id : '';
  const services: TurnServices = {
    correlationId,
    locale: localeFrom(activity.locale),
    caller,
    roles: [],
    tenantId: caller.tenantId,
    conversationId,
    conversationType: activity.conversation?.conversationType,
    logger: logger.child({
      correlationId,
      activityType: activity.type,
      activityName: activity.name,
      conversationType: activity.conversation?.conversationType,
      userId: caller.aadObjectId,
    }),
  };
  context.turnState.set(KEY, services);
  return services;
}

export function turnServices(context: TurnContext): TurnServices | undefined {
  return context.turnState.get(KEY) as TurnServices | undefined;
}

/** The turn's services where the turn must have come through the bot's run() (every handler). */
export function requiredTurnServices(context: TurnContext): TurnServices {
  const services = turnServices(context);
  if (!services) throw new Error('turn services are not set: run() was bypassed');
  return services;
}

import type { TurnContext } from 'botbuilder';
import { refuseRole } from '../features/startDialog';
import type { CommandHandler, SearchHandler, VerbHandler } from '../handlers/types';
import { invokeForbidden } from '../invokeResponses';
import type { TurnServices } from '../turnServices';
import type { TurnAudit } from './turnAudit';

/** Commands anyone of an allowed tenant may run: they show nothing of any customer. */
export const PUBLIC_COMMANDS: ReadonlySet<string> = new Set(['help', 'whoami']);
/** Verbs that only dispatch to a guarded command (the help card's buttons). */
export const PUBLIC_VERBS: ReadonlySet<string> = new Set(['command.run']);
/**
 * Commands that audit themselves: grant and revoke are changes (audited in their transaction),
 * audit records each view and export of the trail with what it selected.
 */
const SELF_AUDITED_COMMANDS: ReadonlySet<string> = new Set(['grant', 'revoke', 'audit']);

export interface GuardedRoutes {
  commands: Map<string, CommandHandler>;
  verbs: Map<string, VerbHandler>;
  searches: Map<string, SearchHandler>;
}

/**
 * One gate and one read audit for every route the features bring, applied in place when the bot is
 * assembled: everything but help and whoami needs the viewer role (a refusal is audited as
 * `read.<route>.refused`); every command is audited as a read (`read.<command>`), and every card
 * action or typeahead that called Partner Center too. Roles the features need beyond viewer
 * (requester, approver, admin) are checked by the features and by the domain.
 */
export function guardRoutes(routes: GuardedRoutes, audit: TurnAudit): void {
  for (const [id, handler] of routes.commands) {
    if (PUBLIC_COMMANDS.has(id)) continue;
    routes.commands.set(id, async (request) => {
      const { context, services } = request;
      if (!services.roles.includes('viewer')) {
        await audit.refused(services, id, 'forbidden', 'viewer');
        await refuseRole(context, services, 'viewer');
        return;
      }
      if (SELF_AUDITED_COMMANDS.has(id)) return handler(request);
      await audit.record(services, id, () => handler(request), { always: true });
    });
  }
  for (const [verb, handler] of routes.verbs) {
    if (PUBLIC_VERBS.has(verb)) continue;
    routes.verbs.set(verb, async (request) => {
      const { services } = request;
      if (!services.roles.includes('viewer')) {
        await audit.refused(services, verb, 'forbidden', 'viewer');
        return invokeForbidden(services, 'viewer');
      }
      return audit.record(services, verb, () => handler(request), { always: false });
    });
  }
  for (const [dataset, handler] of routes.searches) {
    routes.searches.set(dataset, async (context, services, queryText) => {
      if (!services.roles.includes('viewer')) {
        await audit.refused(services, `search.${dataset}`, 'forbidden', 'viewer');
        return [];
      }
      return audit.record(services, `search.${dataset}`, () => handler(context, services, queryText), {
        always: false,
      });
    });
  }
}

/** The same gate and audit for a card dialog continued by an Action.Submit message (no verb). */
export function guardDialogContinuation(
  continueDialog: (context: TurnContext, services: TurnServices) => Promise<boolean>,
  audit: TurnAudit,
): (context: TurnContext, services: TurnServices) => Promise<boolean> {
  return async (context, services) => {
    // Without the viewer role nothing is continued: the message is routed as any other (help).
    if (!services.roles.includes('viewer')) return false;
    return audit.record(services, 'dialog.submit', () => continueDialog(context, services), {
      always: false,
    });
  };
}

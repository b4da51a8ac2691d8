import type { AdaptiveCardInvokeResponse, TurnContext } from 'botbuilder';
import { renderCard } from '../../cards/render';
import type { CardDialogHost } from '../../dialogs/cardDialogHost';
import { t } from '../../i18n';
import type { Role } from '../../workflows';
import type { CommandHandler } from '../handlers/types';
import { invokeForbidden } from '../invokeResponses';
import { toActivity } from '../proactive';
import type { TurnServices } from '../turnServices';

/**
 * A command that starts a card dialog for this user in this conversation and posts its first card.
 * A role the caller lacks is refused here, before anything is asked of Partner Center.
 */
export function dialogCommand(
  dialogs: CardDialogHost,
  dialogId: string,
  options: { role?: Role; titleKey: string; dialogOptions?: (argText: string) => object },
): CommandHandler {
  return async ({ context, services, argText }) => {
    if (options.role && !services.roles.includes(options.role) && !services.roles.includes('admin')) {
      await refuseRole(context, services, options.role);
      return;
    }
    const outcome = await dialogs.begin(
      context,
      dialogId,
      options.dialogOptions ? options.dialogOptions(argText) : { query: argText },
    );
    if (outcome.status === 'card') {
      await context.sendActivity(
        toActivity({ card: outcome.card, text: t(services.locale, options.titleKey) }),
      );
    }
  };
}

/** A card action refused for lack of a role: the 403 the invoke answers, audited like `refuseRole`. */
export function refuseRoleInvoke(services: TurnServices, role: Role): AdaptiveCardInvokeResponse {
  services.refusedRole = role;
  return invokeForbidden(services, role);
}

/** Tells the caller the role they lack; the turn's audit records the refusal (`read.<command>.refused`). */
export async function refuseRole(context: TurnContext, services: TurnServices, role: Role): Promise<void> {
  services.refusedRole = role;
  const text = t(services.locale, 'errors.forbidden', {
    role: t(services.locale, `roles.${role}`),
    correlationId: services.correlationId,
  });
  await context.sendActivity(
    toActivity({ card: renderCard('notice', { text, tone: 'error' }, services.locale) }),
  );
}

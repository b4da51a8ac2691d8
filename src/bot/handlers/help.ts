import { CardFactory } from 'botbuilder';
import { z } from 'zod';
import { renderCard, type AdaptiveCard } from '../../cards/render';
import { t } from '../../i18n';
import { invokeInvalidSubmission, invokeMessage } from '../invokeResponses';
import type { TurnServices } from '../turnServices';
import type { CommandHandler, VerbHandler } from './types';

/** Commands offered as buttons on the help card, when served. */
const BUTTON_COMMANDS: Record<string, string> = { buy: 'help.buyButton', whoami: 'help.whoamiButton' };

/** The help card: every command served, in the reader's language. */
export function helpCard(services: TurnServices, served: readonly string[], notice?: string): AdaptiveCard {
  const { locale } = services;
  const commands = served.map((id) => ({
    usage: t(locale, `commands.${id}.usage`),
    description: t(locale, `commands.${id}.description`),
  }));
  const buttons = Object.keys(BUTTON_COMMANDS)
    .filter((id) => served.includes(id))
    .map((command) => ({ command, title: t(locale, BUTTON_COMMANDS[command]) }));
  return renderCard('help', { commands, buttons, notice: notice ?? null }, locale);
}

export function helpCommand(served: () => readonly string[]): CommandHandler {
  return async ({ context, services }) => {
    await context.sendActivity({ attachments: [CardFactory.adaptiveCard(helpCard(services, served()))] });
  };
}

const RunCommandData = z.object({
  command: z.string().min(1).max(40),
  /** What follows the command, as if typed (a customer id, say). */
  argText: z.string().max(200).optional(),
});

/** A button that runs a command as if typed (help card, plans card…); the card itself stays as it is. */
export function runCommandVerb(commands: () => ReadonlyMap<string, CommandHandler>): VerbHandler {
  return async ({ context, services, data }) => {
    const parsed = RunCommandData.safeParse(data);
    const handler = parsed.success ? commands().get(parsed.data.command) : undefined;
    if (!parsed.success || !handler) return invokeInvalidSubmission(services);
    const argText = parsed.data.argText?.trim() ?? '';
    await handler({ context, services, args: argText === '' ? [] : argText.split(/\s+/), argText });
    return invokeMessage(t(services.locale, `commands.${parsed.data.command}.title`));
  };
}

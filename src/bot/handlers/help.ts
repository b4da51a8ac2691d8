import { CardFactory } from 'botbuilder';
import { z } from 'zod';
import { renderCard, type AdaptiveCard } from '../../cards/render';
import { t } from '../../i18n';
import { COMMAND_IDS, isCommandAvailable, type CommandId } from '../commands';
import { invokeInvalidSubmission, invokeMessage } from '../invokeResponses';
import type { TurnServices } from '../turnServices';
import type { CommandHandler, CommandHandlers, VerbHandler } from './types';

const BUTTON_COMMANDS: CommandId[] = ['buy', 'whoami'];

export function helpCard(services: TurnServices, notice?: string): AdaptiveCard {
  const { locale } = services;
  const commands = COMMAND_IDS.filter(isCommandAvailable).map((id) => ({
    usage: t(locale, `commands.${id}.usage`),
    description: t(locale, `commands.${id}.description`),
  }));
  const buttons = BUTTON_COMMANDS.filter(isCommandAvailable).map((command) => ({
    command,
    title: t(locale, command === 'buy' ? 'help.buyButton' : 'help.whoamiButton'),
  }));
  return renderCard('help', { commands, buttons, notice: notice ?? null }, locale);
}

export const helpCommand: CommandHandler = async ({ context, services }) => {
  await context.sendActivity({ attachments: [CardFactory.adaptiveCard(helpCard(services))] });
};

const RunCommandData = z.object({ command: z.enum(COMMAND_IDS as [CommandId, ...CommandId[]]) });

/** A help-card button runs its command as if typed; the card itself stays as it is. */
export function runCommandVerb(commands: CommandHandlers): VerbHandler {
  return async ({ context, services, data }) => {
    const parsed = RunCommandData.safeParse(data);
    const handler = parsed.success ? commands[parsed.data.command] : undefined;
    if (!parsed.success || !handler) return invokeInvalidSubmission(services);
    await handler({ context, services, args: [], argText: '' });
    return invokeMessage(t(services.locale, `commands.${parsed.data.command}.title`));
  };
}

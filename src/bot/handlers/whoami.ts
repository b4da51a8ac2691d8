import { CardFactory } from 'botbuilder';
import { renderCard } from '../../cards/render';
import { t } from '../../i18n';
import type { CommandHandler } from './types';

export const whoamiCommand: CommandHandler = async ({ context, services }) => {
  const { locale, caller, roles } = services;
  const card = renderCard(
    'whoami',
    {
      name: caller.name,
      aadObjectId: caller.aadObjectId ?? t(locale, 'whoami.noAadObjectId'),
      tenantId: caller.tenantId ?? '—',
      roles: roles.map((role) => t(locale, `roles.${role}`)).join(', ') || t(locale, 'common.none'),
      localeName: locale === 'fr' ? 'Français' : 'English',
    },
    locale,
  );
  await context.sendActivity({ attachments: [CardFactory.adaptiveCard(card)] });
};

import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import {
  ActivityTypes,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  ConfigurationServiceClientCredentialFactory,
  type ConfigurationBotFrameworkAuthenticationOptions,
  type TurnContext,
} from 'botbuilder';
import { CertificateServiceClientCredentialsFactory } from 'botframework-connector';
import type { BotAuthConfig } from '../config';
import { localeFrom, t } from '../i18n';
import type { Logger } from '../logging';
import { invokeError } from './invokeResponses';
import { turnServices } from './turnServices';

/**
 * A CloudAdapter that validates Bot Framework tokens whenever app credentials are set; without them
 * (sandbox only) it accepts unauthenticated activities, as the Agents Playground sends.
 */
export function createAdapter(auth: BotAuthConfig | undefined, logger: Logger): CloudAdapter {
  const options: ConfigurationBotFrameworkAuthenticationOptions = auth
    ? {
        MicrosoftAppId: auth.appId,
        MicrosoftAppType: auth.appType,
        MicrosoftAppTenantId: auth.tenantId,
        MicrosoftAppPassword: auth.password,
      }
    : {};
  const credentialsFactory = auth?.certificate
    ? new CertificateServiceClientCredentialsFactory(
        auth.appId,
        auth.certificate.thumbprint,
        fs.readFileSync(auth.certificate.privateKeyPath, 'utf8'),
        auth.tenantId,
      )
    : new ConfigurationServiceClientCredentialFactory(options);
  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication(options, credentialsFactory));
  adapter.onTurnError = (context, error) => reportTurnError(context, error, logger);
  return adapter;
}

/** Logs the failure with the turn's correlation id and tells the user a short localized message with it. */
export async function reportTurnError(context: TurnContext, error: Error, logger: Logger): Promise<void> {
  const services = turnServices(context);
  const correlationId = services?.correlationId ?? randomUUID();
  const locale = services?.locale ?? localeFrom(context.activity.locale);
  (services?.logger ?? logger).error({ err: error, correlationId }, 'turn failed');
  const text = t(locale, 'errors.generic', { correlationId });
  try {
    if (context.activity.type === ActivityTypes.Invoke) {
      await context.sendActivity({
        type: ActivityTypes.InvokeResponse,
        value: { status: 500, body: invokeError(500, 'InternalError', text) },
      });
    } else if (context.activity.type === ActivityTypes.Message) {
      await context.sendActivity(text);
    }
  } catch (sendError) {
    logger.error({ err: sendError, correlationId }, 'could not tell the user about a failed turn');
  }
}

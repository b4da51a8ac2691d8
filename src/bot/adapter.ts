import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import {
  ActivityTypes,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  ConfigurationServiceClientCredentialFactory,
  type Activity,
  type ConfigurationBotFrameworkAuthenticationOptions,
  type InvokeResponse,
  type TurnContext,
} from 'botbuilder';
import {
  CertificateServiceClientCredentialsFactory,
  type AuthenticateRequestResult,
  type BotFrameworkAuthentication,
} from 'botframework-connector';
import type { BotAuthConfig } from '../config';
import { localeFrom, pcErrorText, t } from '../i18n';
import type { Logger } from '../logging';
import { PartnerCenterError } from '../partnercenter';
import { anonymousAuthenticator, channelAuthenticator, type InboundAuthenticator } from './authentication';
import { invokeError } from './invokeResponses';
import { turnServices } from './turnServices';

/**
 * A CloudAdapter whose inbound requests the server authenticates first (`inbound`, from the
 * Authorization header alone) and then hands over as an authenticated result: the adapter runs the
 * turn and replies through the connector that result names; it never parses an unauthenticated body.
 */
export class AzurePlanOpsAdapter extends CloudAdapter {
  constructor(
    auth: BotFrameworkAuthentication,
    readonly inbound: InboundAuthenticator,
  ) {
    super(auth);
  }

  /** Runs the turn of an activity the server has authenticated; answers the invoke response, if any. */
  runAuthenticated(
    authenticated: AuthenticateRequestResult,
    activity: Activity,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<InvokeResponse | undefined> {
    return this.processActivity(authenticated, activity, logic);
  }
}

/**
 * The adapter: Bot Framework tokens are required whenever app credentials are set; without them
 * (sandbox only) activities are accepted unauthenticated, as the Agents Playground sends them.
 */
export function createAdapter(auth: BotAuthConfig | undefined, logger: Logger): AzurePlanOpsAdapter {
  const options: ConfigurationBotFrameworkAuthenticationOptions = auth
    ? {
        MicrosoftAppId: auth.appId,
        MicrosoftAppType: auth.appType,
        MicrosoftAppTenantId: auth.tenantId,
        MicrosoftAppPassword: auth.password,
        ...(auth.openIdMetadataUrl ? { ToBotFromChannelOpenIdMetadataUrl: auth.openIdMetadataUrl } : {}),
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
  const sdk = new ConfigurationBotFrameworkAuthentication(options, credentialsFactory);
  const inbound = auth
    ? channelAuthenticator({
        appId: auth.appId,
        sdk,
        logger,
        openIdMetadataUrl: auth.openIdMetadataUrl,
      })
    : anonymousAuthenticator(sdk);
  const adapter = new AzurePlanOpsAdapter(sdk, inbound);
  adapter.onTurnError = (context, error) => reportTurnError(context, error, logger);
  return adapter;
}

/** The Partner Center error behind a turn failure, through the wrappers dialogs put around it. */
function partnerCenterCause(error: unknown): PartnerCenterError | undefined {
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 5; depth++) {
    if (current instanceof PartnerCenterError) return current;
    const wrapper: { error?: unknown; cause?: unknown } = current;
    current = wrapper.error ?? wrapper.cause;
  }
  return undefined;
}

/** Logs the failure with the turn's correlation id and tells the user a short localized message with it. */
export async function reportTurnError(context: TurnContext, error: Error, logger: Logger): Promise<void> {
  const services = turnServices(context);
  const correlationId = services?.correlationId ?? randomUUID();
  const locale = services?.locale ?? localeFrom(context.activity.locale);
  (services?.logger ?? logger).error({ err: error, correlationId }, 'turn failed');
  // A Partner Center failure that escaped a turn (a lookup that could not be answered) is said as
  // such: the user can tell an outage from a bug, and knows nothing was changed.
  const pcError = partnerCenterCause(error);
  const reason = pcError && pcErrorText(locale, { code: pcError.code, message: pcError.description });
  const text = !pcError
    ? t(locale, 'errors.generic', { correlationId })
    : pcError.retryAfterSeconds !== undefined && pcError.transient
      ? t(locale, 'errors.tryAgainIn', { reason, seconds: pcError.retryAfterSeconds, correlationId })
      : t(locale, 'errors.partnerCenter', { reason, correlationId });
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

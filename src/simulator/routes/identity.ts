import { randomUUID } from 'node:crypto';
import type { RouteDef, SimContext } from '../http/pipeline';
import type { Reply } from '../http/reply';
import { PC_USER_SCOPE, appAudienceOf } from '../identity/tokens';
import { param } from './helpers';

/** A Microsoft Entra ID v2 token endpoint and its OpenID metadata, enough for MSAL-style clients. */

function entraError(status: number, error: string, code: number, message: string): Reply {
  const timestamp = new Date()
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z');
  const traceId = randomUUID();
  const correlationId = randomUUID();
  return {
    status,
    body: {
      error,
      error_description: `AADSTS${code}: ${message}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${timestamp}`,
      error_codes: [code],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `https://login.microsoftonline.com/error?code=${code}`,
    },
  };
}

const scopesOf = (value: string | null) =>
  (value ?? '')
    .split(/\s+/)
    .filter(Boolean)
    .map((s) => s.toLowerCase());

function tokenReply(tenantId: string, form: URLSearchParams, sim: SimContext): Reply {
  const grant = form.get('grant_type');
  const clientId = form.get('client_id');
  if (!grant)
    return entraError(
      400,
      'invalid_request',
      900144,
      "The request body must contain the following parameter: 'grant_type'.",
    );
  if (!clientId)
    return entraError(
      400,
      'invalid_request',
      900144,
      "The request body must contain the following parameter: 'client_id'.",
    );
  const scopes = scopesOf(form.get('scope'));
  if (grant === 'client_credentials') {
    if (!form.get('client_secret') && !form.get('client_assertion')) {
      return entraError(
        401,
        'invalid_client',
        7000216,
        "'client_assertion', 'client_secret' or 'request' is required for the 'client_credentials' grant type.",
      );
    }
    // Partner Center or Microsoft Graph (the partner billing exports): the audience follows the scope.
    const audience = appAudienceOf(scopes);
    if (!audience) {
      return entraError(
        400,
        'invalid_scope',
        1002012,
        `The provided value for scope ${form.get('scope') ?? ''} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
      );
    }
    return { status: 200, body: sim.tokens.issueApp(tenantId, clientId, audience) };
  }
  if (grant === 'refresh_token') {
    const refreshToken = form.get('refresh_token');
    if (!refreshToken || !sim.tokens.isKnownRefreshToken(refreshToken)) {
      return entraError(
        400,
        'invalid_grant',
        70000,
        "The provided value for the 'refresh_token' is not valid.",
      );
    }
    if (!scopes.includes(PC_USER_SCOPE.toLowerCase())) {
      return entraError(
        400,
        'invalid_scope',
        70011,
        `The provided value for the input parameter 'scope' is not valid.`,
      );
    }
    return { status: 200, body: sim.tokens.issueUser(tenantId, clientId, sim.world.config.appUserMfa) };
  }
  return entraError(
    400,
    'unsupported_grant_type',
    70003,
    `The app requested an unsupported grant type '${grant}'.`,
  );
}

export const identityRoutes: RouteDef[] = [
  {
    method: 'POST',
    path: '/:tenantId/oauth2/v2.0/token',
    auth: 'none',
    handle(req, sim) {
      return tokenReply(param(req, 'tenantId'), new URLSearchParams(req.rawBody), sim);
    },
  },
  {
    method: 'GET',
    path: '/:tenantId/v2.0/.well-known/openid-configuration',
    auth: 'none',
    handle(req, sim) {
      const tenant = param(req, 'tenantId');
      const base = `${sim.baseUrl()}/${tenant}`;
      return {
        status: 200,
        body: {
          token_endpoint: `${base}/oauth2/v2.0/token`,
          token_endpoint_auth_methods_supported: [
            'client_secret_post',
            'private_key_jwt',
            'client_secret_basic',
          ],
          jwks_uri: `${base}/discovery/v2.0/keys`,
          response_modes_supported: ['query', 'fragment', 'form_post'],
          subject_types_supported: ['pairwise'],
          id_token_signing_alg_values_supported: ['RS256'],
          response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
          scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
          issuer: `${base}/v2.0`,
          request_uri_parameter_supported: false,
          userinfo_endpoint: `${sim.baseUrl()}/oidc/userinfo`,
          authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
          device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
          http_logout_supported: true,
          frontchannel_logout_supported: true,
          end_session_endpoint: `${base}/oauth2/v2.0/logout`,
          claims_supported: [
            'sub',
            'iss',
            'aud',
            'exp',
            'iat',
            'nbf',
            'name',
            'oid',
            'preferred_username',
            'tid',
            'ver',
          ],
          kerberos_endpoint: `${base}/kerberos`,
          tenant_region_scope: 'WW',
          cloud_instance_name: 'microsoftonline.com',
          cloud_graph_host_name: 'graph.windows.net',
          msgraph_host: 'graph.microsoft.com',
          rbac_url: 'https://pas.windows.net',
        },
      };
    },
  },
  {
    method: 'GET',
    path: '/:tenantId/discovery/v2.0/keys',
    auth: 'none',
    handle() {
      return { status: 200, body: { keys: [] } };
    },
  },
];

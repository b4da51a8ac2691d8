import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { PartnerCenterCredentials } from '../auth/credentials';
import { MsalTokenProvider } from '../auth/tokenProvider';
import { PartnerCenterError } from '../errors';
import { DEFAULT_RETRY, type RetryOptions } from '../http/retryPolicy';
import { noopLogger, type PartnerCenterLogger } from '../logger';
import { GRAPH_BASE_URL, GRAPH_BILLING_SCOPE } from './graphBillingClient';
import { GraphHttp } from './graphHttp';

/**
 * Entra directory reads through Microsoft Graph, app-only: which of some groups a user belongs to
 * (transitively: `POST /v1.0/users/{id}/checkMemberGroups`, at most 20 group ids per call, so
 * longer lists are asked in several calls) and a user's display name (`GET /v1.0/users/{id}`).
 * The app needs the application permissions User.Read.All and GroupMember.Read.All with admin
 * consent (graph/api/user-checkmembergroups). The sandbox points it at the simulator.
 */

export type GraphDirectoryCredentials = Pick<
  PartnerCenterCredentials,
  'tenantId' | 'clientId' | 'clientSecret' | 'tokenCache' | 'identityBaseUrl'
>;

export interface GraphDirectoryClientOptions {
  /** 'https://graph.microsoft.com' (default) or the simulator's base URL; the client appends /v1.0. */
  baseUrl?: string;
  credentials: GraphDirectoryCredentials;
  logger?: PartnerCenterLogger;
  timeoutMs?: number;
  retry?: RetryOptions;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_GROUPS_PER_CALL = 20;
const memberGroupsSchema = z.object({ value: z.array(z.string()) }).passthrough();
const userSchema = z.object({ id: z.string(), displayName: z.string().nullish() }).passthrough();

export class GraphDirectoryClient {
  private readonly http: GraphHttp;
  private readonly root: string;

  constructor(options: GraphDirectoryClientOptions) {
    const logger = options.logger ?? noopLogger;
    const timeoutMs = options.timeoutMs ?? 10_000;
    this.root = `${(options.baseUrl ?? GRAPH_BASE_URL).replace(/\/+$/, '')}/v1.0`;
    this.http = new GraphHttp({
      timeoutMs,
      retry: { ...DEFAULT_RETRY, ...options.retry },
      tokens: new MsalTokenProvider(options.credentials, {
        timeoutMs,
        logger,
        appScope: GRAPH_BILLING_SCOPE,
      }),
      logger,
    });
  }

  /** The ids among `groupIds` the user is a member of, directly or through nested groups. */
  async memberGroups(
    userId: string,
    groupIds: readonly string[],
    options: { correlationId?: string } = {},
  ): Promise<string[]> {
    const id = checkedId(userId);
    const context = { correlationId: options.correlationId ?? randomUUID() };
    const found: string[] = [];
    for (let i = 0; i < groupIds.length; i += MAX_GROUPS_PER_CALL) {
      const response = await this.http.call(
        {
          name: 'graphDirectory.checkMemberGroups',
          method: 'POST',
          url: `${this.root}/users/${id}/checkMemberGroups`,
          body: { groupIds: groupIds.slice(i, i + MAX_GROUPS_PER_CALL) },
          response: memberGroupsSchema,
        },
        context,
      );
      found.push(...response.body.value);
    }
    return found;
  }

  /** A user's display name; undefined when the directory has no such user. */
  async displayName(userId: string, options: { correlationId?: string } = {}): Promise<string | undefined> {
    const id = checkedId(userId);
    try {
      const response = await this.http.call(
        {
          name: 'graphDirectory.user',
          method: 'GET',
          url: `${this.root}/users/${id}?$select=id,displayName`,
          response: userSchema,
        },
        { correlationId: options.correlationId ?? randomUUID() },
      );
      return response.body.displayName ?? undefined;
    } catch (error) {
      if (error instanceof PartnerCenterError && error.status === 404) return undefined;
      throw error;
    }
  }

  close(): Promise<void> {
    return this.http.close();
  }
}

function checkedId(userId: string): string {
  if (!GUID.test(userId)) throw new TypeError('a user id must be an AAD object id (a GUID)');
  return userId.toLowerCase();
}

import type { Selectable } from 'kysely';
import { nullable, optional, type RepositoryContext } from './context';
import { jsonObject, parseJson, toJson, type JsonObject } from './json';
import type { ConversationReferenceTable } from './schema';

export type ConversationType = 'personal' | 'groupChat' | 'channel' | (string & {});

export interface ConversationReferenceInput {
  /** The Bot Framework ConversationReference, stored as it came. */
  reference: JsonObject;
  conversationType: ConversationType;
  tenantId: string;
  teamId?: string;
  channelId?: string;
  userAadObjectId?: string;
  serviceUrl: string;
}

export interface StoredConversationReference extends ConversationReferenceInput {
  key: string;
  createdAt: number;
  updatedAt: number;
}

export interface ConversationListFilter {
  conversationType?: ConversationType;
  teamId?: string;
}

export interface ConversationReferenceRepository {
  upsert(key: string, input: ConversationReferenceInput): Promise<StoredConversationReference>;
  get(key: string): Promise<StoredConversationReference | undefined>;
  list(filter?: ConversationListFilter): Promise<StoredConversationReference[]>;
  delete(key: string): Promise<boolean>;
}

export function conversationReferenceRepository(ctx: RepositoryContext): ConversationReferenceRepository {
  const { db } = ctx;
  return {
    async upsert(key, input) {
      const now = ctx.now();
      const row = await db
        .insertInto('conversation_references')
        .values({
          key,
          reference_json: toJson(input.reference),
          conversation_type: input.conversationType,
          tenant_id: input.tenantId,
          team_id: nullable(input.teamId),
          channel_id: nullable(input.channelId),
          user_aad_object_id: nullable(input.userAadObjectId),
          service_url: input.serviceUrl,
          created_at: now,
          updated_at: now,
        })
        .onConflict((oc) =>
          oc.column('key').doUpdateSet((eb) => ({
            reference_json: eb.ref('excluded.reference_json'),
            conversation_type: eb.ref('excluded.conversation_type'),
            tenant_id: eb.ref('excluded.tenant_id'),
            team_id: eb.ref('excluded.team_id'),
            channel_id: eb.ref('excluded.channel_id'),
            user_aad_object_id: eb.ref('excluded.user_aad_object_id'),
            service_url: eb.ref('excluded.service_url'),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        )
        .returningAll()
        .executeTakeFirstOrThrow();
      return fromRow(row);
    },
    async get(key) {
      const row = await db
        .selectFrom('conversation_references')
        .selectAll()
        .where('key', '=', key)
        .executeTakeFirst();
      return row && fromRow(row);
    },
    async list(filter = {}) {
      let query = db.selectFrom('conversation_references').selectAll();
      if (filter.conversationType !== undefined)
        query = query.where('conversation_type', '=', filter.conversationType);
      if (filter.teamId !== undefined) query = query.where('team_id', '=', filter.teamId);
      const rows = await query.orderBy('key').execute();
      return rows.map(fromRow);
    },
    async delete(key) {
      const result = await db.deleteFrom('conversation_references').where('key', '=', key).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}

function fromRow(row: Selectable<ConversationReferenceTable>): StoredConversationReference {
  return {
    key: row.key,
    reference: parseJson(row.reference_json, jsonObject, {
      table: 'conversation_references',
      key: row.key,
      column: 'reference_json',
    }),
    conversationType: row.conversation_type,
    tenantId: row.tenant_id,
    teamId: optional(row.team_id),
    channelId: optional(row.channel_id),
    userAadObjectId: optional(row.user_aad_object_id),
    serviceUrl: row.service_url,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import { z } from 'zod';
import type { RepositoryContext } from './context';
import { parseJson, toJson } from './json';
import type { AlertHistoryTable, AlertSubscriptionTable } from './schema';

/** '*' subscribes a conversation to every customer. */
export const ALL_CUSTOMERS = '*';

export interface AlertSubscriptionInput {
  conversationKey: string;
  customerId: string;
  /** Percentages of the budget, e.g. [50, 80, 100]. */
  thresholds: number[];
  createdBy: string;
}

export interface AlertSubscription extends AlertSubscriptionInput {
  id: string;
  createdAt: number;
  updatedAt: number;
}

export interface AlertNotice {
  subscriptionId: string;
  customerId: string;
  threshold: number;
  /** The budget period the notice belongs to, e.g. '2026-11'. */
  periodKey: string;
  at?: number;
}

export interface AlertHistoryEntry extends AlertNotice {
  at: number;
}

export interface AlertRepository {
  /** Adds a subscription, or replaces the thresholds of the one this conversation has for that customer. */
  add(input: AlertSubscriptionInput): Promise<AlertSubscription>;
  remove(id: string): Promise<boolean>;
  /** Removes the subscription a conversation has for a customer (or for '*'). */
  removeFor(conversationKey: string, customerId: string): Promise<boolean>;
  get(id: string): Promise<AlertSubscription | undefined>;
  /** With `customerId`, also returns the '*' subscriptions, which cover every customer. */
  list(filter?: { conversationKey?: string; customerId?: string }): Promise<AlertSubscription[]>;
  /** Records a notice; false if this (subscription, customer, threshold, period) was already notified. */
  record(notice: AlertNotice): Promise<boolean>;
  history(filter?: {
    subscriptionId?: string;
    customerId?: string;
    periodKey?: string;
    limit?: number;
  }): Promise<AlertHistoryEntry[]>;
}

const thresholdsSchema = z.array(z.number().finite());

export function alertRepository(ctx: RepositoryContext): AlertRepository {
  const { db } = ctx;

  async function deleteHistory(subscriptionIds: string[]): Promise<void> {
    if (subscriptionIds.length === 0) return;
    await db.deleteFrom('alert_history').where('subscription_id', 'in', subscriptionIds).execute();
  }

  return {
    async add(input) {
      const now = ctx.now();
      const thresholds = [...new Set(thresholdsSchema.parse(input.thresholds))].sort((a, b) => a - b);
      const row = await db
        .insertInto('alert_subscriptions')
        .values({
          id: randomUUID(),
          conversation_key: input.conversationKey,
          customer_id: input.customerId,
          thresholds_json: toJson(thresholds),
          created_by: input.createdBy,
          created_at: now,
          updated_at: now,
        })
        .onConflict((oc) =>
          oc.columns(['conversation_key', 'customer_id']).doUpdateSet((eb) => ({
            thresholds_json: eb.ref('excluded.thresholds_json'),
            created_by: eb.ref('excluded.created_by'),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        )
        .returningAll()
        .executeTakeFirstOrThrow();
      return subscriptionFromRow(row);
    },

    async remove(id) {
      const deleted = await db
        .deleteFrom('alert_subscriptions')
        .where('id', '=', id)
        .returning('id')
        .execute();
      await deleteHistory(deleted.map((r) => r.id));
      return deleted.length > 0;
    },

    async removeFor(conversationKey, customerId) {
      const deleted = await db
        .deleteFrom('alert_subscriptions')
        .where('conversation_key', '=', conversationKey)
        .where('customer_id', '=', customerId)
        .returning('id')
        .execute();
      await deleteHistory(deleted.map((r) => r.id));
      return deleted.length > 0;
    },

    async get(id) {
      const row = await db
        .selectFrom('alert_subscriptions')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      return row && subscriptionFromRow(row);
    },

    async list(filter = {}) {
      let query = db.selectFrom('alert_subscriptions').selectAll();
      if (filter.conversationKey !== undefined)
        query = query.where('conversation_key', '=', filter.conversationKey);
      const customerId = filter.customerId;
      if (customerId !== undefined) {
        query = query.where('customer_id', 'in', [...new Set([customerId, ALL_CUSTOMERS])]);
      }
      const rows = await query.orderBy('created_at').orderBy('id').execute();
      return rows.map(subscriptionFromRow);
    },

    async record(notice) {
      const inserted = await db
        .insertInto('alert_history')
        .values({
          subscription_id: notice.subscriptionId,
          customer_id: notice.customerId,
          threshold: notice.threshold,
          period_key: notice.periodKey,
          at: notice.at ?? ctx.now(),
        })
        .onConflict((oc) => oc.doNothing())
        .returning('subscription_id')
        .executeTakeFirst();
      return inserted !== undefined;
    },

    async history(filter = {}) {
      let query = db.selectFrom('alert_history').selectAll();
      if (filter.subscriptionId !== undefined)
        query = query.where('subscription_id', '=', filter.subscriptionId);
      if (filter.customerId !== undefined) query = query.where('customer_id', '=', filter.customerId);
      if (filter.periodKey !== undefined) query = query.where('period_key', '=', filter.periodKey);
      const rows = await query
        .orderBy('at', 'desc')
        .orderBy('threshold', 'desc')
        .limit(filter.limit ?? 100)
        .execute();
      return rows.map(historyFromRow);
    },
  };
}

function subscriptionFromRow(row: Selectable<AlertSubscriptionTable>): AlertSubscription {
  return {
    id: row.id,
    conversationKey: row.conversation_key,
    customerId: row.customer_id,
    thresholds: parseJson(row.thresholds_json, thresholdsSchema, {
      table: 'alert_subscriptions',
      key: row.id,
      column: 'thresholds_json',
    }),
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function historyFromRow(row: Selectable<AlertHistoryTable>): AlertHistoryEntry {
  return {
    subscriptionId: row.subscription_id,
    customerId: row.customer_id,
    threshold: row.threshold,
    periodKey: row.period_key,
    at: row.at,
  };
}

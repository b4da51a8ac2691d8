import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import { z } from 'zod';
import type { RepositoryContext } from './context';
import { jsonObject, parseColumn, parseJson, toJson, type JsonObject } from './json';
import { optional } from './context';
import type { BudgetAlertTable, AlertSubscriptionTable } from './schema';
import { watchInsertIfAbsent, type WatchInput } from './watches';

/** '*' subscribes a conversation to every customer. */
export const ALL_CUSTOMERS = '*';

export interface AlertSubscriptionInput {
  conversationKey: string;
  customerId: string;
  /** Percentages of the budget, e.g. [50, 80, 100]. */
  thresholds: number[];
  /** The customer's name as it was when subscribed (absent for '*'). */
  customerName?: string;
  createdBy: string;
  createdByName?: string;
}

export interface AlertSubscription extends AlertSubscriptionInput {
  id: string;
  createdAt: number;
  updatedAt: number;
}

export type BudgetAlertKind = 'threshold' | 'forecast';

/**
 * pending: raised, its post queued; posted: in the conversation (activityId); suppressed: raised
 * while the conversation had snoozed the customer for the period, never posted.
 */
export type BudgetAlertState = 'pending' | 'posted' | 'suppressed';

export interface NewBudgetAlert {
  subscriptionId: string;
  conversationKey: string;
  customerId: string;
  customerName: string;
  /** The billing period, e.g. '2026-11'. */
  periodKey: string;
  kind: BudgetAlertKind;
  /** The percentage crossed; 0 for a forecast alert. */
  threshold: number;
  /** What the sweep saw (spend, budget, forecast): the card shows these, as they were. */
  figures: JsonObject;
  state: Exclude<BudgetAlertState, 'posted'>;
}

export interface BudgetAlert extends Omit<NewBudgetAlert, 'state'> {
  id: string;
  state: BudgetAlertState;
  /** Where the card is: the conversation (a channel's new thread) and the activity. */
  posted?: { conversationKey: string; activityId: string };
  postedAt?: number;
  acknowledgedBy?: { id: string; name: string; at: number };
  createdAt: number;
  updatedAt: number;
}

export interface AlertSnooze {
  conversationKey: string;
  customerId: string;
  periodKey: string;
  by: { id: string; name: string };
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
  /** Whether any conversation subscribed to every customer. */
  anyForAllCustomers(): Promise<boolean>;
  /** The customers named by subscriptions, in id order after `after` (keyset paging). */
  subscribedCustomers(after: string | undefined, limit: number): Promise<string[]>;
  /**
   * Raises an alert once per (conversation, customer, period, kind, threshold): the row and, for a
   * pending one, the work item that posts it are written in one transaction. Undefined when it was
   * raised before (by this sweep, an earlier one, or another instance).
   */
  raise(alert: NewBudgetAlert, post: (id: string) => WatchInput): Promise<BudgetAlert | undefined>;
  alert(id: string): Promise<BudgetAlert | undefined>;
  alerts(filter?: {
    customerId?: string;
    periodKey?: string;
    conversationKey?: string;
    limit?: number;
  }): Promise<BudgetAlert[]>;
  /** Records where a pending alert was posted; false if it was not pending. */
  markPosted(id: string, where: { conversationKey: string; activityId: string }): Promise<boolean>;
  /** The first acknowledgement is kept; later ones return the alert as it is with `first: false`. */
  acknowledge(
    id: string,
    by: { id: string; name: string },
  ): Promise<{ alert: BudgetAlert; first: boolean } | undefined>;
  /** Silences a customer in a conversation for a billing period; false if it already was. */
  snooze(snooze: AlertSnooze): Promise<boolean>;
  snoozed(conversationKey: string, customerId: string, periodKey: string): Promise<AlertSnooze | undefined>;
}

const thresholdsSchema = z.array(z.number().finite());

export function alertRepository(ctx: RepositoryContext): AlertRepository {
  const { db } = ctx;

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
          customer_name: input.customerName ?? null,
          created_by: input.createdBy,
          created_by_name: input.createdByName ?? null,
          created_at: now,
          updated_at: now,
        })
        .onConflict((oc) =>
          oc.columns(['conversation_key', 'customer_id']).doUpdateSet((eb) => ({
            thresholds_json: eb.ref('excluded.thresholds_json'),
            customer_name: eb.ref('excluded.customer_name'),
            created_by: eb.ref('excluded.created_by'),
            created_by_name: eb.ref('excluded.created_by_name'),
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
      return deleted.length > 0;
    },

    async removeFor(conversationKey, customerId) {
      const deleted = await db
        .deleteFrom('alert_subscriptions')
        .where('conversation_key', '=', conversationKey)
        .where('customer_id', '=', customerId)
        .returning('id')
        .execute();
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

    async anyForAllCustomers() {
      const row = await db
        .selectFrom('alert_subscriptions')
        .select('id')
        .where('customer_id', '=', ALL_CUSTOMERS)
        .limit(1)
        .executeTakeFirst();
      return row !== undefined;
    },

    async subscribedCustomers(after, limit) {
      const rows = await db
        .selectFrom('alert_subscriptions')
        .select('customer_id')
        .distinct()
        .where('customer_id', '!=', ALL_CUSTOMERS)
        .$if(after !== undefined, (qb) => qb.where('customer_id', '>', after as string))
        .orderBy('customer_id')
        .limit(limit)
        .execute();
      return rows.map((r) => r.customer_id);
    },

    async raise(alert, post) {
      const now = ctx.now();
      const id = randomUUID();
      const insert = db
        .insertInto('budget_alerts')
        .values({
          id,
          subscription_id: alert.subscriptionId,
          conversation_key: alert.conversationKey,
          customer_id: alert.customerId,
          customer_name: alert.customerName,
          period_key: alert.periodKey,
          kind: alert.kind,
          threshold: alert.threshold,
          figures_json: toJson(alert.figures),
          state: alert.state,
          posted_conversation_key: null,
          activity_id: null,
          posted_at: null,
          ack_by: null,
          ack_by_name: null,
          ack_at: null,
          created_at: now,
          updated_at: now,
        })
        .onConflict((oc) => oc.doNothing())
        .returningAll()
        .compile();
      const rows = await ctx.atomically(insert, () =>
        alert.state === 'pending' ? [watchInsertIfAbsent(db, post(id), now).compile()] : [],
      );
      return rows[0] ? alertFromRow(rows[0]) : undefined;
    },

    async alert(id) {
      const row = await db.selectFrom('budget_alerts').selectAll().where('id', '=', id).executeTakeFirst();
      return row && alertFromRow(row);
    },

    async alerts(filter = {}) {
      const rows = await db
        .selectFrom('budget_alerts')
        .selectAll()
        .$if(filter.customerId !== undefined, (qb) =>
          qb.where('customer_id', '=', filter.customerId as string),
        )
        .$if(filter.periodKey !== undefined, (qb) => qb.where('period_key', '=', filter.periodKey as string))
        .$if(filter.conversationKey !== undefined, (qb) =>
          qb.where('conversation_key', '=', filter.conversationKey as string),
        )
        .orderBy('created_at', 'desc')
        .orderBy('threshold', 'desc')
        .limit(filter.limit ?? 100)
        .execute();
      return rows.map(alertFromRow);
    },

    async markPosted(id, where) {
      const now = ctx.now();
      const result = await db
        .updateTable('budget_alerts')
        .set({
          state: 'posted',
          posted_conversation_key: where.conversationKey,
          activity_id: where.activityId,
          posted_at: now,
          updated_at: now,
        })
        .where('id', '=', id)
        .where('state', '=', 'pending')
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    async acknowledge(id, by) {
      const now = ctx.now();
      const updated = await db
        .updateTable('budget_alerts')
        .set({ ack_by: by.id, ack_by_name: by.name, ack_at: now, updated_at: now })
        .where('id', '=', id)
        .where('ack_at', 'is', null)
        .returningAll()
        .executeTakeFirst();
      if (updated) return { alert: alertFromRow(updated), first: true };
      const row = await db.selectFrom('budget_alerts').selectAll().where('id', '=', id).executeTakeFirst();
      return row && { alert: alertFromRow(row), first: false };
    },

    async snooze(snooze) {
      const inserted = await db
        .insertInto('alert_snoozes')
        .values({
          conversation_key: snooze.conversationKey,
          customer_id: snooze.customerId,
          period_key: snooze.periodKey,
          snoozed_by: snooze.by.id,
          snoozed_by_name: snooze.by.name,
          at: snooze.at,
        })
        .onConflict((oc) => oc.doNothing())
        .returning('customer_id')
        .executeTakeFirst();
      return inserted !== undefined;
    },

    async snoozed(conversationKey, customerId, periodKey) {
      const row = await db
        .selectFrom('alert_snoozes')
        .selectAll()
        .where('conversation_key', '=', conversationKey)
        .where('customer_id', '=', customerId)
        .where('period_key', '=', periodKey)
        .executeTakeFirst();
      return (
        row && {
          conversationKey: row.conversation_key,
          customerId: row.customer_id,
          periodKey: row.period_key,
          by: { id: row.snoozed_by, name: row.snoozed_by_name },
          at: row.at,
        }
      );
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
    ...(row.customer_name !== null ? { customerName: row.customer_name } : {}),
    createdBy: row.created_by,
    ...(row.created_by_name !== null ? { createdByName: row.created_by_name } : {}),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

const alertStateSchema = z.enum(['pending', 'posted', 'suppressed']);
const alertKindSchema = z.enum(['threshold', 'forecast']);

function alertFromRow(row: Selectable<BudgetAlertTable>): BudgetAlert {
  const where = { table: 'budget_alerts', key: row.id };
  return {
    id: row.id,
    subscriptionId: row.subscription_id,
    conversationKey: row.conversation_key,
    customerId: row.customer_id,
    customerName: row.customer_name,
    periodKey: row.period_key,
    kind: parseColumn(row.kind, alertKindSchema, { ...where, column: 'kind' }),
    threshold: row.threshold,
    figures: parseJson(row.figures_json, jsonObject, { ...where, column: 'figures_json' }),
    state: parseColumn(row.state, alertStateSchema, { ...where, column: 'state' }),
    ...(row.posted_conversation_key !== null && row.activity_id !== null
      ? { posted: { conversationKey: row.posted_conversation_key, activityId: row.activity_id } }
      : {}),
    ...optionalField('postedAt', optional(row.posted_at)),
    ...(row.ack_by !== null && row.ack_at !== null
      ? { acknowledgedBy: { id: row.ack_by, name: row.ack_by_name ?? '', at: row.ack_at } }
      : {}),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function optionalField<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}

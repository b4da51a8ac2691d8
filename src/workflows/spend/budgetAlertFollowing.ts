import { ALL_CUSTOMERS, type AlertSubscription, type BudgetAlert, type Store } from '../../store';
import { DEFAULT_ALERT_THRESHOLDS } from './budgetMonitor';

/** Who acts, from where (the turn's caller, never card data). */
export interface AlertActor {
  id: string;
  name: string;
  tenantId?: string;
  /** The conversation the action came from. */
  conversationId?: string;
  correlationId: string;
}

/**
 * What people do with budget alerts, each change audited once: follow a customer (or every
 * customer) in a conversation and stop following it; acknowledge an alert (the first one counts);
 * snooze a customer's alerts there for the billing period. Which conversation and whether the
 * caller may act are the caller's to decide; this knows nothing of Teams.
 */
export class BudgetAlertFollowing {
  constructor(private readonly store: Pick<Store, 'alerts' | 'audit'>) {}

  async follow(input: {
    conversationKey: string;
    customer: { id: string; name: string };
    thresholds: readonly number[];
    by: AlertActor;
  }): Promise<AlertSubscription> {
    const { conversationKey, customer, by } = input;
    const subscription = await this.store.alerts.add({
      conversationKey,
      customerId: customer.id,
      thresholds: input.thresholds.length > 0 ? [...input.thresholds] : [...DEFAULT_ALERT_THRESHOLDS],
      ...(customer.id !== ALL_CUSTOMERS ? { customerName: customer.name } : {}),
      createdBy: by.id,
      createdByName: by.name,
    });
    await this.audit(by, 'alerts.on', 'subscribed', customer, {
      conversationKey,
      thresholds: subscription.thresholds,
    });
    return subscription;
  }

  /** False when the conversation did not follow that customer. */
  async unfollow(input: {
    conversationKey: string;
    customer: { id: string; name: string };
    by: AlertActor;
  }): Promise<boolean> {
    const removed = await this.store.alerts.removeFor(input.conversationKey, input.customer.id);
    await this.audit(input.by, 'alerts.off', removed ? 'removed' : 'none', input.customer, {
      conversationKey: input.conversationKey,
    });
    return removed;
  }

  /** The alert as it stands after the click (undefined: it is gone). */
  async acknowledge(alert: BudgetAlert, by: AlertActor): Promise<BudgetAlert | undefined> {
    const outcome = await this.store.alerts.acknowledge(alert.id, { id: by.id, name: by.name });
    if (!outcome) return undefined;
    if (outcome.first) {
      await this.audit(
        by,
        'alert.acknowledge',
        'acknowledged',
        { id: alert.customerId, name: alert.customerName },
        { alertId: alert.id, kind: alert.kind, threshold: alert.threshold, periodKey: alert.periodKey },
      );
    }
    return outcome.alert;
  }

  async snooze(alert: BudgetAlert, by: AlertActor, at: number): Promise<void> {
    const first = await this.store.alerts.snooze({
      conversationKey: alert.conversationKey,
      customerId: alert.customerId,
      periodKey: alert.periodKey,
      by: { id: by.id, name: by.name },
      at,
    });
    if (first) {
      await this.audit(
        by,
        'alert.snooze',
        'snoozed',
        { id: alert.customerId, name: alert.customerName },
        { alertId: alert.id, periodKey: alert.periodKey, conversationKey: alert.conversationKey },
      );
    }
  }

  private async audit(
    by: AlertActor,
    action: string,
    outcome: string,
    customer: { id: string; name: string },
    details: Record<string, string | number | readonly number[] | undefined>,
  ): Promise<void> {
    const everyCustomer = customer.id === ALL_CUSTOMERS;
    await this.store.audit.append({
      actorId: by.id,
      actorName: by.name,
      action,
      outcome,
      correlationId: by.correlationId,
      ...(by.tenantId ? { tenantId: by.tenantId } : {}),
      ...(by.conversationId ? { conversationId: by.conversationId } : {}),
      ...(everyCustomer
        ? {}
        : { customerId: customer.id, ...(customer.name ? { customerName: customer.name } : {}) }),
      details: Object.fromEntries(
        Object.entries(details)
          .filter(([, value]) => value !== undefined)
          .map(([key, value]) => [key, Array.isArray(value) ? [...value] : value]),
      ) as Record<string, string | number | number[]>,
    });
  }
}

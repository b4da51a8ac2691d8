import type { PartnerCenterCall } from '../../partnercenter';
import type { AuditEntryInput } from '../../store';
import type { TurnServices } from '../turnServices';

/** `/v1/customers/{customer-id}/…`: the customer a Partner Center call reads or changes. */
const CUSTOMER_PATH = /^\/v1\/customers\/([^/?#]+)/i;
/** MS-RequestIds kept on one audit row (the row says how many calls there were). */
const MAX_REQUEST_IDS = 20;

export interface AuditSink {
  append(entry: AuditEntryInput): Promise<unknown>;
}

/**
 * The read side of the audit trail, in one place for every feature: the router runs each command,
 * card action and typeahead of a turn inside `record`, which collects the Partner Center calls
 * made under the turn's correlation id (the client tells of each call it ends) and then writes
 * one `read.<route>` row per customer those calls named (`/v1/customers/{id}/…`), with their
 * MS-RequestIds, or one row without a customer. Changes are audited where they happen (the
 * request service, grants), in the same transaction as the change.
 */
export class TurnAudit {
  private readonly open = new Map<string, PartnerCenterCall[]>();

  constructor(private readonly sink: AuditSink) {}

  /** The Partner Center client's call listener (`pc.onCall(turnAudit.listener)`). */
  readonly listener = (call: PartnerCenterCall): void => {
    this.open.get(call.correlationId)?.push(call);
  };

  /**
   * Runs a route of the turn and audits what it read. `always`: a row even when no Partner Center
   * call was made (a command shows data from the store too); otherwise only when one was.
   */
  async record<T>(
    services: TurnServices,
    route: string,
    run: () => Promise<T>,
    options: { always: boolean },
  ): Promise<T> {
    const key = services.correlationId;
    // A route run from another (a help-card button running a command): the outer one records.
    if (this.open.has(key)) return run();
    const calls: PartnerCenterCall[] = [];
    this.open.set(key, calls);
    let outcome = 'ok';
    try {
      return await run();
    } catch (error) {
      outcome = 'error';
      throw error;
    } finally {
      this.open.delete(key);
      if (services.refusedRole !== undefined) {
        await this.refused(services, route, 'forbidden', services.refusedRole);
      } else if (options.always || calls.length > 0) {
        await this.write(services, `read.${route}`, calls, outcome);
      }
    }
  }

  /** A route refused to the caller for lack of a role (before or while it ran). */
  async refused(services: TurnServices, route: string, reason: string, role?: string): Promise<void> {
    await this.append(services, {
      action: `read.${route}.refused`,
      outcome: reason,
      ...(role ? { details: { role } } : {}),
    });
  }

  private async write(
    services: TurnServices,
    action: string,
    calls: readonly PartnerCenterCall[],
    outcome: string,
  ): Promise<void> {
    const byCustomer = new Map<string | undefined, PartnerCenterCall[]>();
    for (const call of calls) {
      const customerId = CUSTOMER_PATH.exec(call.path)?.[1]?.toLowerCase();
      byCustomer.set(customerId, [...(byCustomer.get(customerId) ?? []), call]);
    }
    const others = byCustomer.get(undefined) ?? [];
    byCustomer.delete(undefined);
    const groups: Array<[string | undefined, PartnerCenterCall[]]> =
      byCustomer.size > 0 ? [...byCustomer.entries()] : [[undefined, others]];
    for (const [customerId, group] of groups) {
      const failed = group.filter((c) => !c.ok);
      await this.append(services, {
        action,
        outcome: outcome === 'ok' && failed.length > 0 ? 'failed' : outcome,
        customerId,
        pcRequestId:
          group.length > 0
            ? group
                .slice(0, MAX_REQUEST_IDS)
                .map((c) => c.requestId)
                .join(' ')
            : undefined,
        details: {
          calls: group.length,
          ...(customerId !== undefined && others.length > 0 ? { otherCalls: others.length } : {}),
          ...(failed.length > 0 ? { failures: failed.map((c) => c.code ?? String(c.status ?? '')) } : {}),
        },
      });
    }
  }

  private async append(
    services: TurnServices,
    entry: Pick<AuditEntryInput, 'action' | 'outcome' | 'customerId' | 'pcRequestId' | 'details'>,
  ): Promise<void> {
    try {
      await this.sink.append({
        actorId: services.caller.aadObjectId ?? 'unknown',
        actorName: services.caller.name,
        tenantId: services.tenantId,
        conversationId: services.conversationId || undefined,
        correlationId: services.correlationId,
        ...entry,
      });
    } catch (error) {
      services.logger.error({ err: error, action: entry.action }, 'could not write an audit record');
    }
  }
}

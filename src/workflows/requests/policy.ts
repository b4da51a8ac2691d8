import type { RequestPolicy } from '../../store';
import type { KindRegistry, RequestKind } from './kind';

/** Per-kind changes to a kind's default approval policy (from configuration); '*' applies to every kind. */
export type ApprovalOverrides = Readonly<Record<string, Partial<RequestPolicy>>>;

export const EVERY_KIND = '*';

/**
 * The approval policy of each kind: its defaults, overridden by configuration. Built once at start-up;
 * an override for a kind nobody registered stops the start (a typo must not silently drop a policy).
 */
export class ApprovalPolicies {
  constructor(
    private readonly kinds: KindRegistry,
    private readonly overrides: ApprovalOverrides = {},
  ) {
    const unknown = Object.keys(overrides).filter((name) => name !== EVERY_KIND && !kinds.get(name));
    if (unknown.length > 0) {
      throw new Error(
        `Approval policy for unknown request kind(s): ${unknown.join(', ')} (known: ${kinds.names().join(', ')})`,
      );
    }
  }

  for(kind: RequestKind): RequestPolicy {
    const override = { ...this.overrides[EVERY_KIND], ...this.overrides[kind.name] };
    return {
      approvers: override.approvers ?? kind.approval.approvers,
      expiryHours: override.expiryHours ?? kind.approval.expiryHours,
    };
  }
}

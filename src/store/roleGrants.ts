import type { Selectable } from 'kysely';
import { auditInsert, type AuditEntryInput } from './audit';
import { nullable, optional, type RepositoryContext } from './context';
import type { RoleGrantTable } from './schema';

/** A role an admin granted to a user in Teams (`grant <role> <user>`). */
export interface RoleGrant {
  /** The user's AAD object id, lower case. */
  principalId: string;
  role: string;
  principalName?: string;
  grantedBy: string;
  grantedByName?: string;
  grantedAt: number;
}

export interface NewRoleGrant {
  principalId: string;
  role: string;
  principalName?: string;
  grantedBy: string;
  grantedByName?: string;
}

/**
 * Roles granted in Teams, one row per user and role. A grant or a revocation and its audit record
 * are written in one transaction, and only when something changed (granting twice changes nothing
 * and audits nothing, nor does revoking what was never granted).
 */
export interface RoleGrantRepository {
  /** Grants the role; false when the user already had it (nothing written). */
  grant(input: NewRoleGrant, audit: AuditEntryInput): Promise<boolean>;
  /** Revokes the role; false when the user did not have it (nothing written). */
  revoke(principalId: string, role: string, audit: AuditEntryInput): Promise<boolean>;
  /** The grants of one user, or every grant (by role, then user). */
  list(filter?: { principalId?: string; role?: string }): Promise<RoleGrant[]>;
}

export function roleGrantRepository(ctx: RepositoryContext): RoleGrantRepository {
  const { db } = ctx;
  return {
    async grant(input, audit) {
      const now = ctx.now();
      const insert = db
        .insertInto('role_grants')
        .values({
          principal_id: input.principalId.toLowerCase(),
          role: input.role,
          principal_name: nullable(input.principalName),
          granted_by: input.grantedBy,
          granted_by_name: nullable(input.grantedByName),
          granted_at: now,
        })
        .onConflict((oc) => oc.columns(['principal_id', 'role']).doNothing())
        .returning('principal_id')
        .compile();
      const rows = await ctx.atomically(insert, () => [auditInsert(db, audit, now).compile()]);
      return rows.length > 0;
    },

    async revoke(principalId, role, audit) {
      const now = ctx.now();
      const remove = db
        .deleteFrom('role_grants')
        .where('principal_id', '=', principalId.toLowerCase())
        .where('role', '=', role)
        .returning('principal_id')
        .compile();
      const rows = await ctx.atomically(remove, () => [auditInsert(db, audit, now).compile()]);
      return rows.length > 0;
    },

    async list(filter = {}) {
      let query = db.selectFrom('role_grants').selectAll();
      if (filter.principalId !== undefined)
        query = query.where('principal_id', '=', filter.principalId.toLowerCase());
      if (filter.role !== undefined) query = query.where('role', '=', filter.role);
      const rows = await query.orderBy('role').orderBy('principal_id').limit(1000).execute();
      return rows.map(fromRow);
    },
  };
}

function fromRow(row: Selectable<RoleGrantTable>): RoleGrant {
  return {
    principalId: row.principal_id,
    role: row.role,
    principalName: optional(row.principal_name),
    grantedBy: row.granted_by,
    grantedByName: optional(row.granted_by_name),
    grantedAt: row.granted_at,
  };
}

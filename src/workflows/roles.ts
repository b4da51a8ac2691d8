/** Who may do what. Roles come from configuration and the caller's identity on the server, never from card data. */
export type Role = 'reader' | 'operator' | 'approver' | 'admin';

export interface RoleSettings {
  /** AAD object ids; '*' grants the role to every user of an allowed tenant. */
  operators: readonly string[];
  approvers: readonly string[];
  admins: readonly string[];
}

export interface Caller {
  /** The AAD object id; undefined when the client did not send one (then only `reader`). */
  aadObjectId?: string;
  name: string;
  tenantId?: string;
}

export class RolePolicy {
  constructor(private readonly settings: RoleSettings) {}

  rolesOf(caller: Caller): Role[] {
    const roles: Role[] = ['reader'];
    const id = caller.aadObjectId?.toLowerCase();
    if (!id) return roles;
    const listed = (list: readonly string[]) =>
      list.some((entry) => entry === '*' || entry.toLowerCase() === id);
    if (listed(this.settings.operators)) roles.push('operator');
    if (listed(this.settings.approvers)) roles.push('approver');
    if (listed(this.settings.admins)) roles.push('admin');
    return roles;
  }

  /** The users named for a role (AAD object ids, lower case); '*' grants cannot be listed. */
  namedMembers(role: Exclude<Role, 'reader'>): string[] {
    const list = {
      operator: this.settings.operators,
      approver: this.settings.approvers,
      admin: this.settings.admins,
    }[role];
    return list.filter((entry) => entry !== '*').map((entry) => entry.toLowerCase());
  }

  has(caller: Caller, role: Role): boolean {
    return this.rolesOf(caller).includes(role);
  }
}

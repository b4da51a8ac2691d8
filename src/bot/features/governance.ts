import { auditHandlers } from '../handlers/auditCommands';
import { roleHandlers } from '../handlers/roleCommands';
import type { FeatureDefinition } from './feature';

/**
 * Governance for administrators: who has which role (`roles`), granting and revoking roles in
 * Teams (`grant`, `revoke`, with a people picker card) and the audit trail (`audit [customer]
 * [days]`, paged, exported as CSV through a short-lived signed link). Every command checks the
 * admin role on the server; a grant or a revocation is audited with the change.
 */
export const governanceFeature: FeatureDefinition = {
  name: 'governance',
  commands: [
    { id: 'roles', aliases: ['roles'] },
    { id: 'grant', aliases: ['grant', 'attribuer'] },
    { id: 'revoke', aliases: ['revoke', 'retirer'] },
    { id: 'audit', aliases: ['audit'] },
  ],
  create(host) {
    const roles = roleHandlers({
      roles: host.roles,
      grants: host.store.roleGrants,
      audit: host.store.audit,
      people: host.governance?.people,
    });
    const audit = auditHandlers({
      pc: host.pc,
      audit: host.store.audit,
      kv: host.store.kv,
      downloads: host.store.downloads,
      downloadLinks: host.downloadLinks,
      retentionDays: host.governance?.auditRetentionDays ?? 365,
    });
    return {
      commands: { ...roles.commands, audit: audit.command },
      verbs: { ...roles.verbs, ...audit.verbs },
    };
  },
};

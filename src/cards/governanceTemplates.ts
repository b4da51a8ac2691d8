import auditTrail from './templates/auditTrail.json';
import roles from './templates/roles.json';

/** The admins' cards: who has which role (and the people picker to grant one), the audit trail. */
export const governanceTemplates = {
  roles: { template: roles },
  auditTrail: { template: auditTrail },
};

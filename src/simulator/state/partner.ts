/** The simulated partner (CSP) the simulator serves. */
export const PARTNER_ID = '934f3416-bc2f-47f3-b492-77e517d4e572';
export const PARTNER_MPN_ID = '5357564';
export const PARTNER_TENANT_DOMAIN = 'contosopartner.onmicrosoft.com';

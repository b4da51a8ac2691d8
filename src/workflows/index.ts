export * from './customers';
export * from './purchaseChecks';
export * from './catalogNavigator';
export * from './purchasePayload';
export * from './orders';
export * from './azurePlan';
export * from './requests/events';
export * from './requests/kind';
export * from './requests/policy';
export * from './requests/service';
export * from './requests/runner';
export * from './requests/notifications';
export * from './requests/workQueue';
export * from './requests/failures';
export * from './kinds/purchase';
export * from './kinds/planStatus';
export * from './kinds/suspend';
export * from './kinds/reactivate';
export * from './kinds/upgrade';
export * from './lifecycle/plans';
export * from './lifecycle/preflight';
export * from './lifecycle/upgrades';
export {
  effectiveRoles,
  isRole,
  ROLES,
  RolePolicy,
  type Caller,
  type GroupMembership,
  type Role,
  type RoleAssignment,
  type RoleSettings,
  type RoleSource,
} from './roles';
export * from './kinds/budget';
export * from './spend/budgetAlertFollowing';
export * from './spend/budgetAmount';
export * from './spend/budgetMonitor';
export * from './spend/forecast';
export * from './spend/spendReading';
export * from './spend/usageOverview';

import { requestVerbs, requestsCommand } from '../handlers/requests';
import type { FeatureDefinition } from './feature';

/** The request card's verbs (approve, reject, cancel, per-user refresh) and `requests`, for every kind. */
export const requestsFeature: FeatureDefinition = {
  name: 'requests',
  commands: [{ id: 'requests', aliases: ['requests', 'demandes'] }],
  create(host) {
    const deps = {
      requests: host.requests,
      cards: host.requestCards,
      meta: host.requestMeta,
      audit: host.store.audit,
    };
    return { commands: { requests: requestsCommand(deps) }, verbs: requestVerbs(deps) };
  },
};

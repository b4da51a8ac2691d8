import { z } from 'zod';
import { GraphError, type GraphRouteDef, type GraphRouteRequest } from '../http/graphPipeline';
import type { ControlRoute } from '../http/pipeline';
import { errorBody } from '../http/reply';

/**
 * Microsoft Graph directory reads the bot makes with its app token (User.Read.All and
 * GroupMember.Read.All): `POST /v1.0/users/{id}/checkMemberGroups` (graph/api/user-checkmembergroups:
 * `{ groupIds }`, at most 20, answered with the transitive memberships among them) and
 * `GET /v1.0/users/{id}` (graph/api/user-get: id, displayName, userPrincipalName).
 */

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const checkBody = z.object({ groupIds: z.array(z.string()).min(1).max(20) });

function userOf(req: GraphRouteRequest, sim: Parameters<GraphRouteDef['handle']>[1]) {
  const id = req.params.id ?? '';
  const user = GUID.test(id) ? sim.world.directory.user(id) : undefined;
  if (!user) {
    throw new GraphError(
      404,
      'Request_ResourceNotFound',
      `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
    );
  }
  return user;
}

export const graphDirectoryRoutes: GraphRouteDef[] = [
  {
    method: 'POST',
    path: '/v1.0/users/:id/checkMemberGroups',
    handle(req, sim) {
      const user = userOf(req, sim);
      const body = checkBody.safeParse(req.json() ?? {});
      if (!body.success) {
        throw new GraphError(
          400,
          'Request_BadRequest',
          'Invalid request body: groupIds must hold 1 to 20 group ids.',
        );
      }
      const directory = sim.world.directory;
      return {
        status: 200,
        body: {
          '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#Collection(Edm.String)',
          value: body.data.groupIds.filter((groupId) => directory.isMember(groupId, user.id)),
        },
      };
    },
  },
  {
    method: 'GET',
    path: '/v1.0/users/:id',
    handle(req, sim) {
      const user = userOf(req, sim);
      return {
        status: 200,
        body: {
          '@odata.context':
            'https://graph.microsoft.com/v1.0/$metadata#users(id,displayName,userPrincipalName)/$entity',
          id: user.id,
          displayName: user.displayName,
          userPrincipalName: user.userPrincipalName,
        },
      };
    },
  },
];

const memberParams = z.object({ groupId: z.string().regex(GUID), memberId: z.string().regex(GUID) });
const userBody = z.object({ id: z.string().regex(GUID), displayName: z.string().min(1).max(200) }).strict();

/**
 * Control of the directory: `GET /_sim/directory` (users and groups), `PUT` / `DELETE
 * /_sim/directory/groups/{groupId}/members/{memberId}` (a user or a nested group joins or leaves;
 * a group is created on first use), `POST /_sim/directory/users` `{ id, displayName }`.
 */
export const directoryControlRoutes: ControlRoute[] = [
  {
    method: 'GET',
    path: '/_sim/directory',
    handle: (_b, _q, sim) => ({ status: 200, body: sim.world.directory.view() }),
  },
  ...(['PUT', 'DELETE'] as const).map((method): ControlRoute => ({
    method,
    path: '/_sim/directory/groups/:groupId/members/:memberId',
    handle(_b, _q, sim, params) {
      const parsed = memberParams.safeParse(params);
      if (!parsed.success)
        return { status: 400, body: errorBody('800002', 'group and member ids must be GUIDs') };
      sim.world.directory.setMember(parsed.data.groupId, parsed.data.memberId, method === 'PUT');
      return { status: 200, body: sim.world.directory.view() };
    },
  })),
  {
    method: 'POST',
    path: '/_sim/directory/users',
    handle(body, _q, sim) {
      const parsed = userBody.safeParse(body);
      if (!parsed.success)
        return { status: 400, body: errorBody('800002', 'a user needs an id (GUID) and a displayName') };
      sim.world.directory.addUser({
        ...parsed.data,
        userPrincipalName: `${parsed.data.id.slice(0, 8)}@contoso-csp.example.com`,
      });
      return { status: 200, body: sim.world.directory.view() };
    },
  },
];

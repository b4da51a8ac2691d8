import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'restify';
import type { Logger } from '../logging';
import { withCallDeadline } from '../partnercenter';
import { HeldWork } from '../workflows/heldWork';
import type { AzurePlanOpsBot } from './activityHandler';
import { parseInboundActivity } from './activitySchema';
import type { AzurePlanOpsAdapter } from './adapter';
import { readBody } from './requestBody';

/** The largest activity taken; Teams' own limit on a message is far below. */
export const MAX_ACTIVITY_BYTES = 512 * 1024;
const KEYS_RETRY_AFTER_SECONDS = 5;
/**
 * How long a turn's Partner Center calls may take in all: a Teams client gives up on a card action
 * after about 15 s, so the turn must have answered (or said why not) before then.
 */
export const DEFAULT_TURN_DEADLINE_MS = 10_000;

export interface MessagesEndpointDeps {
  adapter: AzurePlanOpsAdapter;
  bot: AzurePlanOpsBot;
  logger: Logger;
  turnDeadlineMs?: number;
}

/**
 * POST /api/messages, in the order that keeps an unauthenticated caller from learning anything:
 * size (413) → the Authorization header alone (401 with no detail; 503 with a correlation id when
 * the signing keys cannot be had) → the body, read up to the limit → JSON and the activity schema
 * (400 naming the field, for authenticated callers only) → the token bound to the activity (401) →
 * the turn. Every answer carries `x-correlation-id`, the id of the log line that explains it.
 */
export function messagesEndpoint(deps: MessagesEndpointDeps): (req: Request, res: Response) => Promise<void> {
  const { adapter, bot, logger } = deps;
  return async (req, res) => {
    const held = new HeldWork();
    try {
      await handle(req, res, held);
    } finally {
      held.release();
    }
  };

  async function handle(req: Request, res: Response, held: HeldWork): Promise<void> {
    const correlationId = randomUUID();
    res.header('x-correlation-id', correlationId);
    const refuse = (status: number, reason: string, body?: unknown) => {
      logger.warn({ correlationId, status, reason }, 'activity refused');
      answer(res, status, body);
    };
    try {
      if (Number(req.headers['content-length']) > MAX_ACTIVITY_BYTES) {
        res.header('Connection', 'close');
        return refuse(413, 'declared body too large', tooLarge());
      }
      const auth = await adapter.inbound.authenticate(req.headers.authorization);
      if (!auth.ok && auth.status === 503) {
        res.header('Retry-After', String(KEYS_RETRY_AFTER_SECONDS));
        return refuse(503, auth.reason, {
          error: {
            code: 'AuthenticationUnavailable',
            message: 'The caller cannot be authenticated right now; retry shortly.',
            correlationId,
          },
        });
      }
      if (!auth.ok) {
        res.header('WWW-Authenticate', 'Bearer');
        return refuse(401, auth.reason);
      }

      const body = await readBody(req, MAX_ACTIVITY_BYTES);
      if (!body.ok) {
        if (body.reason === 'aborted') return;
        res.header('Connection', 'close');
        return refuse(413, 'body too large', tooLarge());
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(body.text);
      } catch {
        return refuse(400, 'not JSON', badRequest('the request body must be JSON', correlationId));
      }
      const check = parseInboundActivity(parsed);
      if (!check.ok) return refuse(400, check.message, badRequest(check.message, correlationId));

      const bound = await adapter.inbound.bind(auth.caller, check.activity);
      if (!bound.ok) {
        res.header('WWW-Authenticate', 'Bearer');
        return refuse(401, bound.reason);
      }
      // Every Partner Center call of the turn answers by the deadline or fails with "busy, try
      // again in N s" (withCallDeadline); background work the turn sets off runs without it.
      const deadlineAt = Date.now() + (deps.turnDeadlineMs ?? DEFAULT_TURN_DEADLINE_MS);
      // What the turn sets off in the background (WorkQueue.kick) starts once it has answered.
      const invokeResponse = await held.run(() =>
        adapter.runAuthenticated(bound.result, check.activity, (context) =>
          withCallDeadline(deadlineAt, () => bot.run(context)),
        ),
      );
      answer(res, invokeResponse?.status ?? 200, invokeResponse?.body);
    } catch (error) {
      logger.error({ err: error, correlationId }, 'activity processing failed outside a turn');
      if (!res.headersSent) {
        answer(res, 500, {
          error: { code: 'InternalError', message: 'The activity could not be processed.', correlationId },
        });
      }
    }
  }
}

function answer(res: Response, status: number, body: unknown): void {
  if (body === undefined) {
    res.status(status);
    res.end();
  } else res.send(status, body);
}

function tooLarge() {
  return {
    error: { code: 'PayloadTooLarge', message: `An activity may not exceed ${MAX_ACTIVITY_BYTES} bytes.` },
  };
}

function badRequest(message: string, correlationId: string) {
  return { error: { code: 'BadRequest', message, correlationId } };
}

import type { AdaptiveCardInvokeResponse, TurnContext } from 'botbuilder';
import type { CommandId } from '../commands';
import type { TurnServices } from '../turnServices';

export interface CommandRequest {
  context: TurnContext;
  services: TurnServices;
  args: string[];
  argText: string;
}

export type CommandHandler = (request: CommandRequest) => Promise<void>;
export type CommandHandlers = Partial<Record<CommandId, CommandHandler>>;

export interface VerbRequest {
  context: TurnContext;
  services: TurnServices;
  verb: string;
  /** Card data as the client sent it: untrusted, parsed with zod by each handler. */
  data: Record<string, unknown>;
}

export type VerbHandler = (request: VerbRequest) => Promise<AdaptiveCardInvokeResponse>;
export type VerbHandlers = Record<string, VerbHandler>;

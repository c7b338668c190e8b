import { libraryStream } from '@teleplay/contracts';
import type { Position } from '@teleplay/eventstore';
import type { FastifyRequest } from 'fastify';
import type { ApiContext } from '../../api/api-context.ts';
import { READ_MODELS_OF } from '../../api/read-models.ts';
import { currentUser } from '../auth/auth.plugin.ts';
import { type LibraryCommand, libraryDecider } from './library.decide.ts';

/**
 * Runs commands on the signed-in user's library, decided together so that a refusal writes nothing,
 * each with its own command id derived from the request's (or `commandId` for a single command),
 * then waits for the library's read models. Resolves null when they include the write, else with
 * the 202 answer.
 */
export async function writeLibrary(
  context: ApiContext,
  request: FastifyRequest,
  write: { commands: readonly LibraryCommand[]; commandId?: string },
): Promise<{ position: Position } | null> {
  const { commands } = context;
  const several = write.commands.length > 1;
  const { position } = await commands.run(request, {
    streamName: libraryStream(currentUser(request).userId),
    decider: libraryDecider,
    steps: write.commands.map((command) => ({
      command,
      commandId:
        (several ? undefined : write.commandId) ??
        commands.commandId(request, several ? command.type : undefined),
    })),
  });
  return commands.awaitReadModels(READ_MODELS_OF.library, position);
}

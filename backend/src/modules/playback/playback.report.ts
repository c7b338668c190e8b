import {
  libraryStream,
  type PlaybackReportRequest,
  type PlaybackState,
  playbackStream,
} from '@teleplay/contracts';
import type { Position } from '@teleplay/eventstore';
import type { FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { ApiContext } from '../../api/api-context.ts';
import { READ_MODELS_OF } from '../../api/read-models.ts';
import { currentUser } from '../auth/auth.plugin.ts';
import { libraryDecider } from '../library/library.decide.ts';
import { type PlaybackCommand, playbackDecider } from './playback.decide.ts';
import { readWatchProgress } from './playback.read.ts';

const COMMAND_TYPES = { start: 'StartPlayback', progress: 'ReportProgress', stop: 'StopPlayback' } as const;

/**
 * Records a player's report for the signed-in user and device, then answers with the file's
 * playback state once the playback read models have it (or the 202 answer when they lag).
 * The file's duration comes from the user's library: another user's file is not found.
 */
export async function reportPlayback(
  context: ApiContext,
  request: FastifyRequest,
  report: z.output<typeof PlaybackReportRequest>,
): Promise<{ pending: { position: Position } } | { state: PlaybackState }> {
  const { store, cache, commands, db } = context;
  const { userId, deviceId } = currentUser(request);
  const library = await cache.load(store, libraryStream(userId), libraryDecider);
  const known = library.state.files.get(report.fileId);
  const common = {
    fileId: report.fileId,
    deviceId,
    positionSeconds: report.positionSeconds,
    ...(report.durationSeconds === undefined ? {} : { reportedDurationSeconds: report.durationSeconds }),
    file: known ? { durationSeconds: known.durationSeconds } : null,
  };
  const command: PlaybackCommand =
    report.event === 'progress'
      ? { type: COMMAND_TYPES.progress, data: { ...common, paused: report.paused } }
      : { type: COMMAND_TYPES[report.event], data: common };
  const { position } = await commands.run(request, {
    streamName: playbackStream(userId),
    decider: playbackDecider,
    steps: [{ command, commandId: commands.commandId(request) }],
  });
  const pending = await commands.awaitReadModels(READ_MODELS_OF.playback, position);
  if (pending) return { pending };
  const progress = await readWatchProgress(db, userId, [report.fileId]);
  return { state: { progress: progress.get(report.fileId) ?? null } };
}

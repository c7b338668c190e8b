import {
  type DeviceId,
  type EventOfType,
  type FileId,
  PlaybackEvent,
  parseDomainEvent,
} from '@teleplay/contracts';
import type { Command, Decider } from '../../commands/decider.ts';
import { type DomainError, refuse } from '../../commands/domain-error.ts';
import { classifyPosition } from './playback.resume.ts';
import {
  evolvePlayback,
  initialPlaybackState,
  type PlaybackSession,
  type PlaybackState,
} from './playback.state.ts';

// -----------------------------------------------------------------------------------------------
// Commands: the player's reports. Whether the file exists in the user's library, and its duration,
// is looked up by the caller and passed in (`file`), which keeps the decider pure.
// -----------------------------------------------------------------------------------------------

/** The file as the user's library knows it; null when it does not exist there (or was deleted). */
export interface PlayableFile {
  durationSeconds: number | null;
}

export interface PlaybackReport {
  fileId: FileId;
  deviceId: DeviceId;
  positionSeconds: number;
  /** The duration the player measured; used when the library does not know the file's duration. */
  reportedDurationSeconds?: number;
  file: PlayableFile | null;
}

export type StartPlayback = Command<'StartPlayback', PlaybackReport>;
export type ReportProgress = Command<'ReportProgress', PlaybackReport & { paused: boolean }>;
export type StopPlayback = Command<'StopPlayback', PlaybackReport>;

export type PlaybackCommand = StartPlayback | ReportProgress | StopPlayback;

export type PlaybackRefusalCode =
  | 'file_not_found'
  | 'invalid_position'
  | 'invalid_duration'
  | 'duration_unknown';

const refusals = {
  fileNotFound: (fileId: FileId) => refuse('file_not_found', 'not_found', `file ${fileId} does not exist`),
  invalidPosition: () =>
    refuse('invalid_position', 'invalid', 'the position must be a finite number of seconds, at least 0'),
  invalidDuration: () =>
    refuse(
      'invalid_duration',
      'invalid',
      'the reported duration must be a finite number of seconds, above 0',
    ),
  durationUnknown: (fileId: FileId) =>
    refuse(
      'duration_unknown',
      'invalid',
      `the duration of file ${fileId} is unknown: report it with the progress`,
    ),
} satisfies Record<string, (...args: never[]) => DomainError<PlaybackRefusalCode>>;

// -----------------------------------------------------------------------------------------------
// Decisions. Every report is classified by Jellyfin's rules; the first report of a session that
// counts as watched is followed by PlaybackCompleted. A device plays one file at a time: a report
// for another file first stops the one it was playing.
// -----------------------------------------------------------------------------------------------

type Progress = EventOfType<'PlaybackStarted'>['data'];

/** A report as recorded, and whether its position counts as watched. */
interface Measured {
  progress: Progress;
  played: boolean;
}

function measured(
  fileId: FileId,
  deviceId: DeviceId,
  positionSeconds: number,
  durationSeconds: number,
): Measured {
  const point = classifyPosition(positionSeconds, durationSeconds);
  const resumeAtSeconds = point.kind === 'resumable' ? point.atSeconds : null;
  return {
    progress: { fileId, deviceId, positionSeconds, durationSeconds, resumeAtSeconds },
    played: point.kind === 'played',
  };
}

function measure(report: PlaybackReport): Measured {
  const { fileId, deviceId, positionSeconds, reportedDurationSeconds, file } = report;
  if (!Number.isFinite(positionSeconds) || positionSeconds < 0) throw refusals.invalidPosition();
  if (
    reportedDurationSeconds !== undefined &&
    !(Number.isFinite(reportedDurationSeconds) && reportedDurationSeconds > 0)
  ) {
    throw refusals.invalidDuration();
  }
  if (!file) throw refusals.fileNotFound(fileId);
  const durationSeconds = file.durationSeconds ?? reportedDurationSeconds;
  if (durationSeconds === undefined) throw refusals.durationUnknown(fileId);
  // Players report a little past the end; the end is as far as a position goes.
  return measured(fileId, deviceId, Math.min(positionSeconds, durationSeconds), durationSeconds);
}

/** The session the device has open for this file, if that is what it is playing. */
function sessionFor(state: PlaybackState, { fileId, deviceId }: Progress): PlaybackSession | undefined {
  const session = state.sessions.get(deviceId);
  return session?.fileId === fileId ? session : undefined;
}

/** Stops what the device was playing, at its last known position, when it reports another file. */
function stopOtherFile(state: PlaybackState, { fileId, deviceId }: Progress): PlaybackEvent[] {
  const session = state.sessions.get(deviceId);
  if (!session || session.fileId === fileId) return [];
  const last = measured(session.fileId, deviceId, session.positionSeconds, session.durationSeconds);
  return [{ type: 'PlaybackStopped', data: last.progress }];
}

function completion({ progress, played }: Measured, session: PlaybackSession | undefined): PlaybackEvent[] {
  if (!played || session?.completed) return [];
  const { fileId, deviceId, durationSeconds } = progress;
  return [{ type: 'PlaybackCompleted', data: { fileId, deviceId, durationSeconds } }];
}

function startPlayback({ data }: StartPlayback, state: PlaybackState): PlaybackEvent[] {
  const report = measure(data);
  return [
    ...stopOtherFile(state, report.progress),
    { type: 'PlaybackStarted', data: report.progress },
    ...completion(report, undefined),
  ];
}

function reportProgress({ data }: ReportProgress, state: PlaybackState): PlaybackEvent[] {
  const report = measure(data);
  const session = sessionFor(state, report.progress);
  if (session?.positionSeconds === report.progress.positionSeconds && session.paused === data.paused)
    return [];
  return [
    ...stopOtherFile(state, report.progress),
    { type: 'PlaybackProgressed', data: { ...report.progress, paused: data.paused } },
    ...completion(report, session),
  ];
}

function stopPlayback({ data }: StopPlayback, state: PlaybackState): PlaybackEvent[] {
  const report = measure(data);
  const session = sessionFor(state, report.progress);
  if (!session) return [];
  return [{ type: 'PlaybackStopped', data: report.progress }, ...completion(report, session)];
}

export function decidePlayback(command: PlaybackCommand, state: PlaybackState): PlaybackEvent[] {
  switch (command.type) {
    case 'StartPlayback':
      return startPlayback(command, state);
    case 'ReportProgress':
      return reportProgress(command, state);
    case 'StopPlayback':
      return stopPlayback(command, state);
    default: {
      const unknownCommand: never = command;
      throw new Error(`unknown playback command ${JSON.stringify(unknownCommand)}`);
    }
  }
}

export const playbackDecider: Decider<PlaybackState, PlaybackCommand, PlaybackEvent> = {
  decide: decidePlayback,
  evolve: evolvePlayback,
  initialState: initialPlaybackState,
  parseEvent: (stored) => PlaybackEvent.parse(parseDomainEvent(stored)),
};

import type { UserId } from '@teleplay/contracts';
import type { ProjectedEvent } from '../projection.ts';
import { type EventOptions, makeEvent } from './event-builder.ts';

export interface PlaybackReport {
  fileId: string;
  deviceId: string;
  positionSeconds: number;
  /** Default: resumable at the position. */
  resumeAtSeconds?: number | null;
  durationSeconds?: number;
  userId?: UserId;
  occurredAt?: string;
}

function options(report: PlaybackReport): EventOptions {
  return {
    deviceId: report.deviceId,
    source: 'tv',
    ...(report.userId ? { userId: report.userId } : {}),
    ...(report.occurredAt ? { occurredAt: report.occurredAt } : {}),
  };
}

function progress(report: PlaybackReport) {
  return {
    fileId: report.fileId,
    deviceId: report.deviceId,
    positionSeconds: report.positionSeconds,
    durationSeconds: report.durationSeconds ?? 3600,
    resumeAtSeconds: report.resumeAtSeconds === undefined ? report.positionSeconds : report.resumeAtSeconds,
  };
}

export const playbackStarted = (
  report: PlaybackReport,
): Extract<ProjectedEvent, { type: 'PlaybackStarted' }> =>
  makeEvent('PlaybackStarted', progress(report), options(report));

export const playbackProgressed = (
  report: PlaybackReport & { paused?: boolean },
): Extract<ProjectedEvent, { type: 'PlaybackProgressed' }> =>
  makeEvent('PlaybackProgressed', { ...progress(report), paused: report.paused ?? false }, options(report));

export const playbackStopped = (
  report: PlaybackReport,
): Extract<ProjectedEvent, { type: 'PlaybackStopped' }> =>
  makeEvent('PlaybackStopped', progress(report), options(report));

export const playbackCompleted = (
  report: Omit<PlaybackReport, 'positionSeconds' | 'resumeAtSeconds'>,
): Extract<ProjectedEvent, { type: 'PlaybackCompleted' }> =>
  makeEvent(
    'PlaybackCompleted',
    { fileId: report.fileId, deviceId: report.deviceId, durationSeconds: report.durationSeconds ?? 3600 },
    options({ ...report, positionSeconds: 0 }),
  );

import type { DeviceId, FileId, PlaybackEvent } from '@teleplay/contracts';
import { describe, it } from 'vitest';
import { DeciderSpecification } from '../../testing/decider-specification.ts';
import { type PlayableFile, playbackDecider } from './playback.decide.ts';

const given = DeciderSpecification.for(playbackDecider);

const FILM = '00000000-0000-4000-8000-0000000000f1';
const CLIP = '00000000-0000-4000-8000-0000000000f2';
const TV = 'tv-living-room';
const PHONE = 'phone';

/** A 100-minute film and a two-minute clip, as the library knows them. */
const film: PlayableFile = { durationSeconds: 6000 };
const clip: PlayableFile = { durationSeconds: 120 };

const progress = (
  fileId: FileId,
  deviceId: DeviceId,
  positionSeconds: number,
  resumeAtSeconds: number | null,
) => ({
  fileId,
  deviceId,
  positionSeconds,
  durationSeconds: fileId === FILM ? 6000 : 120,
  resumeAtSeconds,
});
const started = (
  fileId: FileId,
  deviceId: DeviceId,
  position: number,
  resumeAt: number | null,
): PlaybackEvent => ({
  type: 'PlaybackStarted',
  data: progress(fileId, deviceId, position, resumeAt),
});
const progressed = (
  fileId: FileId,
  deviceId: DeviceId,
  position: number,
  resumeAt: number | null,
  paused = false,
): PlaybackEvent => ({
  type: 'PlaybackProgressed',
  data: { ...progress(fileId, deviceId, position, resumeAt), paused },
});
const stopped = (
  fileId: FileId,
  deviceId: DeviceId,
  position: number,
  resumeAt: number | null,
): PlaybackEvent => ({
  type: 'PlaybackStopped',
  data: progress(fileId, deviceId, position, resumeAt),
});
const completed = (fileId: FileId, deviceId: DeviceId): PlaybackEvent => ({
  type: 'PlaybackCompleted',
  data: { fileId, deviceId, durationSeconds: fileId === FILM ? 6000 : 120 },
});

const report = (
  fileId: FileId,
  deviceId: DeviceId,
  positionSeconds: number,
  file: PlayableFile | null = film,
) => ({
  fileId,
  deviceId,
  positionSeconds,
  file,
});
const start = (fileId: FileId, deviceId: DeviceId, position: number, file?: PlayableFile | null) => ({
  type: 'StartPlayback' as const,
  data: report(fileId, deviceId, position, file),
});
const tick = (
  fileId: FileId,
  deviceId: DeviceId,
  position: number,
  file?: PlayableFile | null,
  paused = false,
) => ({
  type: 'ReportProgress' as const,
  data: { ...report(fileId, deviceId, position, file), paused },
});
const stop = (fileId: FileId, deviceId: DeviceId, position: number, file?: PlayableFile | null) => ({
  type: 'StopPlayback' as const,
  data: report(fileId, deviceId, position, file),
});

const fileNotFound = {
  code: 'file_not_found',
  kind: 'not_found',
  message: `file ${FILM} does not exist`,
} as const;
const invalidPosition = {
  code: 'invalid_position',
  kind: 'invalid',
  message: 'the position must be a finite number of seconds, at least 0',
} as const;

describe('StartPlayback', () => {
  it('records a start from the beginning, with nothing to resume', () => {
    given([])
      .when(start(FILM, TV, 0))
      .then([started(FILM, TV, 0, null)]);
  });

  it('records a start from a resumable position', () => {
    given([])
      .when(start(FILM, TV, 2467))
      .then([started(FILM, TV, 2467, 2467)]);
  });

  it('records a new start of the file the device is already playing', () => {
    given([started(FILM, TV, 0, null), progressed(FILM, TV, 600, 600)])
      .when(start(FILM, TV, 0))
      .then([started(FILM, TV, 0, null)]);
  });

  it('stops the file the device was playing, at its last position, before starting another', () => {
    given([started(FILM, TV, 0, null), progressed(FILM, TV, 600, 600)])
      .when(start(CLIP, TV, 0, clip))
      .then([stopped(FILM, TV, 600, 600), started(CLIP, TV, 0, null)]);
  });

  it('leaves what other devices play alone', () => {
    given([started(FILM, PHONE, 600, 600)])
      .when(start(CLIP, TV, 0, clip))
      .then([started(CLIP, TV, 0, null)]);
  });

  it('records a start near the end as watched', () => {
    given([])
      .when(start(FILM, TV, 5800))
      .then([started(FILM, TV, 5800, null), completed(FILM, TV)]);
  });

  it('uses the duration the player reports when the library does not know it', () => {
    given([])
      .when({
        ...start(FILM, TV, 600),
        data: { ...report(FILM, TV, 600, { durationSeconds: null }), reportedDurationSeconds: 6000 },
      })
      .then([started(FILM, TV, 600, 600)]);
  });

  it("prefers the library's duration to the player's", () => {
    given([])
      .when({ ...start(FILM, TV, 600), data: { ...report(FILM, TV, 600), reportedDurationSeconds: 900 } })
      .then([started(FILM, TV, 600, 600)]);
  });

  it('refuses a file that is not in the library of the user', () => {
    given([])
      .when(start(FILM, TV, 0, null))
      .thenThrows(fileNotFound);
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY])('refuses the position %s', (position) => {
    given([])
      .when(start(FILM, TV, position))
      .thenThrows(invalidPosition);
  });

  it('refuses a reported duration that is not positive', () => {
    given([])
      .when({ ...start(FILM, TV, 0), data: { ...report(FILM, TV, 0), reportedDurationSeconds: 0 } })
      .thenThrows({
        code: 'invalid_duration',
        kind: 'invalid',
        message: 'the reported duration must be a finite number of seconds, above 0',
      });
  });

  it('refuses a file whose duration nobody knows', () => {
    given([])
      .when(start(FILM, TV, 0, { durationSeconds: null }))
      .thenThrows({
        code: 'duration_unknown',
        kind: 'invalid',
        message: `the duration of file ${FILM} is unknown: report it with the progress`,
      });
  });
});

describe('ReportProgress', () => {
  it('records a resumable position', () => {
    given([started(FILM, TV, 0, null)])
      .when(tick(FILM, TV, 2467))
      .then([progressed(FILM, TV, 2467, 2467)]);
  });

  it('records that playback is paused', () => {
    given([started(FILM, TV, 0, null), progressed(FILM, TV, 2467, 2467)])
      .when(tick(FILM, TV, 2467, film, true))
      .then([progressed(FILM, TV, 2467, 2467, true)]);
  });

  it('does nothing when neither the position nor the pause changed', () => {
    given([started(FILM, TV, 0, null), progressed(FILM, TV, 2467, 2467, true)])
      .when(tick(FILM, TV, 2467, film, true))
      .thenNothingHappened();
  });

  it('records an early position as not resumable', () => {
    given([started(FILM, TV, 0, null)])
      .when(tick(FILM, TV, 120))
      .then([progressed(FILM, TV, 120, null)]);
  });

  it('records the report that passes 90 % as watched', () => {
    given([started(FILM, TV, 0, null), progressed(FILM, TV, 5390, 5390)])
      .when(tick(FILM, TV, 5410))
      .then([progressed(FILM, TV, 5410, null), completed(FILM, TV)]);
  });

  it('records the completion once per session', () => {
    given([started(FILM, TV, 0, null), progressed(FILM, TV, 5410, null), completed(FILM, TV)])
      .when(tick(FILM, TV, 5500))
      .then([progressed(FILM, TV, 5500, null)]);
  });

  it('counts a short item as watched once past 5 %: it never resumes', () => {
    given([started(CLIP, TV, 0, null)])
      .when(tick(CLIP, TV, 30, clip))
      .then([progressed(CLIP, TV, 30, null), completed(CLIP, TV)]);
  });

  it('stops at the end a position reported past it', () => {
    given([started(FILM, TV, 0, null)])
      .when(tick(FILM, TV, 6003))
      .then([progressed(FILM, TV, 6000, null), completed(FILM, TV)]);
  });

  it('records progress the device did not announce with a start', () => {
    given([])
      .when(tick(FILM, TV, 2467))
      .then([progressed(FILM, TV, 2467, 2467)]);
  });

  it('stops the file the device was playing when it reports another', () => {
    given([started(FILM, TV, 0, null), progressed(FILM, TV, 600, 600)])
      .when(tick(CLIP, TV, 1, clip))
      .then([stopped(FILM, TV, 600, 600), progressed(CLIP, TV, 1, null)]);
  });

  it('refuses a file that is not in the library of the user', () => {
    given([])
      .when(tick(FILM, TV, 10, null))
      .thenThrows(fileNotFound);
  });

  it('refuses an invalid position', () => {
    given([])
      .when(tick(FILM, TV, -5))
      .thenThrows(invalidPosition);
  });
});

describe('StopPlayback', () => {
  it('records where the device stopped', () => {
    given([started(FILM, TV, 0, null)])
      .when(stop(FILM, TV, 2467))
      .then([stopped(FILM, TV, 2467, 2467)]);
  });

  it('records a stop near the end as watched', () => {
    given([started(FILM, TV, 0, null)])
      .when(stop(FILM, TV, 5900))
      .then([stopped(FILM, TV, 5900, null), completed(FILM, TV)]);
  });

  it('does not record the completion again', () => {
    given([started(FILM, TV, 0, null), progressed(FILM, TV, 5410, null), completed(FILM, TV)])
      .when(stop(FILM, TV, 5900))
      .then([stopped(FILM, TV, 5900, null)]);
  });

  it('stops only the device that reports it', () => {
    given([started(FILM, TV, 0, null), started(FILM, PHONE, 0, null)])
      .when(stop(FILM, PHONE, 600))
      .then([stopped(FILM, PHONE, 600, 600)]);
  });

  it('does nothing when the device is not playing anything', () => {
    given([])
      .when(stop(FILM, TV, 600))
      .thenNothingHappened();
  });

  it('does nothing when the device already stopped', () => {
    given([started(FILM, TV, 0, null), stopped(FILM, TV, 600, 600)])
      .when(stop(FILM, TV, 600))
      .thenNothingHappened();
  });

  it('does nothing when the device is playing another file', () => {
    given([started(CLIP, TV, 0, null)])
      .when(stop(FILM, TV, 600))
      .thenNothingHappened();
  });

  it('refuses a file that is not in the library of the user', () => {
    given([started(FILM, TV, 0, null)])
      .when(stop(FILM, TV, 600, null))
      .thenThrows(fileNotFound);
  });
});

import type { DeviceId, FileId, PlaybackEvent } from '@teleplay/contracts';
import { Map as ImmutableMap } from 'immutable';

/** What each device of one user is playing (`playback-{userId}`): one file at a time per device. */
export interface PlaybackState {
  sessions: ImmutableMap<DeviceId, PlaybackSession>;
}

export interface PlaybackSession {
  fileId: FileId;
  positionSeconds: number;
  durationSeconds: number;
  paused: boolean;
  /** PlaybackCompleted was recorded during this session: it is not recorded twice. */
  completed: boolean;
}

export function initialPlaybackState(): PlaybackState {
  return { sessions: ImmutableMap() };
}

export function evolvePlayback(state: PlaybackState, event: PlaybackEvent): PlaybackState {
  const { sessions } = state;
  const { deviceId, fileId } = event.data;
  const current = sessions.get(deviceId);
  const same = current?.fileId === fileId ? current : undefined;
  switch (event.type) {
    case 'PlaybackStarted': {
      const { positionSeconds, durationSeconds } = event.data;
      return {
        sessions: sessions.set(deviceId, {
          fileId,
          positionSeconds,
          durationSeconds,
          paused: false,
          completed: false,
        }),
      };
    }
    case 'PlaybackProgressed': {
      const { positionSeconds, durationSeconds, paused } = event.data;
      const completed = same?.completed ?? false;
      return {
        sessions: sessions.set(deviceId, { fileId, positionSeconds, durationSeconds, paused, completed }),
      };
    }
    case 'PlaybackCompleted':
      return same ? { sessions: sessions.set(deviceId, { ...same, completed: true }) } : state;
    case 'PlaybackStopped':
      return same ? { sessions: sessions.delete(deviceId) } : state;
  }
}

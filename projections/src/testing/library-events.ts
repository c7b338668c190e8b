import type { EventOfType } from '@teleplay/contracts';
import type { ProjectedEvent } from '../projection.ts';
import { type EventOptions, makeEvent } from './event-builder.ts';

type UploadData = EventOfType<'FileUploaded'>['data'];

let messageId = 0;

/** A FileUploaded event with plausible defaults (a one-hour video at the root, from the bot). */
export function uploaded(
  fileId: string,
  fields: Partial<UploadData> = {},
  options: EventOptions = {},
): Extract<ProjectedEvent, { type: 'FileUploaded' }> {
  messageId += 1;
  return makeEvent(
    'FileUploaded',
    {
      fileId,
      folderId: null,
      name: `file ${messageId}.mp4`,
      size: 1000,
      mimeType: 'video/mp4',
      kind: 'video',
      durationSeconds: 3600,
      width: 1920,
      height: 1080,
      thumbnail: null,
      origin: { chatId: '555', messageId },
      telegram: {
        channelId: '-1001',
        messageId: 10_000 + messageId,
        documentId: `doc-${messageId}`,
        dcId: 2,
      },
      ...fields,
    },
    { source: 'bot', ...options },
  );
}

export function folderCreated(
  folderId: string,
  name: string,
  parentId: string | null = null,
  options: EventOptions = {},
): Extract<ProjectedEvent, { type: 'FolderCreated' }> {
  return makeEvent('FolderCreated', { folderId, parentId, name }, options);
}

import { z } from 'zod';

/** A Telegram user id: also the id of that user's isolated library. Decimal string (ids exceed 2^31). */
export const UserId = z.string().regex(/^[1-9]\d{0,19}$/, 'a Telegram user id (decimal digits)');
export type UserId = z.infer<typeof UserId>;

export const FileId = z.uuid();
export type FileId = z.infer<typeof FileId>;

export const FolderId = z.uuid();
export type FolderId = z.infer<typeof FolderId>;

export const DeviceId = z.string().min(1).max(64);
export type DeviceId = z.infer<typeof DeviceId>;

export const ShareId = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/);
export type ShareId = z.infer<typeof ShareId>;

export const Timestamp = z.iso.datetime({ offset: true });
export type Timestamp = z.infer<typeof Timestamp>;

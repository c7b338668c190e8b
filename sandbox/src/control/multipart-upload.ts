import { createWriteStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { type FileUpload, type Sandbox, SandboxError } from '../sandbox.ts';

/** Largest file the control API takes. */
export const MAX_UPLOAD_BYTES = 8 * 1024 ** 3;

/** Optional form fields next to the `file` part. */
const UploadFields = z.object({
  caption: z.string().max(1024).optional(),
  fileName: z.string().min(1).optional(),
  mimeType: z.string().min(1).optional(),
  duration: z.coerce.number().nonnegative().optional(),
  width: z.coerce.number().int().nonnegative().optional(),
  height: z.coerce.number().int().nonnegative().optional(),
  asDocument: z
    .enum(['true', 'false'])
    .transform((value) => value === 'true')
    .optional(),
  dcId: z.coerce.number().int().positive().optional(),
  botId: z.coerce.number().int().positive().optional(),
});

export interface MultipartUpload {
  upload: FileUpload;
  botId: number | undefined;
}

/**
 * Reads a multipart upload: the `file` part streams to the sandbox's file store (large files never
 * sit in memory), an optional `thumbnail` part and the fields of {@link UploadFields}.
 */
export async function readMultipartUpload(
  request: FastifyRequest,
  sandbox: Sandbox,
): Promise<MultipartUpload> {
  if (!request.isMultipart())
    throw new SandboxError(400, 'MULTIPART_REQUIRED', 'send the file as multipart/form-data');
  const fields: Record<string, string> = {};
  let storedPath: string | undefined;
  let file: { path: string; size: number; fileName: string; mimeType: string } | undefined;
  let thumbnail: Buffer | undefined;
  try {
    for await (const part of request.parts({
      limits: { fileSize: MAX_UPLOAD_BYTES, files: 2, fields: 20 },
    })) {
      if (part.type === 'field') {
        fields[part.fieldname] = String(part.value);
      } else if (part.fieldname === 'file' && !file) {
        const path = sandbox.storagePath();
        storedPath = path;
        await pipeline(part.file, createWriteStream(path));
        file = { path, size: (await stat(path)).size, fileName: part.filename, mimeType: part.mimetype };
      } else if (part.fieldname === 'thumbnail') {
        thumbnail = await part.toBuffer();
      } else {
        part.file.resume();
        throw new SandboxError(400, 'UNEXPECTED_FILE', `unexpected file field "${part.fieldname}"`);
      }
    }
    if (!file) throw new SandboxError(400, 'FILE_MISSING', 'the multipart body has no "file" part');
    const parsed = UploadFields.safeParse(fields);
    if (!parsed.success) throw new SandboxError(400, 'INVALID_REQUEST', z.prettifyError(parsed.error));
    const { botId, fileName, ...options } = parsed.data;
    return {
      botId,
      upload: {
        ...options,
        fileName: fileName ?? (file.fileName || 'file'),
        mimeType: options.mimeType ?? file.mimeType,
        content: { type: 'stored', path: file.path, size: file.size },
        thumbnail,
      },
    };
  } catch (error) {
    if (storedPath) await rm(storedPath, { force: true });
    throw error;
  }
}

import { z } from 'zod';
import { FileDto, FolderDto, WatchProgressDto } from '../realtime.ts';
import { pageOf } from './common.ts';
import { BreadcrumbItem } from './library.ts';

// ---------------------------------------------------------------------------------------------
// The TV app's screens: one request per screen, files with their playback state.
// ---------------------------------------------------------------------------------------------

export const TvFile = FileDto.extend({
  progress: WatchProgressDto.nullable().describe('null when never played'),
}).meta({ id: 'TvFile' });
export type TvFile = z.infer<typeof TvFile>;

export const TvFileList = z.object({ items: z.array(TvFile) }).meta({ id: 'TvFileList' });
export type TvFileList = z.infer<typeof TvFileList>;

export const TvBrowse = z
  .object({
    folder: FolderDto.nullable().describe('null for the root'),
    path: z.array(BreadcrumbItem),
    folders: z.array(FolderDto),
    files: pageOf(TvFile),
  })
  .meta({ id: 'TvBrowse' });
export type TvBrowse = z.infer<typeof TvBrowse>;

export const TvSearchResult = z
  .object({
    folders: z.array(FolderDto).describe('best matches first'),
    files: z.array(TvFile).describe('best matches first'),
  })
  .meta({ id: 'TvSearchResult' });
export type TvSearchResult = z.infer<typeof TvSearchResult>;

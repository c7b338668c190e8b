import { join } from 'node:path';

export const repoRoot = join(import.meta.dirname, '../../..');
export const webRoot = join(repoRoot, 'web');
export const webBuild = join(webRoot, 'build');
export const artifactsDir = join(repoRoot, 'e2e/artifacts');

// Opaque secrets (refresh and API tokens): random, shown once, stored only as their SHA-256.
import { createHash, randomBytes } from 'node:crypto';

export const REFRESH_PREFIX = 'rt_';
export const API_TOKEN_PREFIX = 'itk_';

export const newSecret = (prefix: string): string => `${prefix}${randomBytes(32).toString('base64url')}`;

// 256 random bits need no slow hash: SHA-256 cannot be brute-forced back to them.
export const hashSecret = (secret: string): string => createHash('sha256').update(secret, 'utf8').digest('hex');

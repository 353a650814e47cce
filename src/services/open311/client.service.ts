// Who calls the Open311 endpoint: a county (api_key or jurisdiction_id) and, with an Open311 token, the integration behind it.
import { findCountyByCode, someCounties } from '../../store/open311/places.repository.js';
import type { Caller } from '../access.service.js';
import type { ServiceContext } from '../context.js';
import { DomainError } from '../errors.js';
import { resolveApiToken } from '../session.service.js';

export interface Open311Client {
  countyId: string;
  /** Set when the call carried a valid Open311 api_key: the integration and the unit its token is bound to. */
  caller?: Caller;
  /** FixMyStreet's extended statuses unless the call says otherwise (the token's setting). */
  extendedStatuses: boolean;
}

export type KeyedClient = Open311Client & { caller: Caller };

export interface ClientQuery {
  apiKey?: string;
  jurisdictionId?: string;
  /** POSTs need a key; GETs answer without one, as public lists. */
  requireKey: boolean;
}

const blank = (s: string | undefined): boolean => s === undefined || s.trim() === '';

// Open311 says 403 for any bad or missing api_key; the face maps `unauthorized` to it.
const badKey = (why: string) => new DomainError('unauthorized', `api_key 无效：${why} (invalid api_key: ${why})`);

/**
 * A county by its code (jurisdiction_id), the key's county, or the only county there is. A `/v1` token
 * is no Open311 key: each token speaks one API (docs/SECURITY.md).
 */
export async function resolveClient(ctx: ServiceContext, q: ClientQuery): Promise<Open311Client> {
  const jurisdiction = blank(q.jurisdictionId) ? undefined : await findCountyByCode(ctx.db, (q.jurisdictionId ?? '').trim());
  if (!blank(q.jurisdictionId) && !jurisdiction) {
    throw new DomainError('not_found', `jurisdiction_id 不存在 (jurisdiction_id not found: ${q.jurisdictionId ?? ''})`);
  }
  if (!blank(q.apiKey)) {
    const grant = await resolveApiToken(ctx, (q.apiKey ?? '').trim()).catch((err: unknown) => {
      if (err instanceof DomainError) throw badKey('unknown, revoked or expired');
      throw err;
    });
    if (grant.scope !== 'open311') throw badKey('not an Open311 key');
    if (jurisdiction && jurisdiction.id !== grant.caller.countyId) throw badKey('not a key of this jurisdiction');
    return { countyId: grant.caller.countyId, caller: grant.caller, extendedStatuses: grant.extendedStatuses };
  }
  if (q.requireKey) throw badKey('missing');
  if (jurisdiction) return { countyId: jurisdiction.id, extendedStatuses: false };
  const counties = await someCounties(ctx.db);
  if (counties.length === 1 && counties[0]) return { countyId: counties[0].id, extendedStatuses: false };
  throw new DomainError('validation_failed', '请提供 jurisdiction_id（县编码） (jurisdiction_id was not provided)');
}

export const isKeyed = (c: Open311Client): c is KeyedClient => c.caller !== undefined;

// The discovery document every Open311 provider must publish: where the GeoReport v2 endpoint is and what it speaks.
import { lastCatalogueChange } from '../../store/open311/places.repository.js';
import type { ServiceContext } from '../context.js';
import { toW3c } from './w3c-time.js';

export interface Discovery {
  changeset: string;
  contact: string;
  key_service: string;
  endpoints: Array<{ specification: string; url: string; changeset: string; type: 'production'; formats: string[] }>;
}

/** When this endpoint's shape was last changed; a county's later catalogue edit moves the changeset on. */
const IMPLEMENTED = new Date('2026-12-03T00:00:00+08:00');

export async function discovery(ctx: ServiceContext, endpointUrl: string, countyId?: string): Promise<Discovery> {
  const catalogue = await lastCatalogueChange(ctx.db, countyId);
  const changeset = toW3c(catalogue && catalogue > IMPLEMENTED ? catalogue : IMPLEMENTED);
  return {
    changeset,
    contact: '请联系本县 12345 热线或县政务服务中心（系统管理员）。Contact the county\'s 12345 hotline or its system administrator.',
    key_service: 'API 密钥（api_key）由县级系统管理员签发：POST /v1/admin/api-tokens，scope 为 open311。The county admin issues keys (scope open311).',
    endpoints: [
      {
        specification: 'http://wiki.open311.org/GeoReport_v2',
        url: endpointUrl,
        changeset,
        type: 'production',
        formats: ['text/xml', 'application/json'],
      },
    ],
  };
}

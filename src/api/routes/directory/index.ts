// /v1/me, /v1/units, /v1/households: who is calling and what they can register tickets against.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Unit } from '../../../store/database.js';
import { findStaff, findUnit, listHouseholdsUnder, listUnits } from '../../../store/directory.repository.js';
import { DomainError } from '../../../services/errors.js';
import { maskPhone } from '../../../services/privacy.service.js';
import { householdsSchema, meSchema, unitsSchema } from './schema.js';

const unitView = (u: Unit) => ({ id: u.id, parentId: u.parent_id, kind: u.kind, code: u.code, name: u.name });

const directoryRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', app.authenticate);
  const db = app.services.db;

  app.get('/me', { schema: meSchema }, async (request) => {
    const staff = await findStaff(db, request.user.sub);
    const unit = staff && (await findUnit(db, staff.county_id, staff.unit_id));
    if (!staff || !unit || !staff.active) throw new DomainError('unauthorized', 'This account no longer exists or is disabled');
    return {
      staffId: staff.id,
      username: staff.username,
      name: staff.display_name,
      roles: staff.roles,
      unit: unitView(unit),
      countyId: staff.county_id,
    };
  });

  app.get('/units', { schema: unitsSchema }, async (request) => ({
    items: (await listUnits(db, request.user.cty)).map(unitView),
  }));

  app.get('/households', { schema: householdsSchema }, async (request) => {
    const unit = await findUnit(db, request.user.cty, request.query.unitId);
    if (!unit) throw new DomainError('unknown_unit', `No unit ${request.query.unitId} in this county`);
    const rows = await listHouseholdsUnder(db, request.user.cty, unit.path, request.query.limit ?? 200);
    return {
      items: rows.map((h) => ({ id: h.id, unitId: h.unit_id, headName: h.head_name, phone: maskPhone(h.phone), address: h.address })),
    };
  });
};

export default directoryRoutes;

// /v1/me, /v1/units, /v1/households: who is calling and what they can register tickets against; a household's full contact, logged.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Unit } from '../../../store/database.js';
import { findStaff, findUnit, listUnits } from '../../../store/directory.repository.js';
import { listHouseholdsInScope } from '../../../store/households.repository.js';
import { DomainError } from '../../../services/errors.js';
import { placeGrants } from '../../../services/access.service.js';
import { revealContact } from '../../../services/contact.service.js';
import { maskIdNumber, maskPhone } from '../../../services/privacy.service.js';
import { contactSchema, householdsSchema, meSchema, unitsSchema } from './schema.js';

const unitView = (u: Unit) => ({ id: u.id, parentId: u.parent_id, kind: u.kind, code: u.code, name: u.name });

const directoryRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', app.authenticate);
  const db = app.services.db;

  app.get('/me', { schema: meSchema }, async (request) => {
    const staff = await findStaff(db, request.user.sub);
    // An API token's unit, not its account's, is where it acts.
    const unit = staff && (await findUnit(db, staff.county_id, request.caller().unitId));
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
    // Only the caller's places: a unit outside them lists nothing, so counts reveal nothing either.
    const rows = await listHouseholdsInScope(db, request.user.cty, unit.path, placeGrants(request.caller()), request.query.limit ?? 200);
    return {
      items: rows.map((h) => ({
        id: h.id,
        unitId: h.unit_id,
        headName: h.head_name,
        phone: maskPhone(h.phone),
        idNumber: maskIdNumber(h.id_number),
        address: h.address,
      })),
    };
  });

  app.get('/households/:id/contact', { schema: contactSchema }, async (request) => {
    const contact = await revealContact(app.services, request.caller(), {
      householdId: request.params.id,
      ticketId: request.query.ticketId,
      reason: request.query.reason,
      requestId: request.id,
    });
    request.log.info({ householdId: contact.householdId, ticketId: request.query.ticketId }, 'contact revealed');
    return contact;
  });
};

export default directoryRoutes;

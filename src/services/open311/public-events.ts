// Which ticket events are public changes of an Open311 request, and what the public reads about each.
import type { TicketEventRow } from '../../store/database.js';
import { maskCodes, maskNames, maskText } from '../privacy.service.js';

/**
 * Changes the public may know of: triage, dispatch, acceptance, results, callbacks, ends. Never the
 * internal ones: supervision orders (SUPERVISE), warnings and escalations, pauses, extension requests,
 * re-links, calendar recomputations, nor residents' comments (they are the residents' own words).
 */
export const PUBLIC_EVENT_TYPES = [
  'TRIAGE', 'DISPATCH', 'REPORT_UP', 'ACCEPT', 'RETURN', 'RESOLVE', 'FEEDBACK_GIVEN', 'CALLBACK', 'APPROVE_EXTENSION', 'WITHDRAW', 'MERGE', 'REJECT',
] as const;

export interface EventNames {
  unitName: (id: string) => string | undefined;
  ticketNumber: (id: string) => string | undefined;
}

const text = (payload: Record<string, unknown>, key: string): string => {
  const v = payload[key];
  return typeof v === 'string' ? v.trim() : '';
};

function departments(payload: Record<string, unknown>, names: EventNames): string {
  const lead = names.unitName(text(payload, 'leadUnitId')) ?? '承办部门';
  const co = Array.isArray(payload.coUnitIds) ? payload.coUnitIds.filter((x): x is string => typeof x === 'string').map(names.unitName).filter(Boolean) : [];
  return co.length > 0 ? `${lead}主办，${co.join('、')}协办` : `${lead}主办`;
}

const MODE_TEXT: Record<string, string> = { onSite: '现场办理（即办）', proxy: '代步办理（代办）' };
const RATING_TEXT: Record<string, string> = { satisfied: '满意', basically_satisfied: '基本满意', dissatisfied: '不满意' };

/**
 * The public text of an event: fixed wording in Chinese, plus the payload text meant for the resident
 * (a RESOLVE summary, a REJECT reason); notes written for colleagues (RETURN reasons, callback notes,
 * dispatch notes) stay inside.
 */
export function publicDescription(e: Pick<TicketEventRow, 'type' | 'payload'>, names: EventNames): string {
  const p = e.payload;
  switch (e.type) {
    case 'TRIAGE':
      return p.mode === 'joint' ? `已转办：${departments(p, names)}` : `已分办：${MODE_TEXT[text(p, 'mode')] ?? '办理中'}`;
    case 'DISPATCH':
    case 'REPORT_UP':
      return `已转办：${departments(p, names)}`;
    case 'ACCEPT':
      return '承办部门已签收，正在办理';
    case 'RETURN':
      return '承办部门退回，正在重新分派';
    case 'RESOLVE':
      return `已办结：${text(p, 'summary')}`;
    case 'FEEDBACK_GIVEN':
      return '已入户反馈办理结果，待回访';
    case 'CALLBACK':
      return p.rating === 'dissatisfied' ? '回访不满意，重新办理' : `回访${RATING_TEXT[text(p, 'rating')] ?? ''}，已销号`;
    case 'APPROVE_EXTENSION':
      return '办理期限已批准延长';
    case 'WITHDRAW':
      return '已撤销';
    case 'MERGE':
      return `与 ${names.ticketNumber(text(p, 'into')) ?? '另一诉求'} 合并办理`;
    case 'REJECT':
      return `不予受理：${text(p, 'reason')}`;
    default:
      return '';
  }
}

/** Known personal words of one request: its household's head and code, the requester's name. */
export interface KnownPersonal {
  names: Array<string | null | undefined>;
  codes: Array<string | null | undefined>;
}

/** Free text as public lists show it: phone and ID numbers, known names and household codes masked. */
export const maskPublic = (value: string, known: KnownPersonal): string => maskCodes(maskNames(maskText(value), known.names), known.codes);

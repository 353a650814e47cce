// What residents and cadres read: Chinese labels (with English) for states, levels and events.
import type { Level, TicketEventType } from './ticket.events.js';

export interface Label { zh: string; en: string }

export const STATE_LABELS: Record<string, Label> = {
  registered: { zh: '已挂号', en: 'Registered' },
  onSite: { zh: '现场办理（即办）', en: 'Handled on site' },
  proxy: { zh: '代步办理（代办）', en: 'Handled by proxy' },
  'joint.dispatched': { zh: '联动办理·已转办', en: 'Joint handling: dispatched' },
  'joint.inProgress': { zh: '联动办理·办理中', en: 'Joint handling: in progress' },
  'joint.returned': { zh: '联动办理·已退回', en: 'Joint handling: returned' },
  awaitingFeedback: { zh: '待反馈（入户反馈）', en: 'Awaiting feedback to the household' },
  awaitingCallback: { zh: '待回访', en: 'Awaiting callback' },
  closed: { zh: '已销号', en: 'Closed' },
  withdrawn: { zh: '已撤销', en: 'Withdrawn' },
  merged: { zh: '已合并', en: 'Merged' },
  rejected: { zh: '不予受理', en: 'Rejected' },
};

export const LEVEL_LABELS: Record<Level, Label> = {
  village: { zh: '村级', en: 'Village' },
  town: { zh: '镇督查办', en: 'Town supervision office' },
  county: { zh: '县督查办', en: 'County supervision office' },
};

export const EVENT_LABELS: Record<TicketEventType, Label> = {
  TRIAGE: { zh: '分办', en: 'Triage' },
  RESOLVE: { zh: '办结', en: 'Resolve' },
  REPORT_UP: { zh: '上报联办', en: 'Report up for joint handling' },
  ACCEPT: { zh: '签收', en: 'Accept' },
  RETURN: { zh: '退回', en: 'Return' },
  DISPATCH: { zh: '转办', en: 'Dispatch' },
  REQUEST_EXTENSION: { zh: '申请延期', en: 'Request extension' },
  APPROVE_EXTENSION: { zh: '批准延期', en: 'Approve extension' },
  DENY_EXTENSION: { zh: '驳回延期', en: 'Deny extension' },
  FEEDBACK_GIVEN: { zh: '入户反馈', en: 'Feedback given' },
  CALLBACK: { zh: '回访', en: 'Callback' },
  WITHDRAW: { zh: '撤销', en: 'Withdraw' },
  MERGE: { zh: '合并', en: 'Merge' },
  REJECT: { zh: '不予受理', en: 'Reject' },
  SUPERVISE: { zh: '督办', en: 'Supervise' },
  PAUSE: { zh: '暂停计时（等待群众）', en: 'Pause the clock (waiting on the resident)' },
  RESUME: { zh: '恢复计时', en: 'Resume the clock' },
  DEADLINE_WARNING: { zh: '黄牌预警', en: 'Deadline warning' },
  DEADLINE_PASSED: { zh: '红牌升级', en: 'Deadline passed: escalated' },
  CALENDAR_LOADED: { zh: '按新载入的节假日安排重算期限', en: 'Deadline recomputed on the loaded holiday calendar' },
};

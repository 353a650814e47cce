// Open311's own error answers: `<errors><error><code/><description/></error></errors>` or `[{code, description}]`, 403 / 404 / 400.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../../services/errors.js';
import { formatOf, List, sendAs } from './format.js';

// What Fastify refuses before a route runs, in words an Open311 client's user can act on.
const FASTIFY_DESCRIPTIONS: Record<string, string> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE:
    '请用 application/x-www-form-urlencoded 提交；照片请以 media_url 网址提交，不接受 multipart/form-data (send the form url-encoded; photos as media_url, multipart/form-data is not accepted)',
  FST_ERR_CTP_BODY_TOO_LARGE: '提交内容过大 (the request body is too large)',
  FST_ERR_CTP_INVALID_JSON_BODY: '内容不是有效的 JSON (the body is not valid JSON)',
  FST_ERR_CTP_EMPTY_JSON_BODY: '内容为空 (the body is empty)',
};

const PG_CLIENT_ERRORS = new Set(['22P02', '22007', '22008', '22021', '22P05']);

/**
 * The spec's statuses: 403 for a missing or bad api_key, 404 for what does not exist, 429 with
 * Retry-After when a client goes over its budget, 400 for every other mistake; never a 500 for a
 * client's mistake, and a 500 says nothing of the internals.
 */
function statusOf(error: FastifyError & { code?: string }): { status: number; description: string } {
  if (error instanceof DomainError) {
    const s = error.status;
    if (s >= 500) return { status: 500, description: '服务内部错误，请稍后重试 (internal error)' };
    if (s === 401 || s === 403) return { status: 403, description: error.message };
    if (s === 404 || s === 429) return { status: s, description: error.message };
    return { status: 400, description: error.message };
  }
  if (error.validation) return { status: 400, description: `参数有误 (invalid arguments): ${error.message}` };
  if (error.code && PG_CLIENT_ERRORS.has(error.code)) return { status: 400, description: '参数格式有误 (a value has the wrong format)' };
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) return { status: status === 429 ? 429 : 400, description: (error.code && FASTIFY_DESCRIPTIONS[error.code]) ?? error.message };
  return { status: 500, description: '服务内部错误，请稍后重试 (internal error)' };
}

export function open311ErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const { status, description } = statusOf(error);
  if (status >= 500) request.log.error({ err: error }, 'open311 error');
  return sendAs(reply, formatOf(request), 'errors', new List('error', [{ code: status, description }]), status);
}

export function open311NotFound(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const path = request.url.split('?')[0] ?? '';
  return sendAs(reply, formatOf(request), 'errors', new List('error', [{ code: 404, description: `没有这个资源 (no resource ${request.method} ${path})` }]), 404);
}

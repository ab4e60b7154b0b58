/**
 * The post-deploy smoke checks, which can never revoke anything: (a) a Standard-Webhooks-signed
 * dry run for a username no one can hold must come back 200 `already_gone` with `dryRun` (the
 * function read its webhook secret and the Atlas key, verified the signature, and Atlas
 * listed every organization's invitations); (b) the same body unsigned must be refused with
 * 401. One result line per check; the secret is used to sign and never printed.
 */
import { randomBytes } from 'node:crypto'
import { signWebhook } from '../lib/triggers/http/webhook-signature.ts'

export interface SmokeTarget {
  /** The webhook URL, `…/revocations`. */
  readonly url: string
  /** One `whsec_…` secret. */
  readonly secret: string
  readonly timeoutMs: number
}

export interface SmokeResult {
  readonly passed: boolean
  /** `ok  <check>: <status> <outcome> …` or `FAILED  <check>: …`. */
  readonly line: string
}

/** What the route answered, or why nothing came back. */
type Answer =
  | { readonly status: number; readonly body: Record<string, unknown> }
  | { readonly failure: string }

/**
 * @example
 * const results = await runSmokeChecks({ url, secret: 'whsec_…', timeoutMs: 10_000 })
 * process.exitCode = results.every((result) => result.passed) ? 0 : 1
 */
export async function runSmokeChecks(target: SmokeTarget): Promise<SmokeResult[]> {
  const token = randomBytes(8).toString('hex')
  const body = JSON.stringify({ username: smokeUsername(token), dryRun: true })
  const signed = signWebhook(target.secret, `smoke_${token}`, new Date(), body)
  return [
    signedDryRun(await post(target, body, signed)),
    unsignedRefused(await post(target, body, {})),
  ]
}

/** A username in the reserved `.example` domain: no Atlas invitation can be pending for it. */
export function smokeUsername(token: string): string {
  return `smoke-test+${token}@invalid.example`
}

function signedDryRun(answer: Answer): SmokeResult {
  const check = 'signed dry run'
  if ('failure' in answer) return failed(check, answer.failure)
  const { status, body } = answer
  const summary = `${status} ${String(body.outcome ?? body.error ?? '')}`.trim()
  if (status === 200 && body.outcome === 'already_gone' && body.dryRun === true) {
    const searched = Array.isArray(body.searched) ? body.searched.length : 0
    return {
      passed: true,
      line: `ok      ${check}: ${summary} (nothing to revoke, nothing revoked; ${searched} organizations or projects searched${requestIdOf(body)})`,
    }
  }
  return failed(check, `${summary}${explanation(status, body)}${requestIdOf(body)}`)
}

function unsignedRefused(answer: Answer): SmokeResult {
  const check = 'unsigned request refused'
  if ('failure' in answer) return failed(check, answer.failure)
  const summary =
    `${answer.status} ${String(answer.body.error ?? answer.body.outcome ?? '')}`.trim()
  if (answer.status === 401) return { passed: true, line: `ok      ${check}: ${summary}` }
  return failed(check, `${summary} (expected 401: the route must refuse unsigned requests)`)
}

/** Why a signed dry run did not prove the deployment, and where to look. */
function explanation(status: number, body: Record<string, unknown>): string {
  const said = typeof body.detail === 'string' ? body.detail : body.message
  const because = typeof said === 'string' ? ` - ${said}` : ''
  if (status === 401) return `${because} (is the secret the one the deployment reads?)`
  if (status === 202)
    return `${because} (the function could not finish the dry run and queued it: see its logs)`
  if (status === 200) return `${because} (expected already_gone with dryRun)`
  return because
}

function requestIdOf(body: Record<string, unknown>): string {
  return typeof body.requestId === 'string' ? `; requestId ${body.requestId}` : ''
}

function failed(check: string, why: string): SmokeResult {
  return { passed: false, line: `FAILED  ${check}: ${why}` }
}

async function post(
  target: SmokeTarget,
  body: string,
  signature: Record<string, string>,
): Promise<Answer> {
  let response: Response
  try {
    response = await fetch(target.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...signature },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(target.timeoutMs),
    })
  } catch (error) {
    return { failure: `no answer (${reasonOf(error, target.timeoutMs)})` }
  }
  let text: string
  try {
    text = await response.text()
  } catch (error) {
    return { failure: `${response.status}, body not read (${reasonOf(error, target.timeoutMs)})` }
  }
  return { status: response.status, body: jsonObject(text) }
}

function jsonObject(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text)
    if (typeof value === 'object' && value !== null && !Array.isArray(value))
      return value as Record<string, unknown>
  } catch {
    // Not JSON (an HTML error page, a proxy's answer): the status speaks alone.
  }
  return {}
}

function reasonOf(error: unknown, timeoutMs: number): string {
  if ((error as Error).name === 'TimeoutError') return `nothing within ${timeoutMs / 1000} s`
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause
  if (typeof cause?.code === 'string') return cause.code
  return typeof cause?.message === 'string' ? cause.message : (error as Error).message
}

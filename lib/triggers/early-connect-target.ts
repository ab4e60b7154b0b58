/**
 * Where a cold start connects before anything is validated, shared by the INIT head start
 * (cold-start-head-start.ts) and the preload that runs before Lambda's runtime loads
 * (preconnect.ts). It imports nothing, so both keep it in their own file.
 */

/**
 * Where the connect goes before ATLAS_BASE_URL is validated, when it is unset: base-url.ts's
 * default, written out so this module loads nothing before the connect. Should the two differ,
 * the connection is only closed unused and another opened (test/triggers/cold-start-head-start).
 */
export const LIKELY_ORIGIN = 'https://cloud.mongodb.com'

/**
 * Whether a head start is worth making: without a key (ATLAS_SECRET_ID) there is nothing to
 * sign with, and without an organization scope (ALLOWED_ORG_IDS) nothing to act in. The
 * invocation will say what is missing.
 */
export function headStartWanted(env: Readonly<Record<string, string | undefined>>): boolean {
  return Boolean(env.ATLAS_SECRET_ID?.trim() && env.ALLOWED_ORG_IDS?.trim())
}

/**
 * The URL to open a TCP connection to before ATLAS_BASE_URL is validated, or `undefined` to
 * wait for the validation: https (the validation may still refuse it, for a path or
 * credentials, and the socket then closes having carried nothing), or plain http to this
 * machine. Any other http URL waits for the validation, which refuses it.
 */
export function urlToConnectEarly(
  env: Readonly<Record<string, string | undefined>>,
): string | undefined {
  if (!headStartWanted(env)) return undefined
  const url = env.ATLAS_BASE_URL?.trim() || LIKELY_ORIGIN
  const connectable =
    /^https:\/\//i.test(url) || /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?\/?$/i.test(url)
  return connectable ? url : undefined
}

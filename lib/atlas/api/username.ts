/** The one form a username is compared and sent in. */
declare const normalized: unique symbol

/**
 * A username in the one form it is compared and sent in: trimmed and in lower case. Only
 * `normalizeUsername` makes one, so a comparison can never meet a raw string: a request's
 * username is normalized where it is parsed, and Atlas's where its answer is read.
 */
export type Username = string & { readonly [normalized]: true }

/** Usernames are emails: compared and sent trimmed and in lower case. */
export function normalizeUsername(username: string): Username {
  return username.trim().toLowerCase() as Username
}

/** The longest username (an email address) a request or a setting may name. */
export const MAX_USERNAME_LENGTH = 254

/**
 * The form in which a username is compared and sent (trimmed, lower case), or `undefined` when
 * it is no email address of at most 254 characters.
 *
 * @example
 * emailAddress(' Leaver@Example.com ') // → 'leaver@example.com'
 * emailAddress('jdoe')                 // → undefined
 */
export function emailAddress(value: string): Username | undefined {
  const trimmed = normalizeUsername(value)
  return trimmed.length > 0 &&
    trimmed.length <= MAX_USERNAME_LENGTH &&
    /^[^\s@]+@[^\s@]+$/.test(trimmed)
    ? trimmed
    : undefined
}

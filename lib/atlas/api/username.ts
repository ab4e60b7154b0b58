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

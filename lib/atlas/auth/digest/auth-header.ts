/**
 * Tokenizer for the auth-scheme / auth-param syntax shared by `WWW-Authenticate` and
 * `Authorization` (RFC 7235 §2.1): `Scheme name=token, name="quoted \"string\""`.
 * Lenient where servers are sloppy: unquoted values may hold `/`, `+` and `=`.
 */

export interface AuthScheme {
  readonly scheme: string
  /** Parameter names lowercased; quoted values unescaped. */
  readonly params: Map<string, string>
}

export function parseAuthHeader(value: string): AuthScheme[] {
  const schemes: AuthScheme[] = []
  let current: AuthScheme | undefined
  let i = 0
  const skip = (chars: string) => {
    while (i < value.length && chars.includes(value.charAt(i))) i++
  }
  const readValue = (): string => {
    if (value.charAt(i) !== '"') {
      const start = i
      while (i < value.length && !' \t,'.includes(value.charAt(i))) i++
      return value.slice(start, i)
    }
    let result = ''
    i++
    while (i < value.length && value.charAt(i) !== '"') {
      if (value.charAt(i) === '\\' && i + 1 < value.length) i++
      result += value.charAt(i)
      i++
    }
    i++
    return result
  }

  while (i < value.length) {
    skip(' \t,')
    if (i >= value.length) break
    const start = i
    while (i < value.length && !' \t,='.includes(value.charAt(i))) i++
    const token = value.slice(start, i)
    skip(' \t')
    if (value.charAt(i) === '=' && current && token) {
      i++
      skip(' \t')
      current.params.set(token.toLowerCase(), readValue())
    } else if (token) {
      current = { scheme: token, params: new Map() }
      schemes.push(current)
      // A token68 credential (e.g. `Negotiate abc==`) is not ours to read: skip its padding.
      skip('=')
    } else {
      i++
    }
  }
  return schemes
}

/** Errors callers branch on. Messages name the field or setting and the rule, never a secret. */

/** Input that breaks a rule; raised before any network call. */
export class ValidationError extends Error {
  override readonly name = 'ValidationError'
  /** The offending field, e.g. `orgId`. */
  readonly field: string
  /** What the field must be, e.g. `must be 24 lowercase hex digits`. */
  readonly rule: string

  constructor(field: string, rule: string) {
    super(`${field} ${rule}`)
    this.field = field
    this.rule = rule
  }
}

/** A setting (environment variable, secret, flag) that cannot work. */
export class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError'
  readonly setting: string
  readonly problem: string

  constructor(setting: string, problem: string) {
    super(`${setting} ${problem}`)
    this.setting = setting
    this.problem = problem
  }
}

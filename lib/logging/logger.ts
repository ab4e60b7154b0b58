/** The Powertools logger both functions share: JSON lines, with the Lambda context keys. */
import { Logger } from '@aws-lambda-powertools/logger'
import type { DeprecationNotice } from '../atlas/deprecation-notice.ts'

export const SERVICE_NAME = 'atlas-invite-revoker'

export function createLogger(): Logger {
  return new Logger({ serviceName: SERVICE_NAME })
}

/** Logs Atlas's deprecation dates for the API in use (the runtime calls it once per cold start). */
export function warnDeprecation(logger: Logger): (notice: DeprecationNotice) => void {
  return (notice) =>
    logger.warn('Atlas marks the API in use as deprecated; see the README section on migrating', {
      atlasPath: notice.path,
      deprecation: notice.deprecation,
      sunset: notice.sunset,
    })
}

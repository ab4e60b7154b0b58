/** The Powertools logger both functions share: JSON lines, with the Lambda context keys. */
import { Logger } from '@aws-lambda-powertools/logger'

export const SERVICE_NAME = 'atlas-invite-revoker'

export function createLogger(): Logger {
  return new Logger({ serviceName: SERVICE_NAME })
}

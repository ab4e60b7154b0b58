/**
 * What the interceptors learn while sending one call, written into its dispatch options
 * (`attemptLog`) for the caller to read once the call ends.
 */
export interface AttemptLog {
  /** Retried attempts that may have been carried out by Atlas, their answer lost. */
  lostAnswers: number
  /** Digest: the server refused reused nonces twice, and this call's key stopped reusing them. */
  nonceReuseStopped?: boolean
}

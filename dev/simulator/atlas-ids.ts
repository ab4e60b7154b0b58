/**
 * The shapes of the simulator's identifiers and timestamps: random 24-hex-digit Atlas ids, the
 * user id an API key or service account shows under, Atlas's second-precision ISO times, and the
 * case-insensitive username comparison the state's lookups use by default.
 */
import { createHash, randomBytes } from 'node:crypto'

export const DAY_MS = 24 * 60 * 60 * 1000

/** The user id an API key or service account would show under: derived from its public half. */
export function callerUserId(publicPart: string): string {
  return createHash('sha256').update(publicPart).digest('hex').slice(0, 24)
}

/** A random 24-hex-digit id, the shape of every Atlas id. */
export function newObjectId(): string {
  return randomBytes(12).toString('hex')
}

export function sameUsername(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase()
}

export function isoSeconds(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`
}

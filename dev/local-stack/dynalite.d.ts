/** dynalite ships no types: the part of its API the local stack uses. */
declare module 'dynalite' {
  import type { Server } from 'node:http'

  export interface DynaliteOptions {
    /** A folder for a persistent store; in memory without it. */
    readonly path?: string
    readonly createTableMs?: number
    readonly deleteTableMs?: number
    readonly updateTableMs?: number
  }

  export default function dynalite(options?: DynaliteOptions): Server
}

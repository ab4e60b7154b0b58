/**
 * Lambda entry point: the re-check sweep, on a schedule. See lib/triggers/sweep/sweep-handler.ts.
 * No head start: nobody waits on a scheduled run.
 */
import { createSweepHandler } from '../../lib/triggers/sweep/sweep-handler.ts'

export const handler = createSweepHandler(process.env)

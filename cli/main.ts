#!/usr/bin/env node
/** Entry point of `npm run revoke` (and of `npm run revoke -- receipts`). */
import { text } from 'node:stream/consumers'
import { runReceiptsCommand } from './receipts-command.ts'
import { runRevokeCommand } from './revoke-command.ts'

const [first, ...rest] = process.argv.slice(2)
const io = {
  env: process.env,
  readStdin: () => text(process.stdin),
  stdout: (line: string) => process.stdout.write(`${line}\n`),
  stderr: (line: string) => process.stderr.write(`${line}\n`),
}
process.exitCode =
  first === 'receipts'
    ? await runReceiptsCommand({ ...io, argv: rest })
    : await runRevokeCommand({ ...io, argv: process.argv.slice(2) })

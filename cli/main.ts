#!/usr/bin/env node
/** Entry point of `npm run revoke`. */
import { text } from 'node:stream/consumers'
import { runRevokeCommand } from './revoke-command.ts'

process.exitCode = await runRevokeCommand({
  argv: process.argv.slice(2),
  env: process.env,
  readStdin: () => text(process.stdin),
  stdout: (line) => process.stdout.write(`${line}\n`),
  stderr: (line) => process.stderr.write(`${line}\n`),
})

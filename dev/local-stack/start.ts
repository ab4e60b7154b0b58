#!/usr/bin/env node
/**
 * `npm start`: the whole system on 127.0.0.1 until Ctrl-C (or SIGTERM, SIGHUP, or npm going
 * away). See dev/local-stack/local-stack.ts.
 */
import { scriptArgs } from '../../scripts/script-args.ts'
import { onParentsExit } from '../../scripts/watch-parents.ts'
import { DEMO_API_KEY, DEMO_INVITATIONS, DEMO_ORG_ID } from '../simulator/demo-seed.ts'
import {
  awsCliSendCommand,
  enqueueCommand,
  receiptsCommand,
  signedCurlCommand,
} from './local-commands.ts'
import { localPorts, PORT_VARIABLES } from './local-settings.ts'
import { startLocalStack } from './local-stack.ts'

scriptArgs(
  'npm start',
  `
npm start: the Atlas simulator, a local Secrets Manager, local SQS and both functions
(serverless-offline) on 127.0.0.1, until Ctrl-C, SIGTERM or SIGHUP.

Ports (environment): ${Object.values(PORT_VARIABLES)
    .map((port) => `${port.variable} (${port.fallback}, ${port.what})`)
    .join(', ')}.
ATLAS_API=v2|users npm start tries the other Atlas APIs; REMOVE_ACTIVE_MEMBERS=true npm start
also removes a leaver's active memberships (then REMOVE_ACTIVE_MEMBERS=true npm run demo shows
it). Then: npm run demo.`,
  {},
)

const log = (line = '') => process.stdout.write(`${line}\n`)

try {
  const ports = localPorts(process.env)
  log('Starting the local stack (the first start builds the functions with esbuild)…')
  const stack = await startLocalStack({
    ports,
    log,
    functionLog: (line) => log(`  functions | ${line}`),
  })
  const [viaHttp, viaQueue] = DEMO_INVITATIONS
  log()
  log(
    `ready: HTTP API http://127.0.0.1:${ports.http}, Atlas simulator http://127.0.0.1:${ports.atlas}`,
  )
  log()
  log(
    `Demo org ${DEMO_ORG_ID}; pending invitations ${DEMO_INVITATIONS.map((invitation) => invitation.id).join(', ')}`,
  )
  log(`Simulator state: curl -s http://127.0.0.1:${ports.atlas}/__simulator/state`)
  log(
    `Operator CLI:    ATLAS_BASE_URL=http://127.0.0.1:${ports.atlas} ATLAS_PUBLIC_KEY=${DEMO_API_KEY.publicKey} ATLAS_PRIVATE_KEY=${DEMO_API_KEY.privateKey} npm run -s revoke -- --org ${DEMO_ORG_ID} --invite <id>`,
  )
  log()
  log('Revoke through the signed webhook (paste into bash):')
  log(signedCurlCommand(ports, DEMO_ORG_ID, viaHttp.id))
  log()
  log('Revoke through SQS:')
  log(`  ${enqueueCommand(DEMO_ORG_ID, viaQueue.id)}`)
  log('or with the AWS CLI:')
  log(awsCliSendCommand(ports, DEMO_ORG_ID, viaQueue.id))
  log()
  log('Receipts from the local ledger:')
  log(receiptsCommand(ports, new Date().toISOString().slice(0, 10)))
  log()
  log(
    'By HTTP, SQS, an Okta deactivation and a dry run, read back from the simulator: npm run demo',
  )
  if (process.env.REMOVE_ACTIVE_MEMBERS?.trim().toLowerCase() === 'true')
    log(
      'Active members are removed too (REMOVE_ACTIVE_MEMBERS=true): REMOVE_ACTIVE_MEMBERS=true npm run demo',
    )
  log('The functions’ own log lines follow, prefixed "functions |". Ctrl-C stops everything.')

  let stopping = false
  const stop = (why: string) => {
    if (stopping) return
    stopping = true
    log(`\nStopping (${why})…`)
    void stack.stop().then(() => process.exit(0))
  }
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const)
    process.on(signal, () => stop(signal))
  // npm forwards no SIGHUP, and its shell passes nothing on: watch for npm itself going away.
  onParentsExit(() => stop('npm exited'))
} catch (error) {
  process.stderr.write(`npm start: ${(error as Error).message}\n`)
  process.exit(1)
}

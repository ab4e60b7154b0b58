#!/usr/bin/env node
import { DEMO_API_KEY, DEMO_INVITATIONS, DEMO_ORG_ID } from '../simulator/demo-seed.ts'
/** `npm start`: the whole system on 127.0.0.1 until Ctrl-C. See dev/local-stack/local-stack.ts. */
import { awsCliSendCommand, enqueueCommand, signedCurlCommand } from './local-commands.ts'
import { localPorts } from './local-settings.ts'
import { startLocalStack } from './local-stack.ts'

const log = (line = '') => process.stdout.write(`${line}\n`)

try {
  const ports = localPorts(process.env)
  log('Starting the local stack (the first start builds the functions with esbuild)…')
  const stack = await startLocalStack({ ports, log })
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
    `Operator CLI:    ATLAS_BASE_URL=http://127.0.0.1:${ports.atlas} ATLAS_PUBLIC_KEY=${DEMO_API_KEY.publicKey} ATLAS_PRIVATE_KEY=${DEMO_API_KEY.privateKey} npm run revoke -- --org ${DEMO_ORG_ID} --invite <id>`,
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
  log('Both at once, with the outcomes read back from the simulator: npm run demo')
  log('Ctrl-C stops everything.')

  let stopping = false
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) return
      stopping = true
      log('\nStopping…')
      void stack.stop().then(() => process.exit(0))
    })
  }
} catch (error) {
  process.stderr.write(`npm start: ${(error as Error).message}\n`)
  process.exit(1)
}

import { describe, expect, it } from 'vitest'
import { beforeDeadline, deadlineReached } from '../lib/before-deadline.ts'

describe('beforeDeadline', () => {
  it("gives run's answer when it comes in time", async () => {
    await expect(beforeDeadline(Date.now() + 1_000, 'x', async () => 'answer')).resolves.toBe(
      'answer',
    )
  })

  it("passes run's own failure on unchanged", async () => {
    const failure = new Error('refused')
    await expect(
      beforeDeadline(Date.now() + 1_000, 'x', async () => {
        throw failure
      }),
    ).rejects.toBe(failure)
  })

  it('rejects at the deadline with a TimeoutError naming what was awaited, and aborts run', async () => {
    let seen: AbortSignal | undefined
    const started = Date.now()
    const outcome = beforeDeadline(started + 40, 'the ledger took the writes', (signal) => {
      seen = signal
      return new Promise<never>(() => {})
    })
    await expect(outcome).rejects.toMatchObject({
      name: 'TimeoutError',
      message: 'deadline reached before the ledger took the writes',
    })
    expect(Date.now() - started).toBeGreaterThanOrEqual(35)
    expect(seen?.aborted).toBe(true)
    expect(seen?.reason).toMatchObject({ name: 'TimeoutError' })
  })

  it('ends on its own error even when run rejects on the abort', async () => {
    const outcome = beforeDeadline(Date.now(), 'the queue took them', (signal) => {
      return new Promise<never>((_, reject) =>
        signal.addEventListener('abort', () => reject(new Error('AbortError from the client'))),
      )
    })
    await expect(outcome).rejects.toMatchObject({ name: 'TimeoutError' })
  })

  it('sets no timer without a deadline, and its signal never aborts', async () => {
    let seen: AbortSignal | undefined
    const answer = await beforeDeadline(undefined, 'x', async (signal) => {
      seen = signal
      await new Promise((resolve) => setTimeout(resolve, 20))
      return 7
    })
    expect(answer).toBe(7)
    expect(seen?.aborted).toBe(false)
  })

  it('leaves no timer behind once run has answered', async () => {
    const before = process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length
    await beforeDeadline(Date.now() + 60_000, 'x', async () => 1)
    const after = process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length
    expect(after).toBeLessThanOrEqual(before)
  })

  it('names what was not done in its error', () => {
    const error = deadlineReached('Atlas answered')
    expect(error).toBeInstanceOf(DOMException)
    expect(error.message).toBe('deadline reached before Atlas answered')
  })
})

import { describe, expect, it } from 'vitest'
import { WebhookReplays } from '../../../lib/triggers/http/webhook-replays.ts'
import { RepeatMismatchError } from '../../../lib/triggers/repeats.ts'

const body = Buffer.from('{"orgId":"a"}')

describe('WebhookReplays', () => {
  it('answers a replay with the first answer: joining one in flight, repeating a settled one', async () => {
    let now = 0
    let runs = 0
    const replays = new WebhookReplays<string>({ ttlMs: 300_000, keep: () => true, now: () => now })
    const work = async () => `answer ${++runs}`
    const [first, joined] = await Promise.all([
      replays.answer('msg_1', body, work),
      replays.answer('msg_1', body, work),
    ])
    expect(first).toEqual({ answer: 'answer 1', replayed: false })
    expect(joined).toEqual({ answer: 'answer 1', replayed: true })
    now = 299_999
    expect(await replays.answer('msg_1', body, work)).toEqual({
      answer: 'answer 1',
      replayed: true,
    })
    now = 300_000
    expect(await replays.answer('msg_1', body, work)).toEqual({
      answer: 'answer 2',
      replayed: false,
    })
  })

  it('forgets answers a retry could change, and failures, so the retry runs', async () => {
    let runs = 0
    const replays = new WebhookReplays<string>({
      ttlMs: 300_000,
      keep: (answer) => answer === 'ok',
    })
    expect((await replays.answer('m', body, async () => `busy ${++runs}`)).answer).toBe('busy 1')
    await expect(
      replays.answer('m', body, async () => {
        throw new Error('boom')
      }),
    ).rejects.toThrow('boom')
    expect(await replays.answer('m', body, async () => 'ok')).toEqual({
      answer: 'ok',
      replayed: false,
    })
    expect(await replays.answer('m', body, async () => 'later')).toEqual({
      answer: 'ok',
      replayed: true,
    })
  })

  it('refuses another body under an id it remembers: no replay, a conflict', async () => {
    let now = 0
    const replays = new WebhookReplays<string>({ ttlMs: 300_000, keep: () => true, now: () => now })
    await replays.answer('m', body, async () => 'first')
    await expect(replays.answer('m', Buffer.from('{}'), async () => 'second')).rejects.toThrow(
      RepeatMismatchError,
    )
    // The first answer stays; once the id is forgotten, another body is a first delivery.
    expect(await replays.answer('m', body, async () => 'again')).toEqual({
      answer: 'first',
      replayed: true,
    })
    now = 300_000
    expect(await replays.answer('m', Buffer.from('{}'), async () => 'second')).toEqual({
      answer: 'second',
      replayed: false,
    })
  })

  it('runs another body under an id whose answer was not kept', async () => {
    const replays = new WebhookReplays<string>({ ttlMs: 300_000, keep: (a) => a === 'ok' })
    await replays.answer('m', body, async () => 'busy')
    expect(await replays.answer('m', Buffer.from('{}'), async () => 'ok')).toEqual({
      answer: 'ok',
      replayed: false,
    })
  })

  it('stays bounded', async () => {
    const replays = new WebhookReplays<number>({ ttlMs: 300_000, keep: () => true, maxEntries: 3 })
    for (let i = 0; i < 5; i++) await replays.answer(`m${i}`, body, async () => i)
    expect((await replays.answer('m0', body, async () => 99)).answer).toBe(99)
    expect((await replays.answer('m4', body, async () => 99)).answer).toBe(4)
  })
})

import { describe, expect, it } from 'vitest'
import { shouldFailWholeBatch } from '../../../lib/triggers/queue/batch-failure-policy.ts'

describe('shouldFailWholeBatch', () => {
  it('throws only when every record failed and none for a reason of its own', () => {
    expect(shouldFailWholeBatch(2, 2, ['environment', 'environment'])).toBe(true)
    expect(shouldFailWholeBatch(2, 2, ['environment', 'message'])).toBe(false)
    expect(shouldFailWholeBatch(3, 2, ['environment', 'environment'])).toBe(false)
    expect(shouldFailWholeBatch(0, 0, [])).toBe(false)
  })

  it('on FIFO queues counts records skipped behind a failure of their group as failed too', () => {
    expect(shouldFailWholeBatch(3, 3, ['environment'])).toBe(true)
    expect(shouldFailWholeBatch(3, 3, ['message'])).toBe(false)
    expect(shouldFailWholeBatch(3, 3, [])).toBe(false)
  })
})

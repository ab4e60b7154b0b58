import { describe, expect, it } from 'vitest'

describe('toolchain', () => {
  it('runs on Node 22, the Lambda runtime we ship (nodejs22.x), not the machine default', () => {
    expect(process.versions.node.split('.')[0]).toBe('22')
  })
})

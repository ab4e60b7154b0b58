import { describe, expect, it } from 'vitest'
import { readApiRequest } from '../../../lib/triggers/http/api-request.ts'
import { httpApiEvent, restEvent } from '../../support/lambda-events.ts'

describe('readApiRequest', () => {
  it('reads REST payload 1.0, lowercasing header names and joining repeated headers', () => {
    const event = restEvent({
      method: 'POST',
      path: '/revocations',
      body: '{"a":1}',
      headers: { 'Webhook-Id': 'msg_1' },
    })
    event.multiValueHeaders = { 'X-Forwarded-For': ['1.1.1.1', '2.2.2.2'] }
    const request = readApiRequest(event)
    expect(request).toMatchObject({ method: 'POST', path: '/revocations', iamCaller: undefined })
    expect(request.headers).toEqual({ 'webhook-id': 'msg_1', 'x-forwarded-for': '1.1.1.1,2.2.2.2' })
    expect(request.body.toString()).toBe('{"a":1}')
    expect(request.requestId).toMatch(/^rest-/)
  })

  it('reads HTTP API payload 2.0 and decodes a base64 body to the exact bytes', () => {
    const bytes = '{"name":"Zoë ✓"}'
    const request = readApiRequest(
      httpApiEvent({ method: 'post', path: '/revocations', body: bytes, base64: true }),
    )
    expect(request.method).toBe('POST')
    expect(request.body.equals(Buffer.from(bytes))).toBe(true)
  })

  it('reads the IAM caller from either payload format', () => {
    const arn = 'arn:aws:iam::123456789012:role/automation'
    expect(
      readApiRequest(restEvent({ method: 'DELETE', path: '/x', iamCaller: arn })).iamCaller,
    ).toBe(arn)
    expect(
      readApiRequest(httpApiEvent({ method: 'DELETE', path: '/x', iamCaller: arn })).iamCaller,
    ).toBe(arn)
    expect(
      readApiRequest(httpApiEvent({ method: 'DELETE', path: '/x', iamCaller: arn }, 'functionUrl'))
        .iamCaller,
    ).toBe(arn)
  })

  it('reads the source IP from either payload format', () => {
    const call = { method: 'POST', path: '/revocations' }
    expect(readApiRequest(restEvent(call)).sourceIp).toBe('198.51.100.10')
    expect(readApiRequest(httpApiEvent(call)).sourceIp).toBe('198.51.100.10')
    expect(readApiRequest(httpApiEvent(call, 'functionUrl')).sourceIp).toBe('198.51.100.10')
    expect(
      readApiRequest({ version: '2.0', requestContext: { http: {} } }).sourceIp,
    ).toBeUndefined()
  })

  it('reads when API Gateway received the request, from either payload format', () => {
    const call = { method: 'POST', path: '/okta/events' }
    const before = Date.now()
    for (const event of [restEvent(call), httpApiEvent(call), httpApiEvent(call, 'functionUrl')]) {
      const { receivedAt } = readApiRequest(event)
      expect(receivedAt).toBeGreaterThanOrEqual(before - 1_000)
      expect(receivedAt).toBeLessThanOrEqual(Date.now())
    }
    expect(readApiRequest({ version: '2.0', requestContext: { http: {} } }).receivedAt).toBe(
      undefined,
    )
    expect(readApiRequest({ requestContext: { requestTimeEpoch: 'soon' } }).receivedAt).toBe(
      undefined,
    )
  })

  it('reads serverless-offline’s placeholder request id as none', () => {
    const event = httpApiEvent({ method: 'POST', path: '/revocations' })
    expect(readApiRequest(event).requestId).toBe(event.requestContext.requestId)
    const offline = {
      ...event,
      requestContext: { ...event.requestContext, requestId: 'offlineContext_resourceId' },
    }
    expect(readApiRequest(offline).requestId).toBe('')
  })

  it.each([
    undefined,
    null,
    42,
    'event',
    [],
    { headers: 'x', body: 7 },
    { requestContext: { http: null } },
  ])('reads %j as an empty request instead of throwing', (event) => {
    const request = readApiRequest(event)
    expect(request.method).toBe('')
    expect(request.body.length).toBe(0)
  })
})

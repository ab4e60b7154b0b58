/**
 * Extracts a zip as Lambda would: enough of the format for what osls writes (stored or
 * deflated entries, no ZIP64), read through its central directory. The cold-start rows run the
 * bundles from the zips a deploy uploads, not from the build folder they were made from.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join, normalize } from 'node:path'
import { inflateRawSync } from 'node:zlib'

const END_OF_DIRECTORY = 0x06054b50
const DIRECTORY_ENTRY = 0x02014b50
const LOCAL_HEADER = 0x04034b50

/** Writes every file of `zipFile` under `into`; returns their paths, relative. */
export function unzip(zipFile: string, into: string): string[] {
  const zip = readFileSync(zipFile)
  let end = zip.length - 22
  while (end >= 0 && zip.readUInt32LE(end) !== END_OF_DIRECTORY) end--
  if (end < 0) throw new Error(`${zipFile}: not a zip (no end of central directory)`)
  const count = zip.readUInt16LE(end + 10)
  let at = zip.readUInt32LE(end + 16)
  const names: string[] = []
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== DIRECTORY_ENTRY) throw new Error(`${zipFile}: bad directory`)
    const method = zip.readUInt16LE(at + 10)
    const compressedSize = zip.readUInt32LE(at + 20)
    const nameLength = zip.readUInt16LE(at + 28)
    const extraLength = zip.readUInt16LE(at + 30)
    const commentLength = zip.readUInt16LE(at + 32)
    const localAt = zip.readUInt32LE(at + 42)
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength)
    at += 46 + nameLength + extraLength + commentLength
    if (name.endsWith('/')) continue
    const path = normalize(name)
    if (path.startsWith('..') || path.startsWith('/')) throw new Error(`${zipFile}: ${name}`)
    if (zip.readUInt32LE(localAt) !== LOCAL_HEADER) throw new Error(`${zipFile}: bad ${name}`)
    const dataAt = localAt + 30 + zip.readUInt16LE(localAt + 26) + zip.readUInt16LE(localAt + 28)
    const data = zip.subarray(dataAt, dataAt + compressedSize)
    if (method !== 0 && method !== 8) throw new Error(`${zipFile}: ${name}: method ${method}`)
    mkdirSync(dirname(join(into, path)), { recursive: true })
    writeFileSync(join(into, path), method === 8 ? inflateRawSync(data) : data)
    names.push(path)
  }
  return names
}

/** Name and message of an error, for logs: never the error object (it may hold a cause with a request). */
export function describeError(error: unknown): { name: string; message: string } {
  if (error instanceof Error) return { name: error.name, message: error.message }
  return { name: typeof error, message: String(error) }
}

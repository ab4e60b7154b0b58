import { defineConfig } from 'vitest/config'
import base, { SLOW_TESTS } from './vitest.config.ts'

/** `npm run test:slow`: only the slow checks `npm test` leaves out (see vitest.config.ts). */
export default defineConfig({
  test: { ...base.test, include: SLOW_TESTS, exclude: ['**/node_modules/**'] },
})

/** One readable line per problem: `file: field: message`, so authors can find and fix it. */
import type { z } from 'zod';

export function formatZodError(file: string, error: z.ZodError): string {
  return error.issues
    .map((issue) => `${file}: ${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('\n');
}

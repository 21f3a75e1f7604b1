/**
 * The bureau settings (content/settings/bureau.json), validated; errors name the file and the field.
 * Imported statically so the built server carries them without needing the repository beside it.
 */
import settings from '../../content/settings/bureau.json' with { type: 'json' };
import { bureauSchema, type Bureau } from '../../schemas/bureau.ts';
import { formatZodError } from './zod-errors.ts';

export const bureauFile = 'content/settings/bureau.json';

/** Validates settings read from anywhere (tests pass their own). */
export function parseBureau(data: unknown, file = bureauFile): Bureau {
  const parsed = bureauSchema.safeParse(data);
  if (!parsed.success) throw new Error(formatZodError(file, parsed.error));
  return parsed.data;
}

let cached: Bureau | undefined;
/** The bureau settings of this site, validated once per process. */
export function loadBureau(): Bureau {
  return (cached ??= parseBureau(settings));
}

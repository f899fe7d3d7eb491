import * as path from 'path';

/**
 * The one configuration resolver. Order: explicit option > environment > defaults.
 * Nothing else in the project reads process.env for these settings.
 */
export interface MitanConfig {
  /** postgres:// URL; when absent the embedded PGlite engine is used. */
  databaseUrl?: string;
  /** Folder of the embedded PGlite database. */
  dataDir: string;
  /** District code used for new rows when none is given (e.g. reference numbers KBD-2026-000123). */
  defaultDistrict: string;
  timezone: string;
}

export type MitanConfigInput = Partial<MitanConfig>;

const DEFAULTS: MitanConfig = {
  dataDir: path.resolve(process.cwd(), '.mitan-data'),
  defaultDistrict: 'KBD',
  timezone: 'Asia/Kolkata',
};

export function resolveConfig(explicit: MitanConfigInput = {}, env: NodeJS.ProcessEnv = process.env): MitanConfig {
  const pick = <K extends keyof MitanConfig>(key: K, envName: string): MitanConfig[K] | undefined => {
    if (explicit[key] !== undefined && explicit[key] !== '') return explicit[key];
    const v = env[envName];
    return v !== undefined && v !== '' ? (v as MitanConfig[K]) : undefined;
  };
  return {
    databaseUrl: pick('databaseUrl', 'DATABASE_URL'),
    dataDir: path.resolve(pick('dataDir', 'MITAN_DATA_DIR') ?? DEFAULTS.dataDir),
    defaultDistrict: pick('defaultDistrict', 'MITAN_DISTRICT') ?? DEFAULTS.defaultDistrict,
    timezone: pick('timezone', 'MITAN_TIMEZONE') ?? DEFAULTS.timezone,
  };
}

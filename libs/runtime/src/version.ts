import { readFileSync } from 'node:fs';

const rootPackage = new URL('../../../package.json', import.meta.url);

/** The release of Chat Guard, from the repository's package.json. */
export const VERSION: string = (JSON.parse(readFileSync(rootPackage, 'utf8')) as { version: string }).version;

import { readFileSync } from 'node:fs';

/** Set by the bundler (deploy/docker/build.ts), where no package.json sits beside the code. */
declare const CHAT_GUARD_VERSION: string | undefined;

function fromPackageJson(): string {
  const rootPackage = new URL('../../../package.json', import.meta.url);
  return (JSON.parse(readFileSync(rootPackage, 'utf8')) as { version: string }).version;
}

/** The release of Chat Guard, from the repository's package.json. */
export const VERSION: string =
  typeof CHAT_GUARD_VERSION === 'string' ? CHAT_GUARD_VERSION : fromPackageJson();

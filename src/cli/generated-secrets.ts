import type { ResolvedCredentials } from '../config/credentials';
import type { ResolvedKeyRing } from '../temporal/codec/dev-key';

/** Prints credentials and the codec key a development start generated: once, since they are kept only on disk. */
export function printGeneratedSecrets(say: (line: string) => void, credentials: ResolvedCredentials, codec: ResolvedKeyRing): void {
  if (credentials.generatedFile) {
    const c = credentials.credentials;
    say('');
    say(`Generated credentials (kept in ${credentials.generatedFile}; shown this once):`);
    say(`  admin token      ${c.adminToken}`);
    say(`  SPI basic auth   ${c.spiUser}:${c.spiPassword}`);
    say(`  SPI token        ${c.spiToken}`);
  }
  if (codec.generatedFile) say(`Created the payload encryption key ${codec.generatedFile} (keep it: runs cannot be read without it).`);
}

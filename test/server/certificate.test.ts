/**
 * The generated certificate's files are written as the admin state's are (src/fs/atomic-file.ts),
 * so temporary files a killed start left behind never stop a later start. In a container the
 * server is PID 1 at every start, so a leftover carries the very pid the next start writes with;
 * the first version created `<file>.<pid>.tmp` exclusively and failed with EEXIST there for good.
 * Here the leftovers carry this process's own pid, which is that case.
 */
import fs from 'node:fs';
import path from 'node:path';

import { loadCertificate } from '../../src/server/certificate';
import { tempDir } from '../helpers/tls';

test('a start after a killed one, with its temporary files left in tls/, makes the pair', async () => {
  const dataDir = tempDir();
  const tls = path.join(dataDir, 'tls');
  fs.mkdirSync(tls, { mode: 0o700 });
  const pid = process.pid;
  const live = process.ppid; // a running writer keeps its own
  const leftovers = [
    `key.pem.${pid}.tmp`, // the first version's names
    `cert.pem.${pid}.tmp`,
    `key.pem.${pid}.1.tmp`, // and the names this process's first writes will use
    `key.pem.${pid}.2.tmp`,
    `cert.pem.${pid}.1.tmp`,
    `cert.pem.${pid}.2.tmp`,
  ];
  for (const name of [...leftovers, `key.pem.${live}.1.tmp`, 'key.pem.notes.tmp']) {
    fs.writeFileSync(path.join(tls, name), 'half a key', { mode: 0o600 });
  }
  const certificate = await loadCertificate({ dataDir });
  expect(certificate.generated).toBe(true);
  expect(fs.readdirSync(tls).sort()).toEqual(
    ['cert.pem', 'key.pem', `key.pem.${live}.1.tmp`, 'key.pem.notes.tmp'].sort(),
  );
  expect(fs.statSync(certificate.keyFile).mode & 0o777).toBe(0o600);
  // The next start reuses the pair.
  const again = await loadCertificate({ dataDir });
  expect(again).toMatchObject({ generated: false, fingerprint: certificate.fingerprint });
});

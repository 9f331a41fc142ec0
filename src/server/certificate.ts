/**
 * The server's TLS identity: the certificate and key the user gave, or a
 * self-signed pair made on first start in the data dir and reused after, so
 * TLS works on a fresh machine with no set-up and clients can pin it.
 */
import { createPrivateKey, X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import { generate } from 'selfsigned';

import { removeStaleTemporaries, writeFileAtomic } from '../fs/atomic-file';

export interface Certificate {
  cert: string;
  key: string;
  /** SHA-256 of the DER certificate, `AB:CD:...`, as `openssl x509 -fingerprint -sha256`. */
  fingerprint: string;
  certFile: string;
  keyFile: string;
  /** True when this start made it. */
  generated: boolean;
}

export interface CertificateOptions {
  dataDir: string;
  certFile?: string;
  keyFile?: string;
}

/** Ten years: a self-signed certificate is pinned by fingerprint, not trusted for its dates. */
const VALIDITY_DAYS = 3650;

function read(file: string, what: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new Error(`cannot read the TLS ${what} ${file}: ${code}`);
  }
}

function parseCertificate(cert: string, certFile: string): X509Certificate {
  try {
    return new X509Certificate(cert);
  } catch {
    throw new Error(`${certFile} is not a PEM certificate`);
  }
}

/** Check the key parses and belongs to the certificate, naming the key file if not. */
function checkKey(certificate: X509Certificate, key: string, keyFile: string): void {
  const parsed = (() => {
    try {
      return createPrivateKey(key);
    } catch {
      throw new Error(`${keyFile} is not a PEM private key`);
    }
  })();
  if (!certificate.checkPrivateKey(parsed)) {
    throw new Error(`${keyFile} is not the private key of the certificate`);
  }
}

async function generatePair(certFile: string, keyFile: string): Promise<void> {
  const notAfterDate = new Date(Date.now() + VALIDITY_DAYS * 86_400_000);
  const pems = await generate([{ name: 'commonName', value: 'selectchat' }], {
    keyType: 'ec',
    curve: 'P-256',
    notAfterDate,
    extensions: [
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
          { type: 7, ip: '::1' },
        ],
      },
    ],
  });
  fs.mkdirSync(path.dirname(certFile), { recursive: true, mode: 0o700 });
  // The key is born 0600 (never readable by others, not even for a moment), and both files
  // appear whole and durable, key first: a crash leaves no certificate, and the next start
  // makes a new pair.
  await writeFileAtomic(keyFile, pems.private, 0o600);
  await writeFileAtomic(certFile, pems.cert, 0o644);
}

/**
 * The certificate to serve. With `certFile`/`keyFile` given, those (both
 * are required together); otherwise `<dataDir>/tls/{cert,key}.pem`, made
 * once. Throws an Error naming the file for anything unreadable or invalid.
 */
export async function loadCertificate(options: CertificateOptions): Promise<Certificate> {
  if ((options.certFile === undefined) !== (options.keyFile === undefined)) {
    throw new Error('--tls-cert and --tls-key go together: give both or neither');
  }
  const own = path.join(options.dataDir, 'tls');
  const certFile = options.certFile ?? path.join(own, 'cert.pem');
  const keyFile = options.keyFile ?? path.join(own, 'key.pem');
  let generated = false;
  if (options.certFile === undefined) {
    // What a start killed mid-write left behind would block this start's writes, or linger.
    for (const file of [keyFile, certFile]) await removeStaleTemporaries(file);
    if (!fs.existsSync(certFile)) {
      await generatePair(certFile, keyFile);
      generated = true;
    }
  }
  const cert = read(certFile, 'certificate');
  const key = read(keyFile, 'key');
  const certificate = parseCertificate(cert, certFile);
  checkKey(certificate, key, keyFile);
  return { cert, key, fingerprint: certificate.fingerprint256, certFile, keyFile, generated };
}

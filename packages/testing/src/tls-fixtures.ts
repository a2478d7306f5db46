/**
 * Certificates for tests, made with openssl in the test's own folder: a CA, server
 * certificates it signs (for 127.0.0.1 and localhost, for another host name only,
 * expired), and a second CA nobody trusts. EC P-256 keys, so making them takes
 * milliseconds. Keys are written 0600, as the directory demands of its key file.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface Ca {
  name: string;
  certFile: string;
  keyFile: string;
  /** The CA certificate, PEM: what a client pins. */
  pem: string;
}

export interface ServerCert {
  certFile: string;
  keyFile: string;
  cert: string;
  key: string;
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
let serial = 1000;

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

export function makeCa(dir: string, name = 'ca'): Ca {
  mkdirSync(dir, { recursive: true });
  const certFile = path.join(dir, `${name}.ca.pem`);
  const keyFile = path.join(dir, `${name}.ca.key`);
  openssl(
    ['req', '-x509', ...EC, '-keyout', keyFile, '-out', certFile, '-days', '2', '-subj', `/CN=pwsync test ${name}`,
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'],
    dir,
  );
  chmodSync(keyFile, 0o600);
  return { name, certFile, keyFile, pem: readFileSync(certFile, 'utf8') };
}

/**
 * A server certificate signed by `ca`. `hosts` become its subjectAltName (IP addresses
 * as IP:, names as DNS:); `expired` makes one whose validity ended in 2020.
 */
export function issue(ca: Ca, dir: string, name: string, options: { hosts?: string[]; expired?: boolean } = {}): ServerCert {
  const hosts = options.hosts ?? ['127.0.0.1', 'localhost'];
  const certFile = path.join(dir, `${name}.pem`);
  const keyFile = path.join(dir, `${name}.key`);
  const csr = path.join(dir, `${name}.csr`);
  const ext = path.join(dir, `${name}.ext`);
  writeFileSync(ext, `subjectAltName=${hosts.map((h) => (/^[\d.]+$|:/.test(h) ? `IP:${h}` : `DNS:${h}`)).join(',')}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`);
  openssl(['req', '-new', ...EC, '-keyout', keyFile, '-out', csr, '-subj', `/CN=${hosts[0]}`], dir);
  chmodSync(keyFile, 0o600);
  serial += 1;
  if (options.expired) {
    // `openssl x509` cannot back-date; `openssl ca` can, given a minimal CA folder.
    const db = path.join(dir, `${name}-ca`);
    mkdirSync(db, { recursive: true });
    writeFileSync(path.join(db, 'index.txt'), '');
    writeFileSync(path.join(db, 'serial'), `${serial.toString(16).padStart(4, '0')}\n`);
    const config = path.join(db, 'ca.cnf');
    writeFileSync(
      config,
      `[ca]\ndefault_ca=test\n[test]\ndir=${db}\ndatabase=${db}/index.txt\nnew_certs_dir=${db}\nserial=${db}/serial\n` +
        `certificate=${ca.certFile}\nprivate_key=${ca.keyFile}\ndefault_md=sha256\npolicy=any\nunique_subject=no\n[any]\ncommonName=supplied\n`,
    );
    openssl(['ca', '-batch', '-notext', '-config', config, '-startdate', '20200101000000Z', '-enddate', '20200102000000Z', '-extfile', ext, '-in', csr, '-out', certFile], dir);
  } else {
    openssl(['x509', '-req', '-in', csr, '-CA', ca.certFile, '-CAkey', ca.keyFile, '-set_serial', String(serial), '-days', '2', '-extfile', ext, '-out', certFile], dir);
  }
  return { certFile, keyFile, cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8') };
}

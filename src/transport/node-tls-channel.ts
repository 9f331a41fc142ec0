/**
 * TLS for `--backend node`: Node's own server-side `tls.TLSSocket` over an accepted `net.Socket`
 * (what `tls.Server` does for each connection, done here so that the fd ceiling is checked
 * before any TLS work, and a handshake's failure is told in the same words as on the raw-fd
 * backends). Once secure, it is a NodeChannel over the TLS socket.
 */
import type net from 'node:net';
import tls from 'node:tls';

import { NodeChannel } from './node-channel';
import { describeFailure, takeErrors, type TlsChannelOptions } from './tls-channel';

export interface NodeTlsHandshake {
  /** The handshake succeeded: `attach()` the channel's consumer now. */
  onSecure(channel: NodeTlsChannel): void;
  /** It failed or timed out; the connection is already being closed. */
  onFailure(error: Error): void;
}

export class NodeTlsChannel extends NodeChannel {
  constructor(socket: net.Socket, options: TlsChannelOptions, handshake: NodeTlsHandshake) {
    const secure = new tls.TLSSocket(socket, { isServer: true, secureContext: options.context });
    super(secure);
    const timer = setTimeout(() => {
      secure.destroy(new Error(`handshake timed out after ${options.handshakeTimeoutMs} ms`));
    }, options.handshakeTimeoutMs);
    secure.once('secure', () => {
      clearTimeout(timer);
      takeErrors(secure);
      handshake.onSecure(this);
    });
    secure.once('close', () => {
      clearTimeout(timer);
      if (!this.attached) handshake.onFailure(new Error(describeFailure(this.error)));
    });
  }

  /** The TLS version and cipher agreed on, e.g. `TLSv1.3 TLS_AES_256_GCM_SHA384`. */
  get description(): string {
    const secure = this.socket as tls.TLSSocket;
    return `${secure.getProtocol() ?? 'TLS'} ${secure.getCipher().standardName}`;
  }
}

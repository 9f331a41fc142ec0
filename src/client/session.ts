/**
 * The client's side of one chat session, across reconnections: it owns the connection, follows
 * its own nick, asks for it again after the server comes back, reconnects with backoff, decides
 * about TLS trust, and keeps for itself only `/quit`, `/clear` and `/connect`. It talks to the
 * screen (or the line-mode printer) only through a {@link SessionView}, so both share it.
 */
import { nickKey } from '../protocol/nick.js';
import { DEFAULT_BACKOFF, reconnectDelay, type BackoffPolicy } from './backoff.js';
import { toChatEvent, type ChatEvent } from './chat-event.js';
import { clientCommand } from './client-command.js';
import { Connection, type Closed, type TlsSetup } from './connection.js';
import { hostKey, knownHostsFile } from './known-hosts.js';
import type { ClientOptions } from './options.js';
import type { LinkState, Status, TrustQuestion } from './screen-state.js';
import type { PeerCertificate } from './trust.js';
import { stayDownReason } from './stay-down.js';
import { decideTrust, readCa } from './tls-trust.js';

export interface SessionView {
  /** A server event; `show` is false for answers the client asked for itself. */
  event(event: ChatEvent, line: string, show: boolean): void;
  notice(text: string, alert: boolean): void;
  status(status: Partial<Status>): void;
  /** Asks whether to trust an unknown certificate; resolves with the answer. */
  ask(question: TrustQuestion): Promise<boolean>;
  clear(): void;
  exit(code: number): void;
}

export interface SessionSettings {
  knownHosts: string;
  backoff: BackoffPolicy;
  /**
   * For a script, with nobody to type `/connect`: exit 1 after this many failed connections in
   * a row, or at once when not reconnecting by itself. Undefined: retry for ever.
   */
  giveUpAfter: number | undefined;
}

/** Lines typed while not connected, sent once the server has welcomed us. */
const MAX_QUEUED = 100;
const QUIT_GRACE_MS = 2000;

export class Session {
  private connection: Connection | undefined;
  private link: LinkState = 'connecting';
  private nick: string | undefined;
  /** The nick to ask for after every WELCOME: `--nick`, then whatever the user renamed to. */
  private wanted: string | undefined;
  private attempt = 0;
  private retry: NodeJS.Timeout | undefined;
  /** Our own `/list`s in flight, whose USERS answers only fill the user list. */
  private ownLists = 0;
  private welcomed = false;
  private readonly queue: string[] = [];
  private quitting: { reason: string | undefined; sent: boolean } | undefined;
  /** Why we will not reconnect by ourselves (refused certificate, kicked, banned). */
  private stayDown: string | undefined;
  private host: string;
  private port: number;
  private readonly settings: SessionSettings;

  constructor(
    private readonly options: ClientOptions,
    private readonly view: SessionView,
    settings: Partial<SessionSettings> = {},
  ) {
    this.host = options.host;
    this.port = options.port;
    this.wanted = options.nick;
    this.settings = {
      knownHosts: knownHostsFile(),
      backoff: DEFAULT_BACKOFF,
      giveUpAfter: undefined,
      ...settings,
    };
  }

  get server(): string {
    return hostKey(this.host, this.port);
  }

  start(): void {
    this.connect();
  }

  /** A line from the user: a client command, or for the server as is. */
  submit(line: string): void {
    if (line.trim() === '') return; // the server ignores blank lines too
    const command = clientCommand(line);
    if (command === undefined) return this.sendOrQueue(line);
    switch (command.name) {
      case 'quit':
        return this.quit(command.reason);
      case 'clear':
        return this.view.clear();
      case 'connect':
        return this.reconnectTo(command.host ?? this.host, command.port ?? this.port);
      case 'invalid':
        return this.view.notice(command.message, true);
    }
  }

  /** Leaves: `/quit` to the server once what was queued is sent, then exit. */
  quit(reason?: string): void {
    if (this.quitting !== undefined) return;
    this.quitting = { reason, sent: false };
    clearTimeout(this.retry);
    if (this.welcomed) return this.sendQuit();
    // Connecting with lines to send: they and /quit go once the server welcomes us.
    if (this.connection !== undefined && this.queue.length > 0) return;
    const connection = this.connection;
    this.connection = undefined;
    connection?.destroy('quit');
    this.exitUnsent(0);
  }

  private sendOrQueue(line: string): void {
    if (this.welcomed && this.connection?.send(line) === true) return;
    if (this.queue.length >= MAX_QUEUED) {
      return this.view.notice(`not connected; ${MAX_QUEUED} lines already wait: not sent`, true);
    }
    this.queue.push(line);
    if (this.link === 'connected' || this.link === 'connecting') return;
    this.view.notice('not connected: it will be sent once connected', false);
  }

  private sendQuit(): void {
    const quitting = this.quitting;
    if (quitting === undefined || this.connection === undefined) return;
    quitting.sent = true;
    this.connection.send(quitting.reason === undefined ? '/quit' : `/quit ${quitting.reason}`);
    this.connection.end('quit');
    // The server closes after /quit; do not wait for ever if it does not.
    setTimeout(() => this.view.exit(0), QUIT_GRACE_MS).unref();
  }

  private setLink(link: LinkState, detail?: string): void {
    this.link = link;
    this.view.status({ link, detail, server: this.server });
  }

  private connect(): void {
    this.welcomed = false;
    this.ownLists = 0;
    this.setLink(this.attempt === 0 ? 'connecting' : 'reconnecting');
    let tls: TlsSetup | undefined;
    try {
      tls = this.tlsSetup();
    } catch (error) {
      this.stayDown = (error as Error).message;
      return this.down(this.stayDown);
    }
    const connection: Connection = new Connection(
      { host: this.host, port: this.port, tls },
      {
        open: (peer) => this.opened(peer),
        line: (line) => this.received(line),
        close: (closed) => {
          if (this.connection === connection) this.closed(closed);
        },
      },
    );
    this.connection = connection;
  }

  private tlsSetup(): TlsSetup | undefined {
    const mode = this.options.tls;
    if (mode === undefined) return undefined;
    const ca = mode.kind === 'ca' ? readCa(mode.caFile) : undefined;
    return { ca, verify: (peer) => this.verify(peer) };
  }

  private async verify(peer: PeerCertificate): Promise<boolean> {
    const mode = this.options.tls ?? { kind: 'insecure' };
    this.view.status({ fingerprint: peer.fingerprint });
    const outcome = await decideTrust(peer, mode, this.server, this.settings.knownHosts, this.view);
    if (outcome !== true) this.stayDown = outcome;
    return outcome === true;
  }

  private opened(peer: PeerCertificate | undefined): void {
    this.stayDown = undefined;
    this.setLink('connected');
    const how = peer === undefined ? 'plain TCP' : 'TLS';
    this.view.notice(`connected to ${this.server} (${how})`, false);
  }

  private received(line: string): void {
    const event = toChatEvent(line);
    this.stayDown = stayDownReason(event, this.welcomed ? this.nick : undefined) ?? this.stayDown;
    let show = true;
    switch (event.type) {
      case 'WELCOME':
        this.welcome(event.nick);
        break;
      case 'NICK':
        if (this.nick !== undefined && nickKey(event.from) === nickKey(this.nick)) {
          this.nick = event.to;
          this.wanted = event.to;
          this.view.status({ nick: event.to });
        }
        break;
      case 'USERS':
        show = this.ownLists === 0;
        this.ownLists = Math.max(0, this.ownLists - 1);
        break;
    }
    this.view.event(event, line, show);
    if (event.type === 'WELCOME') this.afterWelcome();
  }

  private welcome(nick: string): void {
    this.welcomed = true;
    this.attempt = 0;
    this.nick = nick;
    this.view.status({ nick });
  }

  /** The user list, the nick we had, then what was typed meanwhile (and /quit, if asked). */
  private afterWelcome(): void {
    const connection = this.connection as Connection;
    this.ownLists++;
    connection.send('/list');
    if (this.wanted !== undefined && this.wanted !== this.nick)
      connection.send(`/nick ${this.wanted}`);
    for (let line = this.queue.shift(); line !== undefined; line = this.queue.shift()) {
      connection.send(line);
    }
    if (this.quitting !== undefined) this.sendQuit();
  }

  private closed(closed: Closed): void {
    this.welcomed = false;
    this.connection = undefined;
    this.view.event({ time: new Date().toISOString(), type: 'USERS', nicks: [] }, '', false);
    if (this.quitting !== undefined) {
      if (!this.quitting.sent) this.view.notice(`lines not sent: ${closed.reason}`, true);
      return this.view.exit(this.quitting.sent ? 0 : 1);
    }
    if (closed.refused) this.stayDown ??= closed.reason;
    const lost = `disconnected from ${this.server}: ${closed.reason}`;
    if (this.stayDown !== undefined)
      return this.down(`${lost}; not reconnecting (${this.stayDown})`);
    const limit = this.settings.giveUpAfter;
    if (limit !== undefined && this.attempt + 1 >= limit) {
      return this.down(`${lost}; giving up after ${limit} attempts in a row`);
    }
    const delay = reconnectDelay(this.attempt++, this.settings.backoff);
    const seconds = `${(delay / 1000).toFixed(1)}s`;
    this.view.notice(`${lost}; reconnecting in ${seconds}`, true);
    this.setLink('reconnecting', `in ${seconds}`);
    this.retry = setTimeout(() => this.connect(), delay);
  }

  /** Not reconnecting by ourselves: on a screen the user may /connect; a script gets exit 1. */
  private down(why: string): void {
    this.setLink('disconnected');
    if (this.settings.giveUpAfter === undefined) {
      return this.view.notice(`${why}; /connect to try again`, true);
    }
    this.view.notice(why, true);
    this.exitUnsent(1);
  }

  /** Exits with `code`, or 1 if typed lines were never sent (and says how many). */
  private exitUnsent(code: number): void {
    const unsent = this.queue.length;
    if (unsent > 0) this.view.notice(`${unsent} line(s) not sent: not connected`, true);
    this.view.exit(unsent > 0 ? 1 : code);
  }

  private reconnectTo(host: string, port: number): void {
    clearTimeout(this.retry);
    const old = this.connection;
    this.connection = undefined; // its close is no longer ours to handle
    old?.destroy('reconnecting');
    this.host = host;
    this.port = port;
    this.attempt = 0;
    this.stayDown = undefined;
    this.view.notice(`connecting to ${this.server}`, false);
    this.connect();
  }
}

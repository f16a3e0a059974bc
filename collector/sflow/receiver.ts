// The UDP edge of sFlow: one socket with a large receive buffer, every datagram decoded and handed on.
// It keeps the receive counters (datagrams, dropped with reasons, unknown agents) and does no maths.
import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { decodeDatagram, type Datagram } from './decode.ts';

export interface ReceiverStats {
  /** UDP datagrams received. */
  datagrams: number;
  /** Datagrams that did not decode (truncated, oversized, garbage), by first error. */
  dropped: number;
  /** Datagrams from agents the config does not list (counted, not decoded further). */
  unknownAgent: number;
  /** Flow samples in decoded datagrams of known agents. */
  samples: number;
}

export interface ReceiverOptions {
  host: string;
  port: number;
  /** SO_RCVBUF asked for (bytes). */
  receiveBuffer: number;
  /** Which agent addresses are accepted (all when undefined). */
  accept?: (agent: string) => boolean;
  onDatagram(d: Datagram, from: { address: string; port: number }): void;
  /** A datagram that did not decode (first time per sender and reason only is the caller's to decide). */
  onDropped?(error: string, from: { address: string; port: number }): void;
  onUnknownAgent?(agent: string, from: { address: string; port: number }): void;
}

export interface Receiver {
  stats: ReceiverStats;
  /** The bound address (the port is the real one when 0 was asked for). */
  address: { address: string; port: number };
  /** SO_RCVBUF as the kernel set it (Linux reports twice the usable size; capped by net.core.rmem_max). */
  receiveBuffer: number;
  close(): Promise<void>;
}

/** Binds the socket and starts receiving; rejects with a message naming the address when it cannot bind. */
export function openReceiver(o: ReceiverOptions): Promise<Receiver> {
  const stats: ReceiverStats = { datagrams: 0, dropped: 0, unknownAgent: 0, samples: 0 };
  const sock: Socket = createSocket({ type: isIPv6(o.host) ? 'udp6' : 'udp4', recvBufferSize: o.receiveBuffer });
  return new Promise((resolve, reject) => {
    const onError = (e: Error) => reject(new Error(`sflow: cannot listen on ${o.host}:${o.port}: ${e.message}`));
    sock.once('error', onError);
    sock.on('message', (buf, rinfo) => {
      stats.datagrams++;
      const from = { address: rinfo.address, port: rinfo.port };
      const r = decodeDatagram(buf);
      if (!r.ok) { stats.dropped++; o.onDropped?.(r.error, from); return; }
      if (o.accept && !o.accept(r.datagram.agent)) { stats.unknownAgent++; o.onUnknownAgent?.(r.datagram.agent, from); return; }
      stats.samples += r.datagram.flows.length;
      o.onDatagram(r.datagram, from);
    });
    sock.bind(o.port, o.host, () => {
      sock.off('error', onError);
      sock.on('error', () => { /* a receive error on a bound UDP socket is transient; the counters show the gap */ });
      const a = sock.address();
      let rcv = 0;
      try { rcv = sock.getRecvBufferSize(); } catch { /* not available: reported as 0 */ }
      resolve({
        stats, address: { address: a.address, port: a.port }, receiveBuffer: rcv,
        close: () => new Promise<void>((r) => sock.close(() => r())),
      });
    });
  });
}

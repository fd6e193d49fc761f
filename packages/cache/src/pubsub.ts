// Publish/subscribe for live updates (job progress, SSE). Redis carries messages between server
// and worker processes; the in-process version serves the embedded single-process mode.
import { EventEmitter } from "node:events";
import superjson from "superjson";
import type { Redis } from "./redis";

export type Unsubscribe = () => Promise<void>;

export interface PubSub {
  publish(channel: string, message: unknown): Promise<void>;
  subscribe(channel: string, onMessage: (message: unknown) => void): Promise<Unsubscribe>;
  close(): Promise<void>;
}

export class RedisPubSub implements PubSub {
  private readonly handlers = new Map<string, Set<(message: unknown) => void>>();

  /** `subscriber` must be a dedicated connection: a subscribed ioredis client can run nothing else. */
  constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    private readonly prefix: string,
  ) {
    subscriber.on("message", (channel: string, raw: string) => {
      const set = this.handlers.get(channel);
      if (!set) return;
      const message = superjson.parse(raw);
      for (const handler of set) handler(message);
    });
  }

  async publish(channel: string, message: unknown): Promise<void> {
    await this.publisher.publish(this.prefix + channel, superjson.stringify(message));
  }

  async subscribe(channel: string, onMessage: (message: unknown) => void): Promise<Unsubscribe> {
    const full = this.prefix + channel;
    let set = this.handlers.get(full);
    if (!set) {
      set = new Set();
      this.handlers.set(full, set);
      await this.subscriber.subscribe(full);
    }
    set.add(onMessage);
    return async () => {
      set.delete(onMessage);
      if (set.size === 0 && this.handlers.get(full) === set) {
        this.handlers.delete(full);
        await this.subscriber.unsubscribe(full);
      }
    };
  }

  async close(): Promise<void> {
    this.handlers.clear();
    await this.subscriber.quit();
  }
}

export class MemoryPubSub implements PubSub {
  private readonly emitter = new EventEmitter().setMaxListeners(0);

  async publish(channel: string, message: unknown): Promise<void> {
    // Copy through serialisation, as Redis would, so subscribers never share the publisher's object.
    this.emitter.emit(channel, superjson.parse(superjson.stringify(message)));
  }

  async subscribe(channel: string, onMessage: (message: unknown) => void): Promise<Unsubscribe> {
    this.emitter.on(channel, onMessage);
    return async () => void this.emitter.off(channel, onMessage);
  }

  async close(): Promise<void> {
    this.emitter.removeAllListeners();
  }
}

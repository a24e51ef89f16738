/**
 * The answering engine the server runs: the current library (index + embedder), the answerer
 * over it, and the watch that swaps in a new index when an ingest replaces it. Questions read
 * the library once when they start, so a swap never fails a question in flight.
 */
import { unwatchFile, watchFile } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../lib/config.ts';
import { currentVersion } from '../lib/index-store.ts';
import { createAnswerer, type Answerer } from './rag/answer.ts';
import type { Library } from './rag/library.ts';
import type { Llm } from './rag/llm.ts';
import { llmFrom, openLibrary } from './rag/setup.ts';

export interface EngineEvents {
  onReload?: (version: string) => void;
  onReloadError?: (error: Error) => void;
}

export class Engine {
  readonly answerer: Answerer;
  private current: Library;
  private listener: (() => void) | undefined;
  private reloading: Promise<void> | undefined;
  private readonly reloadListeners = new Set<(version: string) => void>();

  private constructor(
    private readonly config: Config,
    library: Library,
    readonly llm: Llm | undefined,
    private readonly events: EngineEvents,
  ) {
    this.current = library;
    this.answerer = createAnswerer({ library: () => this.current, ...(llm ? { llm } : {}) });
  }

  static async open(config: Config, events: EngineEvents = {}, llm: Llm | undefined = llmFrom(config)): Promise<Engine> {
    return new Engine(config, await openLibrary(config), llm, events);
  }

  get library(): Library {
    return this.current;
  }

  /**
   * Loads the index now current on disk, if it differs from the one in use, and keeps going
   * until what it loaded is still current: a change announced while a reload is in flight, or
   * a version pruned by a later ingest while it was being read, is looked at again rather
   * than merged into the reload in flight and lost.
   */
  async reload(): Promise<void> {
    if (this.reloading) {
      this.again = true;
      return this.reloading;
    }
    this.reloading = (async () => {
      try {
        do {
          this.again = false;
          await this.loadCurrent();
        } while (this.again);
      } finally {
        this.reloading = undefined;
      }
    })();
    return this.reloading;
  }

  private again = false;

  private async loadCurrent(): Promise<void> {
    const version = await currentVersion(this.config.indexDir).catch(() => undefined);
    if (!version || version === this.current.index.version) return;
    try {
      this.current = await openLibrary(this.config);
      this.events.onReload?.(this.current.index.version);
      for (const listener of this.reloadListeners) listener(this.current.index.version);
      // Replaced again while it loaded: go on to that one.
      if ((await currentVersion(this.config.indexDir).catch(() => undefined)) !== this.current.index.version) this.again = true;
    } catch (error) {
      // Replaced while we read it (a later ingest pruned it): the newer one is worth a try.
      const now = await currentVersion(this.config.indexDir).catch(() => undefined);
      if (now && now !== version) this.again = true;
      else this.events.onReloadError?.(error as Error);
    }
  }

  /** Calls `listener` with every index version loaded from now on; the returned function stops that. */
  onReload(listener: (version: string) => void): () => void {
    this.reloadListeners.add(listener);
    return () => this.reloadListeners.delete(listener);
  }

  /** Polls the index's CURRENT pointer (a rename, which file watchers miss on some systems). */
  watch(): void {
    if (this.listener) return;
    this.listener = () => void this.reload();
    watchFile(join(this.config.indexDir, 'CURRENT'), { interval: this.config.server.indexPollMs, persistent: false }, this.listener);
  }

  close(): void {
    // Only this engine's listener: another engine in the process may watch the same index.
    if (this.listener) unwatchFile(join(this.config.indexDir, 'CURRENT'), this.listener);
    this.listener = undefined;
  }
}

/** The screen state behind a tiny subscribe/dispatch interface, for React's useSyncExternalStore. */
import { reduce, type Action, type ScreenState } from './screen-state.js';

export class Store {
  private state: ScreenState;
  private readonly listeners = new Set<() => void>();

  constructor(initial: ScreenState) {
    this.state = initial;
  }

  readonly getState = (): ScreenState => this.state;

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly dispatch = (action: Action): void => {
    const next = reduce(this.state, action);
    if (next === this.state) return;
    this.state = next;
    for (const listener of this.listeners) listener();
  };
}

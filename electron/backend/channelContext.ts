import type { Channel, EventName, ParsedRequestOf, RendererEvents, ReplyOf } from '../../shared/contract/rendererContract';
import type { BackgroundJobs } from './backgroundJobs';
import type { LiveService } from './live/liveService';
import type { MlSupervisor } from './mlSupervisor';
import type { Project } from './project';

/** The contract's channels of one area (`'classes'` → `classes:list`, `classes:add`, …); a union names several. */
export type AreaChannel<Area extends string> = Extract<Channel, `${Area}:${string}`>;

/** One handler per contract channel, answering the validated request with the channel's reply. */
export type ChannelHandlers = { [C in Channel]: (request: ParsedRequestOf<C>) => Promise<ReplyOf<C>> | ReplyOf<C> };

/**
 * The handlers of one area: a module that misses one of its area's channels, answers one with the
 * wrong reply, or answers another area's channel, does not compile.
 */
export type AreaHandlers<Area extends string> = Pick<ChannelHandlers, AreaChannel<Area>>;

export type EmitEvent = <E extends EventName>(event: E, payload: RendererEvents[E]) => void;

/**
 * What the backend lends every area's channels. Each area's module takes the `Pick` of it that it
 * needs, so its dependencies read from its signature and a test can build just those.
 */
export interface ChannelContext {
  /** The open project; NO_PROJECT when there is none. */
  project(): Project;
  /** The ML process; ML_PROCESS_DIED in a mode without one. */
  ml(): MlSupervisor;
  /** Live training of the open project; null without an ML process or a project. */
  live(): LiveService | null;
  /** Pushes an event to every renderer. */
  emit: EmitEvent;
  /** Imports and exports: work that needs no ML process. */
  jobs: BackgroundJobs;
  /** Jobs that need the ML process to themselves (predictions): Live pauses while they run. */
  mlJobs: BackgroundJobs;
}

/**
 * The Socket.IO protocol. Transport only.
 *
 *   client → server  ask     { id, question, history?, docIds? }   docIds: answer only from these papers
 *   client → server  cancel  { id }
 *   server → client  answer:delta  { id, text }        text grows; deltas concatenate to the answer
 *   server → client  answer:reset  { id }              (rare) an LLM failed mid-stream: discard the text so far
 *   server → client  answer:done   { id, ...answer }   the answer object
 *   server → client  answer:error  { id, message, code }  code: invalid | busy | rate-limited | cancelled | failed
 *                                  (busy from the server-wide queue also has retryAfter, in seconds)
 *   server → client  upload:progress { name, stage, done?, total? }  to the socket an upload names
 *                                  in X-Socket-Id (server/upload.ts)
 *
 * Several questions may be in flight on one socket; each is told apart by its id.
 */
import type { Server, Socket } from 'socket.io';
import { BusyError, type Admission } from './admission.ts';
import type { Engine } from './engine.ts';
import type { Logger } from './log.ts';
import { clientKey, type QuestionLimiter } from './rate-limit.ts';
import { describeIssue, SocketAsk, SocketCancel, withKnownPapers } from './schemas.ts';

export interface SocketOptions {
  /** The per-client question budget, shared with HTTP (one limiter per server). */
  limiter: QuestionLimiter;
  /** Questions in flight per socket. */
  maxInFlight: number;
  /** The server-wide turns for answers, shared with HTTP. */
  admission: Admission;
}

type Id = string | number;

export function attachSocket(io: Server, engine: Engine, log: Logger, options: SocketOptions): void {
  const askRequest = withKnownPapers(SocketAsk, (docId) => engine.library.paper(docId) !== undefined);
  io.on('connection', (socket: Socket) => {
    const inFlight = new Map<Id, AbortController>();
    const client = clientKey(socket.handshake.address);
    /**
     * Reserves the id before asking the rate limit (which may wait on Redis), so that the id
     * and the in-flight count hold for questions sent meanwhile on this socket.
     */
    const rateRefusal = async (id: Id, controller: AbortController): Promise<Refusal | undefined> => {
      inFlight.set(id, controller);
      if ((await options.limiter.consume(client)).allowed) return undefined;
      inFlight.delete(id);
      return { code: 'rate-limited', message: 'too many questions; wait a minute and try again' };
    };

    socket.on('ask', async (payload: unknown, acknowledge?: unknown) => {
      const ack = typeof acknowledge === 'function' ? (acknowledge as (reply: unknown) => void) : undefined;
      const parsed = askRequest.safeParse(payload);
      const id = idOf(payload);
      if (!parsed.success) {
        const message = describeIssue(parsed.error);
        socket.emit('answer:error', { id, message, code: 'invalid' });
        ack?.({ ok: false, error: message });
        return;
      }
      const request = parsed.data;
      const controller = new AbortController();
      const refusal = refusalOf(request.id, inFlight, options.maxInFlight) ?? (await rateRefusal(request.id, controller));
      if (refusal) {
        socket.emit('answer:error', { id: request.id, ...refusal });
        ack?.({ ok: false, error: refusal.message });
        return;
      }
      ack?.({ ok: true, id: request.id });
      const started = performance.now();
      const release = await options.admission.enter(socket.id, controller.signal).catch((error: Error) => error);
      if (release instanceof Error) {
        inFlight.delete(request.id);
        if (release instanceof BusyError) socket.emit('answer:error', { id: request.id, message: release.message, code: 'busy', retryAfter: release.retryAfterSeconds });
        else socket.emit('answer:error', { id: request.id, message: 'cancelled', code: 'cancelled' });
        return;
      }
      try {
        const scope = request.docIds ? { docIds: request.docIds } : {};
        for await (const event of engine.answerer.answer(request.question, { history: request.history ?? [], signal: controller.signal, ...scope })) {
          if (controller.signal.aborted) break;
          if (event.type === 'answer-delta') socket.emit('answer:delta', { id: request.id, text: event.text });
          else if (event.type === 'answer-reset') socket.emit('answer:reset', { id: request.id });
          else socket.emit('answer:done', { id: request.id, ...event.answer });
        }
        if (controller.signal.aborted) socket.emit('answer:error', { id: request.id, message: 'cancelled', code: 'cancelled' });
        log.info('socket ask', { ms: Math.round(performance.now() - started), chars: request.question.length, cancelled: controller.signal.aborted });
      } catch (error) {
        const cancelled = controller.signal.aborted;
        if (!cancelled) log.error('socket ask failed', { error: (error as Error).message });
        socket.emit('answer:error', { id: request.id, message: cancelled ? 'cancelled' : 'the answer failed; try again', code: cancelled ? 'cancelled' : 'failed' });
      } finally {
        release();
        inFlight.delete(request.id);
      }
    });

    socket.on('cancel', (payload: unknown) => {
      const parsed = SocketCancel.safeParse(payload);
      if (!parsed.success) {
        socket.emit('answer:error', { id: idOf(payload), message: describeIssue(parsed.error), code: 'invalid' });
        return;
      }
      inFlight.get(parsed.data.id)?.abort(new Error('cancelled'));
    });

    socket.on('disconnect', () => {
      for (const controller of inFlight.values()) controller.abort(new Error('disconnected'));
      inFlight.clear();
    });
  });
}

interface Refusal {
  code: 'invalid' | 'busy' | 'rate-limited';
  message: string;
}

/** Why this socket may not ask `id` now (a duplicate id, too many in flight), if it may not. */
function refusalOf(id: Id, inFlight: Map<Id, AbortController>, maxInFlight: number): Refusal | undefined {
  if (inFlight.has(id)) return { code: 'invalid', message: `a question with id ${JSON.stringify(id)} is already in flight` };
  if (inFlight.size >= maxInFlight) return { code: 'busy', message: `too many questions in flight on this connection (at most ${maxInFlight})` };
  return undefined;
}

function idOf(payload: unknown): Id | null {
  if (payload && typeof payload === 'object' && 'id' in payload) {
    const id = (payload as { id: unknown }).id;
    if (typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id))) return id;
  }
  return null;
}

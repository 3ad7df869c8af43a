import { randomBytes } from 'node:crypto';
import { ackFrame } from "../chat/frames.js";
import { ChatNode } from "../chat/node.js";
import { CloseCode } from "../websocket/close-codes.js";
import { prepareMessage } from "../websocket/prepared.js";
export const COMPRESS_THRESHOLD = 1024;
const ALWAYS_COMPRESS = { compress: true };
export function createChatService(options, logger, sockets, metrics, makeLog) {
    const processId = randomBytes(6).toString('hex');
    const connections = new Map();
    let nextId = 1;
    let node;
    const log = makeLog((command, now) => run(node.apply(command, now)));
    node = new ChatNode({
        processId,
        replica: {
            messageTtlMs: options.messageTtl * 1000,
            maxMessageLength: options.maxMessageLength,
            resumeWindowMs: options.resumeWindow * 1000,
            resumeGraceMs: options.resumeGrace * 1000,
            processDeadAfterMs: log.local ? 0 : 7000,
        },
        edge: {
            messageTtlMs: options.messageTtl * 1000,
            maxMessageLength: options.maxMessageLength,
            joinTimeoutMs: options.joinTimeout * 1000,
            idleTimeoutMs: options.idleTimeout * 1000,
            rateLimit: options.rateLimit,
        },
    }, log);
    node.onEffects = (effects) => run(effects);
    let timer;
    let timerAt = Infinity;
    const armTimer = () => {
        const deadline = node.nextDeadline();
        if (deadline === undefined || deadline >= timerAt)
            return;
        if (timer)
            clearTimeout(timer);
        timerAt = deadline;
        timer = setTimeout(onTimer, Math.max(0, deadline - Date.now()));
        timer.unref();
    };
    const onTimer = () => {
        timer = undefined;
        timerAt = Infinity;
        run(node.tick(Date.now()));
    };
    function run(effects) {
        for (const effect of effects) {
            switch (effect.type) {
                case 'send': {
                    const connection = connections.get(effect.to);
                    if (connection === undefined)
                        break;
                    connection.send(effect.frame, effect.frame.startsWith('{"type":"welcome"') ? ALWAYS_COMPRESS : undefined);
                    break;
                }
                case 'broadcast':
                    broadcast(effect);
                    break;
                case 'close':
                    connections.get(effect.conn)?.close(effect.code, effect.reason);
                    break;
                case 'event':
                    logEvent(effect);
                    break;
            }
        }
        armTimer();
    }
    function broadcast(effect) {
        let queued = 0;
        if (effect.to.length > 0) {
            const prepared = prepareMessage(effect.frame);
            for (const id of effect.to) {
                if (id === effect.except)
                    continue;
                if (connections.get(id)?.sendPrepared(prepared))
                    queued++;
            }
        }
        if (effect.ack === undefined)
            return;
        const { ack } = effect;
        if (metrics !== undefined && queued > 0) {
            metrics.messagesDelivered.inc(undefined, queued);
            metrics.deliveryLatency.observe(Math.max(0, Date.now() - ack.acceptedAt) / 1000);
        }
        connections.get(ack.to)?.send(ackFrame(ack.id, ack.ref, ack.timestamp, ack.remote + queued));
    }
    function logEvent(effect) {
        switch (effect.event) {
            case 'rate_limited':
                metrics?.rateLimitedFrames.inc();
                if (effect.reason === 'first')
                    logger.warn('rate_limited', { conn: effect.conn });
                return;
            case 'process_down':
                logger.warn('cluster_process_down', { process: effect.reason, members: effect.count });
                return;
            default:
                logger.info(effect.event, { conn: effect.conn, user: effect.username, topic: effect.topic, reason: effect.reason });
        }
    }
    function onMessage(data, isBinary) {
        const id = this.id;
        try {
            if (logger.debugEnabled)
                logger.debug('frame', { conn: id, binary: isBinary, bytes: isBinary ? data.length : data.length });
            const now = Date.now();
            run(isBinary ? node.receiveBinary(id, now) : node.receiveText(id, data, now));
        }
        catch (error) {
            logger.error('server_error', { conn: id }, error);
            this.close(CloseCode.INTERNAL_ERROR, 'internal error');
        }
    }
    function onError(error) {
        if (error.closeCode !== undefined) {
            metrics?.protocolFaults.inc({ code: error.closeCode });
            logger.warn('protocol_error', { conn: this.id, code: error.closeCode, reason: error.message });
        }
        else {
            logger.debug('socket_error', { conn: this.id, error: error.message });
        }
    }
    function onClose(code, reason) {
        const id = this.id;
        connections.delete(id);
        if (code === CloseCode.TRY_AGAIN_LATER && reason === 'slow consumer')
            metrics?.slowConsumerCloses.inc();
        logger.info('disconnect', { conn: id, code, reason: reason || undefined });
        const why = this.closedByPeer ? 'close' : code === CloseCode.ABNORMAL ? 'drop' : 'server';
        try {
            run(node.disconnect(id, why, why === 'close' ? 'disconnect' : why === 'drop' ? 'dropped' : 'closed by server', Date.now()));
        }
        catch (error) {
            logger.error('server_error', { conn: id }, error);
        }
    }
    sockets.on('connection', (connection, req) => {
        const id = nextId++;
        connection.id = id;
        connections.set(id, connection);
        logger.info('connect', { conn: id, addr: connection.remoteAddress, origin: req.headers.origin });
        connection.on('message', onMessage);
        connection.on('error', onError);
        connection.on('close', onClose);
        run(node.connect(id, Date.now()));
    });
    return {
        node,
        processId,
        apply: (command, now) => run(node.apply(command, now)),
        run,
        stop() {
            run(node.stop());
            if (timer)
                clearTimeout(timer);
        },
    };
}

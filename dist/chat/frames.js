const json = JSON.stringify;
export function welcomeFrame(username, topic, messageTtlSeconds, users, history, resume = {}) {
    return ('{"type":"welcome","username":' + json(username) +
        ',"topic":' + json(topic) +
        ',"messageTtl":' + json(messageTtlSeconds) +
        ',"users":' + json(users) +
        ',"history":[' + history.join(',') + ']' +
        (resume.resumeToken === undefined ? '' : ',"resumeToken":' + json(resume.resumeToken)) +
        (resume.resumed === undefined ? '' : ',"resumed":' + resume.resumed) +
        (resume.recovered === undefined ? '' : ',"recovered":' + resume.recovered) + '}');
}
export function joinedFrame(username, topic, timestamp) {
    return '{"type":"joined","username":' + json(username) + ',"topic":' + json(topic) + ',"timestamp":' + timestamp + '}';
}
export function leftFrame(username, topic, timestamp) {
    return '{"type":"left","username":' + json(username) + ',"topic":' + json(topic) + ',"timestamp":' + timestamp + '}';
}
export function messageFrameFromJson(id, topicJson, usernameJson, message, timestamp) {
    return ('{"type":"message","id":' + id +
        ',"topic":' + topicJson +
        ',"username":' + usernameJson +
        ',"message":' + json(message) +
        ',"timestamp":' + timestamp + '}');
}
export function messageFrame(id, topic, username, message, timestamp) {
    return messageFrameFromJson(id, json(topic), json(username), message, timestamp);
}
export function ackFrame(id, ref, timestamp, recipients, to) {
    return ('{"type":"ack","id":' + id +
        (ref === undefined ? '' : ',"ref":' + json(ref)) +
        ',"timestamp":' + timestamp +
        ',"recipients":' + recipients +
        (to === undefined ? '' : ',"to":' + json(to)) + '}');
}
export function dmFrame(id, from, to, message, timestamp) {
    return ('{"type":"dm","id":' + id +
        ',"from":' + json(from) +
        ',"to":' + json(to) +
        ',"message":' + json(message) +
        ',"timestamp":' + timestamp + '}');
}
export function topicsFrame(topics, total = topics.length) {
    const lines = topics.map((t) => `- ${t.topic} (${t.users} ${t.users === 1 ? 'user' : 'users'})`);
    if (total > topics.length)
        lines.push(`\u2026 and ${total - topics.length} more`);
    const text = 'Active Topics:\n' + (lines.length === 0 ? '(none)' : lines.join('\n'));
    const list = topics.map((t) => ({ topic: t.topic, users: t.users }));
    return json(total > topics.length ? { type: 'topics', topics: list, text, total, truncated: true } : { type: 'topics', topics: list, text });
}
export function usersFrame(topic, users) {
    return '{"type":"users","topic":' + json(topic) + ',"users":' + json(users) + '}';
}
export function typingFrame(username, topic) {
    return '{"type":"typing","username":' + json(username) + ',"topic":' + json(topic) + '}';
}
export const HELP_TEXT = [
    'Join a topic by sending {"username": "<name>", "topic": "<topic>"}, then send {"message": "<text>"} to chat.',
    'Commands:',
    '/list - list the active topics and how many users each has',
    '/who - list the users in your topic',
    '/join <topic> - leave your topic and join another one',
    '/dm <username> <text> - send a private message to a user in your topic',
    '/leave - leave your topic and go back to the lobby',
    '/help - show this help',
    '/quit - close the connection',
].join('\n');
export function helpFrame(text = HELP_TEXT) {
    return json({ type: 'help', text });
}
export function errorFrame(code, message) {
    return '{"type":"error","code":' + json(code) + ',"message":' + json(message) + '}';
}

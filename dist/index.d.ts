/** wschat: a dependency-free RFC 6455 WebSocket layer, and a topic chat built on it. */
export * from './websocket/index.ts';
export { startEchoServer, type EchoServer, type EchoServerOptions } from './echo-server.ts';

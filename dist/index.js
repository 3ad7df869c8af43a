/** wschat: a dependency-free RFC 6455 WebSocket layer, and a topic chat built on it. */
export * from "./websocket/index.js";
export { startEchoServer } from "./echo-server.js";

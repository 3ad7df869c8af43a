export * from "./websocket/index.js";
export { startEchoServer } from "./echo-server.js";

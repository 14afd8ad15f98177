import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { SMTP_PORT } from "./ports";

export const MAIL_DIR = path.join(__dirname, "test-results", "mail");

// A minimal SMTP listener: the app sends real e-mails to it, each is saved as
// test-results/mail/<recipient>.eml for the tests to read.
export default async function globalSetup() {
  fs.rmSync(MAIL_DIR, { recursive: true, force: true });
  fs.mkdirSync(MAIL_DIR, { recursive: true });
  const server = net.createServer((socket) => {
    let buffer = "";
    let inData = false;
    let recipients: string[] = [];
    let data = "";
    socket.write("220 e2e.localhost ESMTP\r\n");
    socket.on("data", (chunk) => {
      buffer += chunk.toString("utf8");
      let index: number;
      while ((index = buffer.indexOf("\r\n")) >= 0) {
        const line = buffer.slice(0, index);
        buffer = buffer.slice(index + 2);
        if (inData) {
          if (line === ".") {
            inData = false;
            for (const recipient of recipients) {
              fs.writeFileSync(path.join(MAIL_DIR, `${recipient}.eml`), data);
            }
            recipients = [];
            data = "";
            socket.write("250 OK\r\n");
          } else {
            data += line + "\n";
          }
          continue;
        }
        const command = line.toUpperCase();
        if (command.startsWith("EHLO") || command.startsWith("HELO")) socket.write("250-e2e.localhost\r\n250 8BITMIME\r\n");
        else if (command.startsWith("RCPT TO:")) {
          recipients.push(line.slice(8).trim().replace(/[<>]/g, ""));
          socket.write("250 OK\r\n");
        } else if (command.startsWith("DATA")) {
          inData = true;
          socket.write("354 go ahead\r\n");
        } else if (command.startsWith("QUIT")) {
          socket.end("221 bye\r\n");
        } else socket.write("250 OK\r\n");
      }
    });
    socket.on("error", () => {});
  });
  await new Promise<void>((resolve) => server.listen(SMTP_PORT, "127.0.0.1", resolve));
  return async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
}

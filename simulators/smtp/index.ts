// Everything tests and the demo need from the mail simulator.
export {
  startSmtpCapture,
  type CapturedMessage,
  type SmtpCapture,
  type SmtpCaptureOptions,
  type SmtpDownMode,
} from "./capture";
export { startMailSimulator, emlFileName, type MailSimulator, type MailSimulatorOptions } from "./server";

// The in-process SMTP capture for tests; the implementation is shared with the mail simulator.
export {
  startSmtpCapture,
  type CapturedMessage,
  type SmtpCapture,
  type SmtpCaptureOptions,
  type SmtpDownMode,
} from "../../simulators/smtp/capture";

import Foundation
import NIOPosix

#if canImport(Glibc)
import Glibc
#endif

/// Reads secrets (passwords, tokens, API keys): from a terminal by prompting on standard error
/// with echo off, so that nothing shows on screen or in the scrollback; from a pipe or file one
/// line, for scripts. Blocking reads run on NIO's thread pool, never on Swift's cooperative pool.
enum SecretPrompt {
    /// The terminal's settings while echo is off, restored on Ctrl-C (a signal handler can only
    /// reach a global).
    nonisolated(unsafe) private static var saved = termios()
    nonisolated(unsafe) private static var echoIsOff = false

    /// Whether secrets are typed at a terminal (rather than read from a pipe or file).
    static var isTerminal: Bool { isatty(STDIN_FILENO) == 1 }

    /// One secret; `what` names it in the prompt and in errors ("password").
    static func read(_ what: String) async throws -> String {
        try await NIOThreadPool.singleton.runIfActive {
            let line = isatty(STDIN_FILENO) == 1 ? try fromTerminal(what) : readLine(strippingNewline: true)
            guard let line, !line.isEmpty else { throw CLIError("expected the \(what) on standard input") }
            return line
        }
    }

    private static func fromTerminal(_ what: String) throws -> String? {
        FileHandle.standardError.write(Data("\(what.prefix(1).uppercased() + what.dropFirst()): ".utf8))
        guard tcgetattr(STDIN_FILENO, &saved) == 0 else { return readLine(strippingNewline: true) }
        var silent = saved
        silent.c_lflag &= ~tcflag_t(ECHO)
        signal(SIGINT) { _ in
            if SecretPrompt.echoIsOff { tcsetattr(STDIN_FILENO, TCSANOW, &SecretPrompt.saved) }
            _exit(130)
        }
        echoIsOff = tcsetattr(STDIN_FILENO, TCSAFLUSH, &silent) == 0
        defer {
            if echoIsOff { tcsetattr(STDIN_FILENO, TCSANOW, &saved) }
            echoIsOff = false
            signal(SIGINT, SIG_DFL)
            FileHandle.standardError.write(Data("\n".utf8))
        }
        return readLine(strippingNewline: true)
    }
}

import ArgumentParser
import KeyplanAPI

/// `keyplan password`: changes the signed-in user's own password.
struct PasswordCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "password", abstract: "Change your own password; your other sessions end.",
        discussion: """
            Asks for the current password, then the new one twice (a terminal does not show them; a pipe gives
            one line each, the new one once). Wrong current passwords count towards the sign-in throttle.

            Example:
              keyplan password
            """)

    @OptionGroup var options: GlobalOptions

    func run() async throws {
        let current = try await SecretPrompt.read("current password")
        let new = try await SecretPrompt.read("new password")
        // Typed unseen, a slip would lock the user out: a terminal asks twice (a pipe gives it once).
        if SecretPrompt.isTerminal, try await SecretPrompt.read("new password again") != new {
            throw CLIError("the two new passwords differ: nothing was changed")
        }
        try await options.withClient { client, _ in try await client.changePassword(current: current, new: new) }
        try options.print(["changed": true]) { "password changed; your other sessions have ended" }
    }
}

import ArgumentParser

extension ParsableCommand {
    /// What an answer without its secret means: the client retried a write whose first answer was lost,
    /// and the server replays a write's answer without the secret it carried (`CarriesSecret` in KeyplanAPI).
    static var lostSecret: String { "made by an earlier attempt whose answer was lost; a secret is shown only once" }
}

/// A notification received on a channel the client listens to (`NOTIFY channel, 'payload'`).
public struct PostgresNotification: Sendable, Hashable {
    /// The channel it was sent on.
    public var channel: String
    /// The payload; empty when none was given.
    public var payload: String
    /// The server process that sent it.
    public var processID: Int32
}

/// What a listening stream delivers.
public enum PostgresListenEvent: Sendable, Hashable {
    /// A notification on the channel.
    case notification(PostgresNotification)
    /// The listening connection was lost and is listening again: notifications sent in between
    /// were lost, so whatever they would have announced must be looked up.
    case resumed
}

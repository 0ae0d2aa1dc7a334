/// A count of elements announced by the peer, before the elements themselves have been read.
///
/// Such a count is bounded only by the bytes that follow, but each element may take far more memory decoded
/// than encoded (a one-byte `Int` becomes eight bytes, a one-byte `String` sixteen): reserving the full count up
/// front would let a 4 MiB message claim tens of megabytes. Reservations are therefore capped; a genuinely long
/// sequence grows geometrically as its elements actually arrive.
enum ClaimedCount {
    /// The most elements reserved ahead of reading them.
    static let reservationLimit = 1024

    /// The capacity to reserve for `count` claimed elements.
    static func reservation(for count: Int) -> Int {
        min(count, reservationLimit)
    }
}

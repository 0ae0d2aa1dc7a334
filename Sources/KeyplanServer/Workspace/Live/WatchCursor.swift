/// Which journal changes a watcher has sent, so that each is sent once.
///
/// Change ids grow with each insert, but transactions commit in their own order: a change can
/// commit (and be notified) after one with a higher id. So besides the highest id sent — from
/// which the journal is read on a catch-up — the cursor remembers the ids it sent recently, and
/// a notified id below the highest is sent unless it is among them. Memory stays bounded: only
/// the `capacity` highest ids are remembered (a late commit is notified within moments, long
/// before that many later changes were sent).
struct WatchCursor: Sendable, Equatable {
    /// The highest id sent, or the id the watch started after.
    private(set) var highest: Int64
    private var recent: Set<Int64> = []
    let capacity: Int

    /// A cursor after change `after`: the watcher sends changes with higher ids.
    init(after: Int64, capacity: Int = 4096) {
        self.highest = after
        self.capacity = max(capacity, 1)
    }

    /// Whether change `id` still has to be sent.
    func needs(_ id: Int64) -> Bool { !recent.contains(id) }

    /// Notes that change `id` was sent.
    mutating func sent(_ id: Int64) {
        recent.insert(id)
        highest = max(highest, id)
        if recent.count > 2 * capacity {
            recent = Set(recent.sorted().suffix(capacity))
        }
    }
}

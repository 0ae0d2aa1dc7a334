extension String {
    /// At most `limit` Unicode scalars — what PostgreSQL's `length()` counts, and so what a column's
    /// length CHECK counts — cut between characters. (`prefix` counts characters: one emoji or
    /// accented letter may be several scalars, and a row cut that way could still break its CHECK.)
    func clipped(to limit: Int) -> String {
        var count = 0
        var end = startIndex
        for index in indices {
            let scalars = self[index].unicodeScalars.count
            guard count + scalars <= limit else { return String(self[..<end]) }
            count += scalars
            end = self.index(after: index)
        }
        return self
    }
}

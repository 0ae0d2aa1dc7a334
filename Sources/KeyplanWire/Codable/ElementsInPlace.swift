extension UnsafeBufferPointer {
    /// Calls `body` with each element and its index, without the copy that reading an element otherwise makes.
    ///
    /// Unspecialized generic code copies an element out of its buffer before any use, `pointee` and subscripts
    /// included: for a struct of strings, a retain of each string and a release afterwards, a twentieth of all
    /// encoding time. When the element type is bitwise-takable (everything but types holding weak references or other
    /// address-sensitive storage), moving an element out is a plain copy of its bytes that leaves the buffer as it
    /// was; the moved-out value is handed to `body` and then parked, never destroyed, in scratch memory, so the
    /// references the buffer holds are neither retained nor released. Other element types are copied as usual.
    @inline(__always)
    func forEachInPlace(_ body: (Element, Int) throws -> Void) throws {
        guard let base = self.baseAddress else { return }
        guard _isBitwiseTakable(Element.self) else {
            for index in 0..<self.count { try body(base[index], index) }
            return
        }
        let elements = UnsafeMutablePointer(mutating: base)
        try withUnsafeTemporaryAllocation(of: Element.self, capacity: 1) { scratch in
            let parking = scratch.baseAddress!
            for index in 0..<self.count {
                let element = (elements + index).move()
                var failure: (any Error)?
                do {
                    try body(element, index)
                } catch {
                    failure = error
                }
                // Consumed here, on every path: a `defer` could only copy it (a retain) and then destroy it.
                parking.initialize(to: consume element)
                if let failure { throw failure }
            }
        }
    }
}

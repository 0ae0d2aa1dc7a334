/// An email address that passed ``validate(_:)``, with an optional display name.
///
/// Only a valid address can be made, so none can carry a space, a control character or angle brackets
/// into an SMTP command or a header.
public struct MailAddress: Sendable, Hashable, CustomStringConvertible {
    /// `local@domain`.
    public let address: String
    /// Free text; rendered as a quoted string or RFC 2047 encoded words, line breaks folded into spaces.
    public let displayName: String?

    public init(_ address: String, displayName: String? = nil) throws(MailAddressError) {
        try Self.validate(address)
        self.address = address
        self.displayName = displayName
    }

    public var description: String { displayName.map { "\($0) <\(address)>" } ?? address }

    /// Checks an address the pragmatic RFC 5321 way, before it is queued: one `@`; a dot-atom local part
    /// of at most 64 bytes; a domain of at least two labels of letters, digits and inner hyphens, at most
    /// 63 bytes each and 253 in all. No quoted local parts, address literals or non-ASCII (an
    /// internationalized domain goes in its `xn--` form): legal, but rare in real addresses and a
    /// frequent disguise.
    public static func validate(_ address: String) throws(MailAddressError) {
        func refuse(_ reason: String) -> MailAddressError { MailAddressError(address: address, reason: reason) }
        let bytes = Array(address.utf8)
        guard bytes.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else { throw refuse("contains a space, a control or a non-ASCII character") }
        let parts = bytes.split(separator: UInt8(ascii: "@"), omittingEmptySubsequences: false)
        guard parts.count == 2 else { throw refuse("must contain exactly one @") }
        let (local, domain) = (parts[0], parts[1])

        guard !local.isEmpty, local.count <= 64 else { throw refuse("has a local part that is empty or longer than 64 bytes") }
        let atoms = local.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard atoms.allSatisfy({ !$0.isEmpty && $0.allSatisfy(isAtext) }) else {
            throw refuse("has a local part that is not a dot-atom (letters, digits, !#$%&'*+-/=?^_`{|}~ and inner single dots)")
        }

        guard !domain.isEmpty, domain.count <= 253 else { throw refuse("has a domain that is empty or longer than 253 bytes") }
        let labels = domain.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard labels.count >= 2 else { throw refuse("has a domain without a dot") }
        for label in labels {
            guard !label.isEmpty, label.count <= 63, label.allSatisfy({ isLetterOrDigit($0) || $0 == UInt8(ascii: "-") }),
                label.first != UInt8(ascii: "-"), label.last != UInt8(ascii: "-")
            else { throw refuse("has a domain label that is not 1–63 letters, digits and inner hyphens") }
        }
        guard labels.last!.contains(where: { !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else {
            throw refuse("has an all-numeric top-level domain")
        }
    }

    private static func isLetterOrDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    /// RFC 5322's atext.
    private static func isAtext(_ byte: UInt8) -> Bool {
        isLetterOrDigit(byte) || "!#$%&'*+-/=?^_`{|}~".utf8.contains(byte)
    }
}

public struct MailAddressError: Error, Sendable, Hashable, CustomStringConvertible {
    public let address: String
    public let reason: String
    public var description: String { "invalid email address \(address.debugDescription): it \(reason)" }
}

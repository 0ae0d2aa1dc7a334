import Foundation

/// Text and numbers as the SVG pictures (``QuadrantChart``, ``OrgChart``) write them: escaped
/// for XML, and coordinates with one decimal, so a picture is byte-for-byte deterministic.
enum SVGText {
    /// Escapes text for XML content and attributes.
    static func escape(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&apos;"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    /// A coordinate with one decimal.
    static func number(_ value: Double) -> String { String(format: "%.1f", value) }
}

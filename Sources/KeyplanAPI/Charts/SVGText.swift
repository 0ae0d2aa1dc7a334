/// Text and numbers as Keyplan's SVG pictures (``QuadrantChart``, ``OrgChart``, ``TrendChart``)
/// write them: escaped for XML, and numbers formatted one way, so a picture is byte-for-byte
/// deterministic.
public enum SVGText {
    /// Escapes text for XML content and attributes.
    public static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
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

    /// A coordinate with one decimal ("12.0").
    public static func number(_ value: Double) -> String { String(format: "%.1f", value) }

    /// A value with at most two decimals and no trailing zeros ("61.11", "80").
    public static func compact(_ value: Double) -> String {
        let rounded = (value * 100).rounded() / 100
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }
}

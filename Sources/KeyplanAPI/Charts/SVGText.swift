import Foundation

/// Text and numbers as Keyplan's SVG pictures (``QuadrantChart``, ``OrgChart``, ``TrendChart``)
/// write them: escaped for XML, numbers formatted one way (so a picture is byte-for-byte
/// deterministic), and text measured and cut to the room it has.
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
        // Past 10^15 (and for infinities) in three significant digits: no Int holds every such value.
        guard abs(rounded) < 1e15 else { return String(format: "%.3g", rounded) }
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }

    // MARK: Measuring

    /// How wide `text` is drawn in a sans-serif font of `fontSize` pixels, estimated on the wide
    /// side. A picture cannot know its viewer's font, so the estimate takes each character at the
    /// width of DejaVu Sans (the widest common sans-serif, and the fallback of most Linux renderers)
    /// or more: text that fits by this measure fits in narrower fonts (Helvetica, Arial) too.
    public static func width(_ text: String, fontSize: Double, bold: Bool = false) -> Double {
        text.reduce(0) { $0 + em($1) } * fontSize * (bold ? boldFactor : 1)
    }

    /// `text` as it fits in `width` pixels: whole, or cut with an ellipsis; empty when not even
    /// one character and the ellipsis fit.
    public static func fitted(_ text: String, width: Double, fontSize: Double, bold: Bool = false) -> String {
        let scale = fontSize * (bold ? boldFactor : 1)
        // A hair of slack: a width measured by ``width(_:fontSize:bold:)`` and divided back by the
        // scale may come out a rounding error short of the same text's ems, which cut text that fits.
        let room = width / scale + 1e-9
        guard text.reduce(0, { $0 + em($1) }) > room else { return text }
        var kept = "", used = em(Character("…"))
        for character in text {
            used += em(character)
            if used > room { break }
            kept.append(character)
        }
        while kept.last?.isWhitespace == true { kept.removeLast() }
        return kept.isEmpty ? "" : kept + "…"
    }

    /// A `<text>` element of `text` cut to `width` pixels (see ``fitted(_:width:fontSize:bold:)``);
    /// when cut, the whole text is its `<title>`, which viewers show on hover. `attributes` are
    /// the element's others (position, anchor, fill). Empty when nothing fits.
    public static func element(_ text: String, width: Double, fontSize: Double, bold: Bool = false, attributes: String) -> String {
        let shown = fitted(text, width: width, fontSize: fontSize, bold: bold)
        guard !shown.isEmpty else { return "" }
        let weight = bold ? " font-weight=\"bold\"" : ""
        let title = shown == text ? "" : "<title>\(escape(text))</title>"
        return "<text \(attributes)\(weight)>\(title)\(escape(shown))</text>\n"
    }

    /// Bold glyphs are up to 15% wider than regular ones.
    static let boldFactor = 1.15

    /// One character's width in em, on the wide side: from DejaVu Sans's advances, rounded up
    /// per class. An accented letter of an alphabet measures as its base letter (combining marks
    /// take no room); letters and symbols outside ASCII without such a base, as wide ones; emoji
    /// wider still (colour emoji fonts draw them at about 1.3 em). A sequence joined into one
    /// emoji counts each part, as a renderer without an emoji font draws them apart.
    static func em(_ character: Character) -> Double {
        let scalars = character.unicodeScalars
        // Alphabets only: a Hangul syllable decomposes into jamo, yet is drawn as one glyph.
        let parts = (scalars.first?.value ?? 0) < 0x2000 ? String(character).decomposedStringWithCanonicalMapping.unicodeScalars : scalars
        return parts.reduce(0) { $0 + em($1) }
    }

    private static func em(_ scalar: Unicode.Scalar) -> Double {
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format, .control: return 0
        default: break
        }
        if (0xFE00...0xFE0F).contains(scalar.value) { return 0 }  // variation selectors
        guard scalar.isASCII else { return scalar.value >= 0x1F000 ? 1.3 : 1.1 }
        switch scalar {
        case "i", "j", "l", "f", "r", "t", "I", "J", "!", "|", ".", ",", ":", ";", "'", "`", "(", ")", "[", "]", " ": return 0.44
        case "m", "w", "M", "W", "@", "%": return 1.02
        case "#", "&", "+", "<", "=", ">", "~", "^": return 0.86
        case "A"..."Z": return 0.82
        default: return 0.66
        }
    }
}
